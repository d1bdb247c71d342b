import 'server-only';
import { keepInDevOutbox } from '@/lib/messaging/dev-outbox';
import { EmailDeliveryError, type EmailMessage, type EmailSender } from './types';

/**
 * Development stand-in for Resend: keeps the message for /dev/outbox instead of sending it.
 * Attachments are not stored; the page shows the text and subject.
 */
export class OutboxEmailSender implements EmailSender {
  readonly name = 'outbox' as const;

  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    return keepInDevOutbox(
      { channel: 'email', recipient: message.to, subject: message.subject, body: message.text, html: message.html, idempotencyKey: message.idempotencyKey },
      (reason) => new EmailDeliveryError(reason, { retryable: true }),
    );
  }
}
