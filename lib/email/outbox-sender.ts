import 'server-only';
import { keepInDevOutbox } from '@/lib/messaging/dev-outbox';
import { EmailDeliveryError, type EmailMessage, type EmailSender } from './types';

/**
 * Development stand-in for Resend: keeps the message for /dev/outbox instead of sending it.
 * Attachments are not stored; the page shows the text and subject. dev_outbox_messages has no
 * column for headers, so a message's extra headers (a marketing email's List-Unsubscribe) are
 * written under its text, where a developer or an e2e test can read them.
 */
export class OutboxEmailSender implements EmailSender {
  readonly name = 'outbox' as const;

  async send(message: EmailMessage): Promise<{ providerMessageId: string }> {
    return keepInDevOutbox(
      { channel: 'email', recipient: message.to, subject: message.subject, body: withHeaders(message), html: message.html, idempotencyKey: message.idempotencyKey },
      (reason) => new EmailDeliveryError(reason, { retryable: true }),
    );
  }
}

/** The separator before the headers in a captured email's text. */
export const DEV_OUTBOX_HEADERS_MARK = '\n\n--- headers (dev outbox) ---\n';

function withHeaders(message: EmailMessage): string {
  const headers = Object.entries(message.headers ?? {});
  if (headers.length === 0) return message.text;
  return `${message.text}${DEV_OUTBOX_HEADERS_MARK}${headers.map(([name, value]) => `${name}: ${value}`).join('\n')}`;
}
