// What a patient was charged, as the portal's order and invoice pages show it: each line as a
// block (no sideways scroll on a phone) and the totals as a description list under them.

/** One line in a list's <ul>: its description and amount, then its details (quantity, discount…), each on its own row. */
export function LineItem({ description, amount, details }: { description: string; amount: string; details: readonly (string | null)[] }) {
  return (
    <li className="space-y-1 p-3">
      <div className="flex justify-between gap-3">
        <span className="min-w-0 break-words font-medium">{description}</span>
        <span className="shrink-0 font-semibold tabular-nums">{amount}</span>
      </div>
      {details.map((detail, i) => (detail ? <p key={i} className="text-sm text-fg-muted">{detail}</p> : null))}
    </li>
  );
}

/** A total: its term, the amount, and whether it stands out (the total, what is due). */
export type TotalRow = readonly [term: string, amount: string, strong: boolean];

export function TotalsList({ rows, testId }: { rows: readonly TotalRow[]; testId?: string }) {
  return (
    <dl className="ml-auto max-w-sm space-y-1 rounded-xl border border-line bg-surface p-4" data-testid={testId}>
      {rows.map(([term, amount, strong]) => (
        <div key={term} className={`flex justify-between gap-4 ${strong ? 'font-semibold' : ''}`}>
          <dt>{term}</dt>
          <dd className="tabular-nums">{amount}</dd>
        </div>
      ))}
    </dl>
  );
}
