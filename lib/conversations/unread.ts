import 'server-only';
import { and, count, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery, type Placeholder } from '@/db/prepared';
import { conversationMessages, conversationReads, conversations } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import type { MessagingActor } from './access';
import { readerOf } from './reads';

function unreadQuery(db: Executor, reader: { readerKind: 'staff' | 'patient'; readerId: string | Placeholder }, tenantId: string | Placeholder, where: SQL | undefined) {
  const other = reader.readerKind === 'staff' ? 'patient' : 'staff';
  const m = conversationMessages;
  const r = conversationReads;
  return db
    .select({ id: conversations.id, n: count(m.id) })
    .from(conversations)
    .innerJoin(m, and(eq(m.tenantId, conversations.tenantId), eq(m.conversationId, conversations.id), eq(m.senderKind, other), isNull(m.deletedAt)))
    .leftJoin(r, and(
      eq(r.tenantId, conversations.tenantId), eq(r.conversationId, conversations.id),
      eq(r.readerKind, reader.readerKind), eq(r.readerId, reader.readerId),
    ))
    .where(and(eq(conversations.tenantId, tenantId), where, or(isNull(r.lastReadAt), gt(m.createdAt, r.lastReadAt))))
    .groupBy(conversations.id);
}

/**
 * Messages from the other side, not deleted, after this reader's mark, per conversation among
 * those `where` selects (the caller's visibility rules).
 */
export async function unreadByConversation(db: Executor, actor: MessagingActor, tenantId: string, where: SQL | undefined): Promise<Map<string, number>> {
  const rows = await unreadQuery(db, readerOf(actor), tenantId, where);
  return new Map(rows.map((row) => [row.id, Number(row.n)]));
}

// A patient's conversations, on every portal page (the unread badge): prepared once. A proxy
// (`proxy` true) does not count those hidden from proxies.
const patientUnreadQuery = preparedQuery((db) => unreadQuery(
  db, { readerKind: 'patient', readerId: sql.placeholder('accountId') }, sql.placeholder('tenantId'),
  and(
    eq(conversations.patientId, sql.placeholder('patientId')),
    sql`(not ${sql.placeholder('proxy')}::boolean or not ${conversations.hiddenFromProxies})`,
  ),
).prepare('patient_unread'));

/**
 * unreadByConversation for a portal account acting for one patient: every conversation of that
 * patient the account sees (as a proxy, none hidden from proxies).
 */
export async function patientUnreadByConversation(db: Executor, ctx: PortalContext): Promise<Map<string, number>> {
  const rows = await patientUnreadQuery(db).execute({
    tenantId: ctx.tenant.id, accountId: ctx.account.id, patientId: ctx.patient.id, proxy: ctx.patient.relationship !== 'self',
  });
  return new Map(rows.map((row) => [row.id, Number(row.n)]));
}

export function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
