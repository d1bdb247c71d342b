import type { InvoiceStatus, PaymentStatus } from '@/db/schema/billing';

// Text carries the meaning; the colour only supports it (WCAG 1.4.1). All pairs meet 4.5:1.
const GOOD = 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100';
const WAIT = 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100';
const BAD = 'border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100';
const QUIET = 'border-line bg-surface-muted text-fg';

const INVOICE_TONES: Record<InvoiceStatus, string> = {
  draft: QUIET, open: 'border-line bg-brand-soft text-fg', partially_paid: WAIT, paid: GOOD, void: QUIET, uncollectible: QUIET,
};
const PAYMENT_TONES: Record<PaymentStatus, string> = {
  pending: WAIT, requires_action: WAIT, succeeded: GOOD, failed: BAD, canceled: QUIET,
};

/** An invoice's or payment's status as a labelled pill; an overdue invoice says so in words too. */
export function BillingStatusBadge({ label, invoice, payment, overdue }: {
  label: string;
  invoice?: InvoiceStatus;
  payment?: PaymentStatus;
  overdue?: boolean;
}) {
  const tone = overdue ? BAD : invoice ? INVOICE_TONES[invoice] : payment ? PAYMENT_TONES[payment] : QUIET;
  return <span className={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-sm font-medium ${tone}`}>{label}</span>;
}
