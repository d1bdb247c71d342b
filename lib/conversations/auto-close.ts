import 'server-only';
import { and, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversations, tenantSettings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { MessagingAuditActions } from './audit-actions';
import { AUTO_CLOSE_HOURS, autoCloseCutoff } from './policy';

/**
 * "Reply only": closes every open conversation, in every clinic with that policy, whose last
 * staff message is at least 48 h old and that the patient has not answered since (the SQL twin
 * of policy.shouldAutoClose). One UPDATE: it waits on a reply holding the row lock and then
 * re-checks the row, so a reply that got in first keeps its conversation open.
 */
export async function autoCloseConversations(db: Executor, at: Date = now()): Promise<{ closed: number }> {
  const cutoff = autoCloseCutoff(at);
  return db.transaction(async (tx) => {
    const closed = await tx
      .update(conversations)
      .set({ status: 'closed', closedAt: at, closedReason: 'auto', closedById: null })
      .where(and(
        eq(conversations.status, 'open'),
        lte(conversations.lastStaffMessageAt, cutoff),
        or(isNull(conversations.lastPatientMessageAt), lt(conversations.lastPatientMessageAt, conversations.lastStaffMessageAt)),
        sql`coalesce((select ${tenantSettings.messagingPolicy} from ${tenantSettings} where ${tenantSettings.tenantId} = ${conversations.tenantId}), 'reply_only') = 'reply_only'`,
      ))
      .returning({ tenantId: conversations.tenantId, id: conversations.id, patientId: conversations.patientId, lastStaffMessageAt: conversations.lastStaffMessageAt });
    for (const row of closed) {
      await recordAudit(tx, {
        tenantId: row.tenantId, actor: { kind: 'system', label: 'auto-close' }, action: MessagingAuditActions.conversationAutoClosed,
        patientId: row.patientId, target: { type: 'conversation', id: row.id },
        details: { lastStaffMessageAt: row.lastStaffMessageAt?.toISOString() ?? null, hours: AUTO_CLOSE_HOURS },
      });
    }
    return { closed: closed.length };
  });
}
