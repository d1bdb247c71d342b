import 'server-only';
import type { Executor } from '@/db/client';
import type { EmailAttachment } from '@/lib/email/types';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import type { PatientAudience } from './audience';

/**
 * Queues one notice to a patient's audience: an email to each address, then an SMS to each phone
 * (empty unless SMS was chosen). `event` names what happened (`document:{id}`); each message's
 * idempotency key adds the channel and the recipient, so queueing the same event again adds
 * nothing. Returns how many messages were queued.
 */
export async function notifyAudience(
  tx: Executor,
  tenantId: string,
  audience: Pick<PatientAudience, 'emails' | 'phones'>,
  event: string,
  notice: { subject: string; email: string; attachments?: EmailAttachment[]; sms: string },
): Promise<number> {
  const messages = [
    ...audience.emails.map((email) => ({ channel: 'email' as const, recipient: email, subject: notice.subject, body: notice.email, attachments: notice.attachments })),
    ...audience.phones.map((phone) => ({ channel: 'sms' as const, recipient: phone, body: notice.sms })),
  ];
  let queued = 0;
  for (const message of messages) {
    if (await enqueueMessage(tx, { tenantId, ...message, idempotencyKey: `${event}:${message.channel}:${message.recipient}` })) queued++;
  }
  return queued;
}
