import 'server-only';
import type { Executor } from '@/db/client';
import { outboxMessages, outboxPurposes } from '@/db/schema';
import { now } from '@/lib/clock';
import type { EmailAttachment } from '@/lib/email/types';
import { isUuid } from '@/lib/kernel/ids';

export type OutboxPurpose = (typeof outboxPurposes)[number];

export interface OutboxMessageInput {
  /** The clinic the message is from (a platform message would need a platform outbox of its own). */
  tenantId: string;
  channel: 'sms' | 'email';
  /** E.164 phone number for SMS, email address for email. */
  recipient: string;
  /** Required for email. */
  subject?: string;
  body: string;
  html?: string;
  attachments?: EmailAttachment[];
  /**
   * Names the event, not the attempt (`document:{id}:email:{address}`): enqueueing the same
   * event twice in a clinic is a no-op, and the key goes to the provider with every delivery
   * attempt.
   */
  idempotencyKey: string;
  /**
   * 'care' (default): about the patient's care or account: reminders, notices, codes.
   * 'marketing': a campaign's message. At send time the dispatcher holds a message back when its
   * address is suppressed for its purpose (an unsubscribe stops marketing only), and gives a
   * marketing email the one-click unsubscribe headers and link (lib/engagement/unsubscribe.ts).
   * Consent is checked by whoever enqueues marketing (lib/engagement/consent.ts, mayContact), and
   * again at send time when the message names its patient.
   */
  purpose?: OutboxPurpose;
  /**
   * The patient the message is to, when it is to one (automations, campaigns). A marketing
   * message that names its patient is held back ('suppressed') at send time if the patient's
   * consent to marketing on its channel was withdrawn after it was queued. Must be the clinic's
   * patient: the caller read it from the clinic's rows.
   */
  patientId?: string | null;
}

/**
 * Writes a message to the transactional outbox. Pass the transaction that makes the change the
 * message is about: the message then exists exactly when the change commits, and the dispatcher
 * delivers it after the commit. Returns false when a message with this key already exists.
 */
export async function enqueueMessage(tx: Executor, msg: OutboxMessageInput): Promise<boolean> {
  // One message is a list of one: the same checks, the same insert, the same key rule.
  return (await enqueueMessages(tx, [msg])) === 1;
}

/**
 * enqueueMessage for many messages, in one multi-row INSERT in the caller's transaction (a renewal
 * pass's receipts, a notice's recipients): the same checks, the same key per message, and a key
 * already queued — or repeated in the list, where the first wins — adds nothing. Returns how many
 * were queued; an empty list sends no statement.
 */
export async function enqueueMessages(tx: Executor, msgs: readonly OutboxMessageInput[]): Promise<number> {
  for (const msg of msgs) {
    if (msg.channel === 'email' && !msg.subject) throw new Error('outbox: an email needs a subject');
    if (!msg.recipient.trim() || !msg.idempotencyKey.trim()) throw new Error('outbox: recipient and idempotency key are required');
    if (msg.patientId != null && !isUuid(msg.patientId)) throw new Error('outbox: patientId must be a patient id');
  }
  const seen = new Set<string>();
  const fresh = msgs.filter((msg) => {
    const key = `${msg.tenantId}:${msg.idempotencyKey}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (fresh.length === 0) return 0;
  const at = now();
  const inserted = await tx
    .insert(outboxMessages)
    .values(fresh.map((msg) => ({
      tenantId: msg.tenantId,
      channel: msg.channel,
      recipient: msg.recipient,
      subject: msg.subject ?? null,
      body: msg.body,
      html: msg.html ?? null,
      attachments: msg.attachments ?? null,
      idempotencyKey: msg.idempotencyKey,
      purpose: msg.purpose ?? 'care',
      patientId: msg.patientId ?? null,
      // The application clock, not the database's: the dispatcher compares against now() too.
      nextAttemptAt: at,
      createdAt: at,
    })))
    .onConflictDoNothing({ target: [outboxMessages.tenantId, outboxMessages.idempotencyKey] })
    .returning({ id: outboxMessages.id });
  return inserted.length;
}
