import 'server-only';
import { desc } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { devOutboxMessages } from '@/db/schema';
import { postgresErrorCode } from '@/lib/kernel/errors';

export interface DevOutboxEntry {
  id: string;
  channel: 'sms' | 'email';
  recipient: string;
  subject: string | null;
  /** The text (an email's plain-text part, with its extra headers under it). */
  body: string;
  /** An email's HTML part, when it has one. */
  html: string | null;
  createdAt: Date;
}

/** The newest messages the local providers captured, for /dev/outbox. Callers check it is not production. */
export async function listDevOutbox(limit = 100): Promise<DevOutboxEntry[]> {
  return getDb()
    .select({
      id: devOutboxMessages.id,
      channel: devOutboxMessages.channel,
      recipient: devOutboxMessages.recipient,
      subject: devOutboxMessages.subject,
      body: devOutboxMessages.body,
      html: devOutboxMessages.html,
      createdAt: devOutboxMessages.createdAt,
    })
    .from(devOutboxMessages)
    // id breaks ties between rows written in the same microsecond (keeps the order stable).
    .orderBy(desc(devOutboxMessages.createdAt), desc(devOutboxMessages.id))
    .limit(Math.max(1, Math.min(limit, 500)));
}

/**
 * What the local providers do instead of sending: keep the message for /dev/outbox. A database
 * failure becomes the provider's retryable delivery error (`failed`), as a real provider's would,
 * naming only the error code: the database's words can quote values.
 */
export async function keepInDevOutbox(
  message: typeof devOutboxMessages.$inferInsert,
  failed: (reason: string) => Error,
): Promise<{ providerMessageId: string }> {
  try {
    const [row] = await getDb().insert(devOutboxMessages).values(message).returning({ id: devOutboxMessages.id });
    return { providerMessageId: row!.id };
  } catch (error) {
    throw failed(`outbox: could not store the message (${postgresErrorCode(error) ?? 'unknown'})`);
  }
}
