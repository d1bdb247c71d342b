import { getDb } from '@/db/client';
import { devOutboxMessages } from '@/db/schema';
import { SmsDeliveryError, type SmsMessage, type SmsSender } from './types';
import { postgresErrorCode } from '@/lib/kernel/errors';

/** Development stand-in for SNS: keeps the message for /dev/outbox instead of sending it. */
export class OutboxSmsSender implements SmsSender {
  readonly name = 'outbox' as const;

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    try {
      const [row] = await getDb()
        .insert(devOutboxMessages)
        .values({ channel: 'sms', recipient: message.to, body: message.body, idempotencyKey: message.idempotencyKey })
        .returning({ id: devOutboxMessages.id });
      return { providerMessageId: row!.id };
    } catch (error) {
      // Same contract as a real provider; the database error stays out of the message (it can quote values).
      const code = postgresErrorCode(error) ?? 'unknown';
      throw new SmsDeliveryError(`outbox: could not store the message (${code})`, { retryable: true });
    }
  }
}
