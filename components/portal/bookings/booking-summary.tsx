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
          <div key={row.label} className="flex items-start justify-between gap-3 py-2">
            <div>
              <dt className="text-sm text-fg-muted">{row.label}</dt>
              <dd className="font-medium">{row.value}</dd>
            </div>
            {row.changeHref ? (
              <Link href={row.changeHref} aria-label={row.changeLabel} className={`shrink-0 text-sm ${textLink}`}>{changeText}</Link>
            ) : null}
          </div>
        ))}
      </dl>
    </section>
  );
}
