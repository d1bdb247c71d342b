import { and, count, eq, gt, isNull, or, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationMessages, conversationReads, conversations } from '@/db/schema';
import { readerOf } from './reads';
import type { MessagingActor } from './access';

/**
 * Messages from the other side, not deleted, after this reader's mark, per conversation among
 * those `where` selects (the caller's visibility rules).
 */
export async function unreadByConversation(db: Executor, actor: MessagingActor, tenantId: string, where: SQL | undefined): Promise<Map<string, number>> {
  const reader = readerOf(actor);
  const other = reader.readerKind === 'staff' ? 'patient' : 'staff';
  const m = conversationMessages;
  const r = conversationReads;
  const rows = await db
    .select({ id: conversations.id, n: count(m.id) })
    .from(conversations)
    .innerJoin(m, and(eq(m.tenantId, conversations.tenantId), eq(m.conversationId, conversations.id), eq(m.senderKind, other), isNull(m.deletedAt)))
    .leftJoin(r, and(
      eq(r.tenantId, conversations.tenantId), eq(r.conversationId, conversations.id),
      eq(r.readerKind, reader.readerKind), eq(r.readerId, reader.readerId),
    ))
    .where(and(eq(conversations.tenantId, tenantId), where, or(isNull(r.lastReadAt), gt(m.createdAt, r.lastReadAt))))
    .groupBy(conversations.id);
  return new Map(rows.map((row) => [row.id, Number(row.n)]));
}

export function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
