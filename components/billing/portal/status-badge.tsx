import type { InvoiceStatus, PaymentStatus } from '@/db/schema/billing';

// Text carries the meaning; the colour only supports it (WCAG 1.4.1). All pairs meet 4.5:1.
const GOOD = 'tone-good';
const WAIT = 'tone-wait';
const BAD = 'tone-bad';
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
  return <span className={`pill ${tone}`}>{label}</span>;
}
