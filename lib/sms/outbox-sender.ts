import 'server-only';
import { keepInDevOutbox } from '@/lib/messaging/dev-outbox';
import { SmsDeliveryError, type SmsMessage, type SmsSender } from './types';

/** Development stand-in for SNS: keeps the message for /dev/outbox instead of sending it. */
export class OutboxSmsSender implements SmsSender {
  readonly name = 'outbox' as const;

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    return keepInDevOutbox(
      { channel: 'sms', recipient: message.to, body: message.body, idempotencyKey: message.idempotencyKey },
      (reason) => new SmsDeliveryError(reason, { retryable: true }),
    );
  }
}
