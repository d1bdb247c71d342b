import type { CampaignStatus } from '@/db/schema';
import { CAMPAIGN_STATUS_LABELS } from './campaign-form-schemas';

// A campaign's status in words, on a pill whose colour only supports them (WCAG 1.4.1).

const pill = 'inline-flex items-center rounded-full border px-2.5 py-0.5 text-sm font-medium';
const TONE: Record<CampaignStatus, string> = {
  draft: 'border-line bg-surface-muted text-fg',
  scheduled: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  queueing: 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100',
  sending: 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100',
  sent: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  cancelled: 'border-line bg-surface-muted text-fg-muted',
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return <span className={`${pill} ${TONE[status]}`}>{CAMPAIGN_STATUS_LABELS[status]}</span>;
}
