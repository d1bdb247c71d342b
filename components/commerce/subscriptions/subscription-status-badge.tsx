import type { SubscriptionStatus } from '@/db/schema/commerce';

// Text carries the meaning; the colour only supports it (WCAG 1.4.1). All pairs meet 4.5:1.
const TONES: Record<SubscriptionStatus, string> = {
  active: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  paused: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  past_due: 'border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
  cancelled: 'border-line bg-surface-muted text-fg',
  ended: 'border-line bg-surface-muted text-fg',
};

/** A subscription's status as a labelled pill (the label in the page's language). */
export function SubscriptionStatusBadge({ status, label }: { status: SubscriptionStatus; label: string }) {
  return <span className={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-sm font-medium ${TONES[status]}`} data-testid="subscription-status">{label}</span>;
}
