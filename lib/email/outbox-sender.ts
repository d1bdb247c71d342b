import { getDb } from '@/db/client';
import { devOutboxMessages } from '@/db/schema';
import { EmailDeliveryError, type EmailMessage, type EmailSender } from './types';
import { postgresErrorCode } from '@/lib/kernel/errors';

/**
 * Development stand-in for Resend: keeps the message for /dev/outbox instead of sending it.
 * Attachments are not stored; the page shows the text and subject.
 */
export class OutboxEmailSender implements EmailSender {
  readonly name = 'outbox' as const;

  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    try {
      const [row] = await getDb()
        .insert(devOutboxMessages)
        .values({
          channel: 'email',
          recipient: message.to,
          subject: message.subject,
          body: message.text,
          html: message.html,
          idempotencyKey: message.idempotencyKey,
        })
        .returning({ id: devOutboxMessages.id });
      return { providerMessageId: row!.id };
    } catch (error) {
      // Same contract as a real provider; the database error stays out of the message (it can quote values).
      const code = postgresErrorCode(error) ?? 'unknown';
      throw new EmailDeliveryError(`outbox: could not store the message (${code})`, { retryable: true });
    }
  }
}
