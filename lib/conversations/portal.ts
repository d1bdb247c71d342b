import 'server-only';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversations, patientAssignments } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { loadConversation, messagingPolicy, portalConversationsVisible } from './access';
import { MessagingAuditActions } from './audit-actions';
import { patientMayReply, patientMayStart, type StartRefusalReason } from './policy';
import { markSeen } from './reads';
import { checkBody, checkSubject, insertMessage, Refused, refusal, withStoredFiles } from './send';
import { conversationHeader, loadThreadMessages, parseAfter } from './thread';
import type { ComposeInput, PortalConversationSummary, ReplyInput, Result, ThreadPoll, ThreadView } from './types';
import { patientUnreadByConversation, sumCounts } from './unread';

/**
 * The patient side. The actor is the portal session's account and the patient selected in it
 * (a parent acting for a child): conversations belong to that patient, messages name the account.
 */

export async function listPortalConversations(db: Executor, ctx: PortalContext): Promise<PortalConversationSummary[]> {
  await assertPortalArea(db, ctx, 'messages');
  const rows = await db
    .select({ id: conversations.id, subject: conversations.subject, status: conversations.status, lastMessageAt: conversations.lastMessageAt })
    .from(conversations)
    .where(and(eq(conversations.tenantId, ctx.tenant.id), portalConversationsVisible(ctx)))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id));
  const unread = await patientUnreadByConversation(db, ctx);
  return rows.map((r) => ({ ...r, lastMessageAt: r.lastMessageAt.toISOString(), unreadCount: unread.get(r.id) ?? 0 }));
}

async function firstAssignedStaff(db: Executor, tenantId: string, patientId: string): Promise<string | null> {
  const [row] = await db
    .select({ staffId: patientAssignments.staffId })
    .from(patientAssignments)
    .where(and(eq(patientAssignments.tenantId, tenantId), eq(patientAssignments.patientId, patientId)))
    .orderBy(asc(patientAssignments.createdAt), asc(patientAssignments.staffId))
    .limit(1);
  return row?.staffId ?? null;
}

async function startDecision(db: Executor, ctx: PortalContext) {
  const policy = await messagingPolicy(db, ctx.tenant.id);
  const assignee = policy === 'assigned_only' ? await firstAssignedStaff(db, ctx.tenant.id, ctx.patient.id) : null;
  return { decision: patientMayStart(policy, { hasAssignedStaff: assignee !== null }), assignee };
}

/** Whether the portal shows "New message", and if not, why (the page explains the policy). */
export async function portalComposeState(db: Executor, ctx: PortalContext): Promise<{ mayStart: boolean; reason?: StartRefusalReason }> {
  await assertPortalArea(db, ctx, 'messages');
  const { decision } = await startDecision(db, ctx);
  return decision.ok ? { mayStart: true } : { mayStart: false, reason: decision.reason };
}

async function auditRead(db: Executor, ctx: PortalContext, conversationId: string, messageIds: string[]) {
  await recordAudit(db, ctx, {
    action: MessagingAuditActions.messageRead,
    patientId: ctx.patient.id,
    target: { type: 'conversation', id: conversationId },
    details: { area: 'portal', messageIds },
  });
}

/** Opening a thread marks it read and is audited. */
export async function openPortalThread(db: Executor, ctx: PortalContext, conversationId: string): Promise<ThreadView> {
  const { conversation, policy } = await loadConversation(db, ctx, conversationId);
  const messages = await loadThreadMessages(db, ctx, conversation, null);
  await markSeen(db, ctx, ctx.tenant.id, conversation.id, messages);
  await auditRead(db, ctx, conversation.id, messages.map((m) => m.id));
  const reply = patientMayReply(policy, conversation);
  return {
    conversation: await conversationHeader(db, conversation),
    messages,
    mayReply: reply.ok,
    ...(reply.ok ? {} : { replyBlockedReason: reply.reason }),
  };
}

/** For the thread's polling: new messages since `afterIso`; audited only when something new came. */
export async function pollPortalThread(db: Executor, ctx: PortalContext, conversationId: string, afterIso: string | null): Promise<ThreadPoll> {
  const { conversation } = await loadConversation(db, ctx, conversationId);
  const messages = await loadThreadMessages(db, ctx, conversation, parseAfter(afterIso));
  if (messages.length > 0) {
    await markSeen(db, ctx, ctx.tenant.id, conversation.id, messages);
    await auditRead(db, ctx, conversation.id, messages.map((m) => m.id));
  }
  return { messages, status: conversation.status };
}

export async function startPortalConversation(db: Executor, ctx: PortalContext, input: ComposeInput): Promise<Result<{ conversationId: string }>> {
  await assertPortalArea(db, ctx, 'messages');
  const first = await startDecision(db, ctx);
  if (!first.decision.ok) return refusal('policy', 'The clinic does not accept new conversations from the portal.', { reason: first.decision.reason });
  const subject = checkSubject(input.subject);
  if (!subject.ok) return subject;
  const body = checkBody(input.body, (input.files ?? []).some((f) => f.size > 0));
  if (!body.ok) return body;

  const result = await withStoredFiles(db, { tenantId: ctx.tenant.id, patientId: ctx.patient.id }, input.files, async (tx, files) => {
    // Decided again in the transaction: the policy or the assignments may have changed meanwhile.
    const { decision, assignee } = await startDecision(tx, ctx);
    if (!decision.ok) throw new Refused(refusal('policy', 'The clinic does not accept new conversations from the portal.', { reason: decision.reason }));
    const at = now();
    const [conversation] = await tx
      .insert(conversations)
      .values({
        tenantId: ctx.tenant.id, patientId: ctx.patient.id, subject: subject.subject, status: 'open',
        startedByKind: 'patient', startedById: ctx.account.id, assignedStaffId: assignee,
        lastMessageAt: at, createdAt: at,
      })
      .returning({ id: conversations.id });
    const conversationId = conversation!.id;
    await recordAudit(tx, ctx, {
      action: MessagingAuditActions.conversationStarted,
      patientId: ctx.patient.id, target: { type: 'conversation', id: conversationId }, details: { assignedStaffId: assignee },
    });
    await insertMessage(tx, ctx, { tenantId: ctx.tenant.id, conversationId, patientId: ctx.patient.id, body: body.body, files, at });
    return { ok: true as const, conversationId };
  });
  return result;
}

export async function replyAsPatient(db: Executor, ctx: PortalContext, conversationId: string, input: ReplyInput): Promise<Result<{ messageId: string }>> {
  const { conversation: seen } = await loadConversation(db, ctx, conversationId);
  const body = checkBody(input.body, (input.files ?? []).some((f) => f.size > 0));
  if (!body.ok) return body;
  return withStoredFiles(db, { tenantId: ctx.tenant.id, patientId: seen.patientId }, input.files, async (tx, files) => {
    // The row lock orders this reply against the auto-close and staff closing.
    const { conversation, policy } = await loadConversation(tx, ctx, conversationId, { lock: true });
    const decision = patientMayReply(policy, conversation);
    if (!decision.ok) throw new Refused(refusal('closed', 'This conversation is closed.', { reason: decision.reason }));
    const messageId = await insertMessage(tx, ctx, { tenantId: ctx.tenant.id, conversationId, patientId: conversation.patientId, body: body.body, files, at: now() });
    return { ok: true as const, messageId };
  });
}

export async function portalUnreadCount(db: Executor, ctx: PortalContext): Promise<number> {
  await assertPortalArea(db, ctx, 'messages');
  return sumCounts(await patientUnreadByConversation(db, ctx));
}
