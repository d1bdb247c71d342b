import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { suppressions, type ContactChannel, type ContactPurpose, type SuppressionReason } from '@/db/schema';
import { toE164 } from '@/lib/phone/format';

/**
 * The clinic's suppression list (issue 18, point 7): addresses it must not write to, checked by
 * the outbox dispatcher when each message is sent, not only when a campaign's list was made.
 * One row per (clinic, channel, address); the address is always stored normalised, so a lookup
 * needs no case folding.
 *
 * What each reason stops: `unsubscribed` (the email's link) stops marketing only, the address
 * still gets care messages (a reminder, a new document); `stopped` (an SMS STOP), `bounced` and
 * `complained` stop everything on that channel.
 */

/**
 * The form an address is stored and compared in: email trimmed and lower-cased (providers treat
 * the local part case-insensitively in practice, and a list that missed `Maria@` for `maria@`
 * would be worse than one that over-matches), phone as E.164. Null when it is not an address.
 */
export function normaliseAddress(channel: ContactChannel, input: string): string | null {
  const trimmed = input.trim();
  if (channel === 'email') {
    const email = trimmed.toLowerCase();
    return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
  }
  // Stored numbers are E.164 already; what people type is read as a US number without a '+'.
  return toE164(trimmed);
}

/** Whether an address suppressed for `reason` may still get a message of `purpose`. */
export function suppressionBlocks(reason: SuppressionReason, purpose: ContactPurpose): boolean {
  return reason !== 'unsubscribed' || purpose === 'marketing';
}

// When an address is suppressed again for another reason, the one that stops more (and that only
// the provider can lift) is kept: an unsubscribe never weakens a complaint.
const STRENGTH: Record<SuppressionReason, number> = { unsubscribed: 0, stopped: 1, bounced: 2, complained: 3 };

function strengthOf(column: typeof suppressions.reason | ReturnType<typeof sql>) {
  return sql`case ${column} when 'unsubscribed' then ${STRENGTH.unsubscribed} when 'stopped' then ${STRENGTH.stopped} when 'bounced' then ${STRENGTH.bounced} else ${STRENGTH.complained} end`;
}

/**
 * Puts an address on the clinic's list (idempotent). Pass the transaction of the change that
 * causes it (the unsubscribe's consent rows). Returns the normalised address, or null when the
 * input is not an address (nothing written).
 */
export async function suppress(tx: Executor, tenantId: string, channel: ContactChannel, address: string, reason: SuppressionReason): Promise<string | null> {
  const normalised = normaliseAddress(channel, address);
  if (!normalised) return null;
  await tx
    .insert(suppressions)
    .values({ tenantId, channel, address: normalised, reason })
    .onConflictDoUpdate({
      target: [suppressions.tenantId, suppressions.channel, suppressions.address],
      set: { reason },
      // Only a stronger reason replaces the stored one.
      setWhere: sql`${strengthOf(suppressions.reason)} < ${strengthOf(sql`excluded.reason`)}`,
    });
  return normalised;
}

/**
 * An SMS START: removes a `stopped` row only. A bounce or a complaint is the provider's verdict
 * and an `unsubscribed` is the email link's, so START does not lift them. True when a row went.
 */
export async function unsuppress(tx: Executor, tenantId: string, channel: ContactChannel, address: string): Promise<boolean> {
  return removeSuppression(tx, tenantId, channel, address, 'stopped');
}

/**
 * The patient said yes to marketing again (in the portal, or to staff): an earlier
 * `unsubscribed` of their address no longer stands. Other reasons stay.
 */
export async function liftUnsubscribe(tx: Executor, tenantId: string, channel: ContactChannel, address: string): Promise<boolean> {
  return removeSuppression(tx, tenantId, channel, address, 'unsubscribed');
}

async function removeSuppression(tx: Executor, tenantId: string, channel: ContactChannel, address: string, reason: SuppressionReason): Promise<boolean> {
  const normalised = normaliseAddress(channel, address);
  if (!normalised) return false;
  const removed = await tx
    .delete(suppressions)
    .where(and(eq(suppressions.tenantId, tenantId), eq(suppressions.channel, channel), eq(suppressions.address, normalised), eq(suppressions.reason, reason)))
    .returning({ address: suppressions.address });
  return removed.length > 0;
}

/** Why an address is on the list, or null. */
export async function suppressionOf(db: Executor, tenantId: string, channel: ContactChannel, address: string): Promise<SuppressionReason | null> {
  const normalised = normaliseAddress(channel, address);
  if (!normalised) return null;
  const [row] = await db
    .select({ reason: suppressions.reason })
    .from(suppressions)
    .where(and(eq(suppressions.tenantId, tenantId), eq(suppressions.channel, channel), eq(suppressions.address, normalised)));
  return row?.reason ?? null;
}

/** Whether a message of `purpose` to this address must not be sent. */
export async function isSuppressed(db: Executor, tenantId: string, channel: ContactChannel, address: string, purpose: ContactPurpose): Promise<boolean> {
  const reason = await suppressionOf(db, tenantId, channel, address);
  return reason !== null && suppressionBlocks(reason, purpose);
}

export interface SuppressionQuery {
  tenantId: string;
  channel: ContactChannel;
  /** As the message names it; normalised here. */
  address: string;
  purpose: ContactPurpose;
}

/**
 * The same check for many messages in one query (the dispatcher's claimed batch, a campaign's
 * page of recipients): the reason each blocked one is refused, by its index in `queries`.
 */
export async function suppressedAmong(db: Executor, queries: readonly SuppressionQuery[]): Promise<Map<number, SuppressionReason>> {
  const blocked = new Map<number, SuppressionReason>();
  const keyed = queries.map((q) => ({ ...q, normalised: normaliseAddress(q.channel, q.address) }));
  const tenantIds = [...new Set(keyed.map((q) => q.tenantId))];
  const channels = [...new Set(keyed.map((q) => q.channel))];
  const addresses = [...new Set(keyed.flatMap((q) => (q.normalised ? [q.normalised] : [])))];
  if (tenantIds.length === 0 || addresses.length === 0) return blocked;
  // Every column of the primary key is bounded, so a clinic with a long list is looked up by
  // index, not scanned (the few combinations the lists allow but no message asked for are dropped below).
  const rows = await db
    .select({ tenantId: suppressions.tenantId, channel: suppressions.channel, address: suppressions.address, reason: suppressions.reason })
    .from(suppressions)
    .where(and(inArray(suppressions.tenantId, tenantIds), inArray(suppressions.channel, channels), inArray(suppressions.address, addresses)));
  const reasons = new Map(rows.map((r) => [`${r.tenantId}\u0000${r.channel}\u0000${r.address}`, r.reason]));
  keyed.forEach((q, index) => {
    if (!q.normalised) return;
    const reason = reasons.get(`${q.tenantId}\u0000${q.channel}\u0000${q.normalised}`);
    if (reason && suppressionBlocks(reason, q.purpose)) blocked.set(index, reason);
  });
  return blocked;
}
