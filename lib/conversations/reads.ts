import 'server-only';
import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationReads } from '@/db/schema';
import { isStaff, type MessagingActor } from './access';

/** Staff read state is per staff member, patient read state per portal account. */
export function readerOf(actor: MessagingActor): { readerKind: 'staff' | 'patient'; readerId: string } {
  return isStaff(actor) ? { readerKind: 'staff', readerId: actor.actor.id } : { readerKind: 'patient', readerId: actor.account.id };
}

/** Moves the reader's mark forward, never back (a slow poll must not un-read newer messages). */
export async function markRead(db: Executor, actor: MessagingActor, tenantId: string, conversationId: string, at: Date): Promise<void> {
  const reader = readerOf(actor);
  await db
    .insert(conversationReads)
    .values({ tenantId, conversationId, ...reader, lastReadAt: at })
    .onConflictDoUpdate({
      target: [conversationReads.tenantId, conversationReads.conversationId, conversationReads.readerKind, conversationReads.readerId],
      set: { lastReadAt: sql`greatest(${conversationReads.lastReadAt}, excluded.last_read_at)` },
    });
}

/**
 * Read up to the newest message actually shown, not up to "now": a message committed just after
 * the query (with an earlier timestamp) must still count as unread.
 */
export async function markSeen(db: Executor, actor: MessagingActor, tenantId: string, conversationId: string, shown: { createdAt: string }[]): Promise<void> {
  let newest = 0;
  for (const m of shown) newest = Math.max(newest, Date.parse(m.createdAt));
  if (newest > 0) await markRead(db, actor, tenantId, conversationId, new Date(newest));
}
