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
  let queued = 0;
  for (const email of audience.emails) {
    const inserted = await enqueueMessage(tx, {
      tenantId,
      channel: 'email',
      recipient: email,
      subject: notice.subject,
      body: notice.email,
      attachments: notice.attachments,
      idempotencyKey: `${event}:email:${email}`,
    });
    if (inserted) queued++;
  }
  for (const phone of audience.phones) {
    const inserted = await enqueueMessage(tx, {
      tenantId,
      channel: 'sms',
      recipient: phone,
      body: notice.sms,
      idempotencyKey: `${event}:sms:${phone}`,
    });
    if (inserted) queued++;
  }
  return queued;
}
