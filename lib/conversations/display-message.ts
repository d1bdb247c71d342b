import 'server-only';
import type { PortalRelationship } from '@/db/schema';
import type { ThreadMessage } from '@/lib/conversations/types';
import { DELETE_WINDOW_MINUTES } from '@/lib/conversations/policy';
import { isTimeZone, type Formatters, type Locale, type Translate } from '@/lib/i18n/core';
import type { inbox } from '@/lib/i18n/messages/inbox';
import { formatBytes } from '@/lib/documents/file-rules';
import { relationshipLabel } from '@/lib/patients/display';

/**
 * A thread message as the portal shows it, worded and timed on the server (page and poll route
 * alike) so the browser never formats dates itself: one zone, one language, no hydration drift.
 */
export interface DisplayMessage {
  id: string;
  fromClinic: boolean;
  mine: boolean;
  /** "Sam Rivera", "Maria Lopez (parent)" */
  sender: string;
  /** "on behalf of Leo Lopez" when a contact wrote for the patient. */
  onBehalfOf: string | null;
  body: string | null;
  deleted: boolean;
  createdAt: string;
  timeLabel: string;
  attachments: { id: string; name: string; sizeLabel: string }[];
  /** Milliseconds left to delete it, measured on the server; null when it cannot be deleted. */
  deletableForMs: number | null;
  /** For the patient's own messages, when the lib reports it: "Seen by the clinic" / "Sent". */
  readState: string | null;
}

/** What the thread's poll route answers; `cursor` is the `after` for the next call. */
export interface PollResponse {
  status: 'open' | 'closed';
  messages: DisplayMessage[];
  cursor: string;
}

/**
 * The next poll's `after`. A poll returns messages created, or deleted, after `after`; the
 * newest creation alone would return a deletion of an older message on every poll (and audit
 * it each time). So the cursor also moves up to a few seconds before the server's clock: a
 * message whose row commits a little after its timestamp is still caught (and then deduplicated
 * by id), and a deletion is returned at most twice.
 */
export const POLL_CURSOR_LAG_MS = 3_000;
export function nextPollCursor(after: string | null, messages: { createdAt: string }[], serverNow: Date): string {
  let cursor = Math.max(after ? Date.parse(after) : 0, serverNow.getTime() - POLL_CURSOR_LAG_MS);
  for (const m of messages) cursor = Math.max(cursor, Date.parse(m.createdAt));
  return new Date(cursor).toISOString();
}

const RELATIONSHIPS = new Set<string>(['self', 'parent', 'guardian', 'caregiver', 'spouse', 'other']);

export interface DisplayContext {
  t: Translate<(typeof inbox)['en']>;
  fmt: Formatters;
  locale: Locale;
  zone: string;
  patientName: string;
  nowMs: number;
}

export function toDisplayMessage(message: ThreadMessage, ctx: DisplayContext): DisplayMessage {
  const relationship = message.onBehalfOf && message.onBehalfOf !== 'self'
    ? RELATIONSHIPS.has(message.onBehalfOf)
      ? relationshipLabel(message.onBehalfOf as PortalRelationship, ctx.locale).toLowerCase()
      : message.onBehalfOf
    : null;
  const sender = relationship ? ctx.t('senderWithRelationship', { name: message.senderName, relationship }) : message.senderName;
  const createdMs = Date.parse(message.createdAt);
  const left = createdMs + DELETE_WINDOW_MINUTES * 60_000 - ctx.nowMs;
  return {
    id: message.id,
    fromClinic: message.senderKind === 'staff',
    mine: message.mine,
    sender: sender || ctx.t(message.senderKind === 'staff' ? 'clinicWrote' : 'youWrote'),
    onBehalfOf: relationship ? ctx.t('onBehalfOf', { name: ctx.patientName }) : null,
    body: message.deleted ? null : message.body,
    deleted: message.deleted,
    createdAt: message.createdAt,
    timeLabel: ctx.fmt.dateTime(new Date(createdMs), ctx.zone),
    // Nothing of a deleted message is shown, its files included.
    attachments: message.deleted ? [] : message.attachments.map((a) => ({ id: a.id, name: a.name, sizeLabel: formatBytes(a.sizeBytes) })),
    deletableForMs: message.deletable && !message.deleted && left > 0 ? left : null,
    readState: readStateOf(message, ctx),
  };
}

// ThreadMessage has no read receipt yet; shown as soon as the lib adds `readByClinic`.
function readStateOf(message: ThreadMessage, ctx: DisplayContext): string | null {
  if (!message.mine || message.deleted || !('readByClinic' in message) || typeof message.readByClinic !== 'boolean') return null;
  return ctx.t(message.readByClinic ? 'readByClinic' : 'notReadYet');
}

/** The patient's zone: their own setting, else the clinic's first location's. */
export function patientZone(accountZone: string | null, locations: { timeZone: string }[]): string {
  if (isTimeZone(accountZone)) return accountZone;
  const clinicZone = locations[0]?.timeZone;
  return isTimeZone(clinicZone) ? clinicZone : 'UTC';
}

/** The clinic's phone for "please call…": the first location that has one. */
export function clinicPhone(locations: { phone: string | null }[]): string | null {
  return locations.find((l) => l.phone)?.phone ?? null;
}
