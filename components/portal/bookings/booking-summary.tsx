import Link from 'next/link';
import { textLink } from './styles';

export interface SummaryRow {
  label: string;
  value: React.ReactNode;
  /** Where "Change" goes (back to that step); none when there is nothing to change. */
  changeHref?: string;
  changeLabel?: string;
}

/** The choices made so far, each with a way back to its step. */
export function BookingSummary({ heading, rows, changeText }: { heading: string; rows: SummaryRow[]; changeText: string }) {
  if (rows.length === 0) return null;
  return (
    <section aria-labelledby="summary-heading" className="rounded-xl border border-line bg-surface p-4">
      <h2 id="summary-heading" className="text-base font-semibold">{heading}</h2>
      <dl className="mt-2 divide-y divide-line">
        {rows.map((row) => (
          // A <dl> group holds only <dt>/<dd>: the "Change" link is a second <dd> in its own column.
          <div key={row.label} className="grid grid-cols-[1fr_auto] items-start gap-x-3 py-2">
            <dt className="text-sm text-fg-muted">{row.label}</dt>
            <dd className="col-start-1 font-medium">{row.value}</dd>
            {row.changeHref ? (
              <dd className="col-start-2 row-span-2 row-start-1 self-center">
                <Link href={row.changeHref} aria-label={row.changeLabel} className={`text-sm ${textLink}`}>{changeText}</Link>
              </dd>
            ) : null}
          </div>
        ))}
      </dl>
    </section>
  );
}
