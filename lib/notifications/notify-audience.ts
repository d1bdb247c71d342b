import 'server-only';
import type { Executor } from '@/db/client';
import type { EmailContent } from '@/lib/email/render-content';
import { renderClinicEmail } from '@/lib/email/render-clinic-email';
import type { EmailAttachment } from '@/lib/email/types';
import { enqueueMessage, type OutboxMessageInput } from '@/lib/outbox/enqueue';
import type { PatientAudience } from './audience';
import { clinicEmailBrand } from './email-brand';

/** One notice: the email's words (rendered in the clinic's layout here) and the SMS's. */
export interface Notice {
  email: EmailContent;
  attachments?: EmailAttachment[];
  sms: string;
}

/** Who gets the notice, and the clinic whose layout the email is drawn in. */
export type NoticeAudience = Pick<PatientAudience, 'emails' | 'phones' | 'clinicName' | 'slug' | 'logoUrl' | 'primaryColor'>;

/**
 * Queues one notice to a patient's audience: an email to each address (HTML in the clinic's
 * layout plus the plain-text part), then an SMS to each phone (empty unless SMS was chosen).
 * `event` names what happened (`document:{id}`); each message's idempotency key adds the channel
 * and the recipient, so queueing the same event again adds nothing. Returns how many messages
 * were queued.
 */
export async function notifyAudience(
  tx: Executor,
  tenantId: string,
  audience: NoticeAudience,
  event: string,
  notice: Notice,
): Promise<number> {
  let queued = 0;
  for (const message of noticeMessages(tenantId, audience, event, notice)) {
    if (await enqueueMessage(tx, message)) queued++;
  }
  return queued;
}

/** notifyAudience's messages, for queueing many notices in one statement (lib/outbox/enqueue.ts enqueueMessages). */
export function noticeMessages(tenantId: string, audience: NoticeAudience, event: string, notice: Notice): OutboxMessageInput[] {
  const messages: Omit<OutboxMessageInput, 'tenantId' | 'idempotencyKey'>[] = [];
  if (audience.emails.length) {
    const email = renderClinicEmail(clinicEmailBrand(audience), notice.email);
    for (const recipient of audience.emails) {
      messages.push({ channel: 'email', recipient, subject: email.subject, body: email.text, html: email.html, attachments: notice.attachments });
    }
  }
  for (const phone of audience.phones) messages.push({ channel: 'sms', recipient: phone, body: notice.sms });
  return messages.map((message) => ({ tenantId, ...message, idempotencyKey: `${event}:${message.channel}:${message.recipient}` }));
}
