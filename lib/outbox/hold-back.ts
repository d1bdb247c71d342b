import 'server-only';
import type { Executor } from '@/db/client';
import type { OutboxMessage, SuppressionReason } from '@/db/schema';
import { consentWithheldAmong } from '@/lib/engagement/consent';
import { suppressedAmong } from '@/lib/engagement/suppressions';

/**
 * The send-time checks of the dispatcher's claimed batch (issue 18, point 7), one query each for
 * the whole batch: the clinic's suppression list (every message, by its address and purpose), and
 * the patient's consent in force now (marketing that names its patient: a "no" recorded after the
 * message was queued still stops it). A message held back is never sent nor retried.
 */

export type HoldReason =
  | { kind: 'suppressed'; reason: SuppressionReason }
  | { kind: 'no-consent' };

/** Why each held-back row of `rows` must not go, by its index. */
export async function heldBackAmong(db: Executor, rows: readonly OutboxMessage[]): Promise<Map<number, HoldReason>> {
  const marketing = rows.flatMap((row, index) => (row.purpose === 'marketing' && row.patientId ? [{ index, row, patientId: row.patientId }] : []));
  const [suppressed, withheld] = await Promise.all([
    suppressedAmong(db, rows.map((row) => ({ tenantId: row.tenantId, channel: row.channel, address: row.recipient, purpose: row.purpose }))),
    consentWithheldAmong(db, marketing.map(({ row, patientId }) => ({ tenantId: row.tenantId, patientId, channel: row.channel, purpose: 'marketing' }))),
  ]);
  const held = new Map<number, HoldReason>();
  for (const [index, reason] of suppressed) held.set(index, { kind: 'suppressed', reason });
  marketing.forEach(({ index }, asked) => {
    if (withheld.has(asked) && !held.has(index)) held.set(index, { kind: 'no-consent' });
  });
  return held;
}

/** The row's last_error: the reason only, never the address or the patient. */
export function describeHold(hold: HoldReason): string {
  return hold.kind === 'suppressed'
    ? `suppressed at send time: address ${hold.reason}`
    : 'suppressed at send time: the patient has no consent in force to marketing on this channel';
}
