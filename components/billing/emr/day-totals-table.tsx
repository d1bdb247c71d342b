import { formatMoney } from '@/lib/billing/money';

export interface DayTotal {
  key: string;
  label: string;
  payments: number;
  refunds: number;
  net: number;
  count: number;
}

const th = 'px-3 py-2 font-medium';
const td = 'px-3 py-2';

/** A day's totals per location or per method: taken, refunded, net. */
export function DayTotalsTable({ caption, heading, totals, currency }: { caption: string; heading: string; totals: readonly DayTotal[]; currency: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line">
      <table className="w-full text-left text-sm">
        <caption className="px-3 pt-2 text-left font-medium">{caption}</caption>
        <thead className="border-b border-line text-fg-muted">
          <tr>
            <th scope="col" className={th}>{heading}</th>
            <th scope="col" className={`${th} text-right`}>Taken</th>
            <th scope="col" className={`${th} text-right`}>Refunded</th>
            <th scope="col" className={`${th} text-right`}>Net</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {totals.map((t) => (
            <tr key={t.key}>
              <th scope="row" className={`${td} font-medium`}>{t.label}</th>
              <td className={`${td} text-right tabular-nums`}>{formatMoney(t.payments, currency)}</td>
              <td className={`${td} text-right tabular-nums`}>{formatMoney(t.refunds, currency)}</td>
              <td className={`${td} text-right font-medium tabular-nums`}>{formatMoney(t.net, currency)}</td>
            </tr>
          ))}
          {totals.length === 0 ? <tr><td colSpan={4} className="px-3 py-4 text-center text-fg-muted">Nothing taken or refunded.</td></tr> : null}
        </tbody>
      </table>
    </div>
  );
}
