import type { SubscriptionStatus } from '@/db/schema/commerce';

// Text carries the meaning; the colour only supports it (WCAG 1.4.1). All pairs meet 4.5:1.
const TONES: Record<SubscriptionStatus, string> = {
  active: 'tone-good',
  paused: 'tone-wait',
  past_due: 'tone-bad',
  cancelled: 'border-line bg-surface-muted text-fg',
  ended: 'border-line bg-surface-muted text-fg',
};

/** A subscription's status as a labelled pill (the label in the page's language). */
export function SubscriptionStatusBadge({ status, label }: { status: SubscriptionStatus; label: string }) {
  return <span className={`pill ${TONES[status]}`} data-testid="subscription-status">{label}</span>;
}
