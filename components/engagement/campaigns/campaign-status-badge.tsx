import type { CampaignStatus } from '@/db/schema';
import { CAMPAIGN_STATUS_LABELS } from './campaign-form-schemas';

// A campaign's status in words, on a pill whose colour only supports them (WCAG 1.4.1).

const pill = 'pill';
const TONE: Record<CampaignStatus, string> = {
  draft: 'border-line bg-surface-muted text-fg',
  scheduled: 'tone-wait',
  queueing: 'tone-info',
  sending: 'tone-info',
  sent: 'tone-good',
  cancelled: 'border-line bg-surface-muted text-fg-muted',
};

export function CampaignStatusBadge({ status }: { status: CampaignStatus }) {
  return <span className={`${pill} ${TONE[status]}`}>{CAMPAIGN_STATUS_LABELS[status]}</span>;
}
