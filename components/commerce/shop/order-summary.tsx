export interface SummaryLine {
  key: string;
  name: string;
  detail: string | null;
  quantity: number;
  amount: string;
}

export interface SummaryTotals {
  subtotal: string;
  discount: { label: string; amount: string } | null;
  tax: string | null;
  total: string;
}

/**
 * The lines and totals of a cart or an order, as a description list the page reads top to
 * bottom: what each product costs now, then subtotal, discount, tax and the total due today.
 */
export function OrderSummary({ lines, totals, messages, children }: {
  lines: readonly SummaryLine[];
  totals: SummaryTotals;
  messages: { subtotal: string; tax: string; total: string; quantity: string };
  /** Controls shown under each line (the cart's quantity and remove forms), by line key. */
  children?: (key: string) => React.ReactNode;
}) {
  const row = 'flex items-baseline justify-between gap-3';
  return (
    <div className="rounded-xl border border-line bg-surface">
      <ul className="divide-y divide-line">
        {lines.map((line) => (
          <li key={line.key} className="space-y-2 p-4">
            <div className={row}>
              <div className="min-w-0">
                <p className="font-medium">{line.name}</p>
                {line.detail ? <p className="text-sm text-fg-muted">{line.detail}</p> : null}
                {line.quantity > 1 ? <p className="text-sm text-fg-muted">{messages.quantity}: {line.quantity}</p> : null}
              </div>
              <p className="shrink-0 font-semibold tabular-nums">{line.amount}</p>
            </div>
            {children?.(line.key)}
          </li>
        ))}
      </ul>
      <dl className="space-y-1 border-t border-line p-4">
        <div className={row}><dt>{messages.subtotal}</dt><dd className="tabular-nums">{totals.subtotal}</dd></div>
        {totals.discount ? <div className={row}><dt>{totals.discount.label}</dt><dd className="tabular-nums">−{totals.discount.amount}</dd></div> : null}
        {totals.tax ? <div className={row}><dt>{messages.tax}</dt><dd className="tabular-nums">{totals.tax}</dd></div> : null}
        <div className={`${row} pt-1 text-lg font-semibold`}><dt>{messages.total}</dt><dd className="tabular-nums" data-testid="order-total">{totals.total}</dd></div>
      </dl>
    </div>
  );
}
