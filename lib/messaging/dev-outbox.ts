import 'server-only';
import { desc } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { devOutboxMessages } from '@/db/schema';

export interface DevOutboxEntry {
  id: string;
  channel: 'sms' | 'email';
  recipient: string;
  subject: string | null;
  body: string;
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
      createdAt: devOutboxMessages.createdAt,
    })
    .from(devOutboxMessages)
    // id breaks ties between rows written in the same microsecond (keeps the order stable).
    .orderBy(desc(devOutboxMessages.createdAt), desc(devOutboxMessages.id))
    .limit(Math.max(1, Math.min(limit, 500)));
}
