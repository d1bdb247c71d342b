import 'server-only';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { TenantProfile } from '@/lib/tenancy/profile';
import type { StaffConversationFilter, ThreadMessage } from './types';

/**
 * How the EMR shows conversations, for pages, the poll route and the browser alike.
 * Staff pages are English-only. Message times are formatted on the server in the clinic's zone
 * (its first location's) with the zone named, so the page and the poller agree whatever the
 * browser's own zone is.
 */
export function messagingZone(profile: Pick<TenantProfile, 'locations'>): string {
  return profile.locations[0]?.timeZone ?? 'UTC';
}

export function formatMessageTime(iso: string, timeZone: string): string {
  return dateTimeFormat('en-US', {
    month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short',
  }).format(new Date(iso));
}

/** A message as the thread shows it: the lib's view plus its server-formatted time. */
export interface ThreadItem extends ThreadMessage {
  when: string;
}

export function toThreadItem(message: ThreadMessage, timeZone: string): ThreadItem {
  return { ...message, when: formatMessageTime(message.createdAt, timeZone) };
}

/** What the poll route answers. */
export interface ThreadPollResponse {
  status: 'open' | 'closed';
  messages: ThreadItem[];
  /** Server time before the query: the next cursor when only deletions came back. */
  asOf: string;
}

export const FILTERS: { value: StaffConversationFilter; label: string; empty: string }[] = [
  { value: 'open', label: 'Open', empty: 'No open conversations. Start one with “New conversation”, or from a patient’s chart.' },
  { value: 'mine', label: 'Assigned to me', empty: 'Nothing is assigned to you. Open a conversation and choose yourself under “Assigned to” to pick it up.' },
  { value: 'unassigned', label: 'Unassigned', empty: 'Every conversation has someone assigned. Check “Open” for the full list.' },
  { value: 'closed', label: 'Closed', empty: 'No closed conversations. Conversations appear here once they are closed, by staff or automatically.' },
  { value: 'all', label: 'All', empty: 'No conversations yet. Start one with “New conversation”, or from a patient’s chart.' },
];

export const REPLY_BLOCKED: Record<string, string> = {
  closed: 'This conversation is closed. Reopen the conversation first to reply.',
  permission: 'You can read this conversation but your access level does not allow sending messages.',
  assigned_only: 'Under this clinic’s “Assigned clients only” policy you can reply only to patients assigned to you.',
};
