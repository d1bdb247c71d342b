import type { AutomationStatus } from '@/db/schema/automations';
import { AUTOMATION_STATUS_WORDS } from '@/lib/engagement/automations/builder-words';

// An automation's status and "Built in", as words in a pill (the colour only repeats the word).

const STATUS_CLASS: Record<AutomationStatus, string> = {
  active: 'bg-brand-soft text-fg ring-1 ring-brand-accent',
  paused: 'bg-amber-100 text-amber-900',
  draft: 'bg-surface-muted text-fg',
};

export function AutomationStatusBadge({ status }: { status: AutomationStatus }) {
  return <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_CLASS[status]}`}>{AUTOMATION_STATUS_WORDS[status]}</span>;
}

export function BuiltInBadge() {
  return <span className="inline-block rounded-full border border-line px-2 py-0.5 text-xs font-medium">Built in</span>;
}
