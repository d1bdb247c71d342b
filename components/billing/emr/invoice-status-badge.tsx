import type { InvoiceStatus } from '@/db/schema/billing';
import { INVOICE_STATUS_LABELS } from '@/lib/billing/invoice-status';

// The words carry the status; the colour only supports them (WCAG 1.4.1). Every pair meets 4.5:1.
const TONES: Record<InvoiceStatus, string> = {
  draft: 'border-line bg-surface-muted text-fg',
  open: 'border-line bg-brand-soft text-fg',
  partially_paid: 'tone-wait',
  paid: 'tone-good',
  void: 'border-line bg-surface-muted text-fg',
  uncollectible: 'tone-bad',
};

/** An invoice's status as a badge with its words ("Partially paid"), and "overdue" when it is. */
export function InvoiceStatusBadge({ status, overdue = false }: { status: InvoiceStatus; overdue?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <span className={`pill ${TONES[status]}`}>{INVOICE_STATUS_LABELS[status]}</span>
      {overdue ? (
        <span className="inline-flex items-center rounded-full border border-red-300 bg-red-50 px-2.5 py-0.5 text-sm font-medium text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100">Overdue</span>
      ) : null}
    </span>
  );
}
