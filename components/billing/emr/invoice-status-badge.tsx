import type { InvoiceStatus } from '@/db/schema/billing';
import { INVOICE_STATUS_LABELS } from '@/lib/billing/invoice-status';

// The words carry the status; the colour only supports them (WCAG 1.4.1). Every pair meets 4.5:1.
const TONES: Record<InvoiceStatus, string> = {
  draft: 'border-line bg-surface-muted text-fg',
  open: 'border-line bg-brand-soft text-fg',
  partially_paid: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  paid: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  void: 'border-line bg-surface-muted text-fg',
  uncollectible: 'border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
};

/** An invoice's status as a badge with its words ("Partially paid"), and "overdue" when it is. */
export function InvoiceStatusBadge({ status, overdue = false }: { status: InvoiceStatus; overdue?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <span className={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-sm font-medium ${TONES[status]}`}>{INVOICE_STATUS_LABELS[status]}</span>
      {overdue ? (
        <span className="inline-flex items-center rounded-full border border-red-300 bg-red-50 px-2.5 py-0.5 text-sm font-medium text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100">Overdue</span>
      ) : null}
    </span>
  );
}
