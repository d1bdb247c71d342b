import { and, asc, desc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversations, patientAssignments } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { assertPortalActor, auditActorOf, loadConversation, messagingPolicy } from './access';
import { MessagingAuditActions } from './audit-actions';
import { patientMayReply, patientMayStart, type StartRefusalReason } from './policy';
import { markSeen } from './reads';
import { checkBody, checkSubject, insertMessage, Refused, refusal, withStoredFiles } from './send';
import { conversationHeader, loadThreadMessages, parseAfter } from './thread';
import type { ComposeInput, PortalConversationSummary, PortalMessagingActor, ReplyInput, Result, ThreadPoll, ThreadView } from './types';
import { patientUnreadByConversation, sumCounts } from './unread';

/**
 * The patient side. The actor is the portal session's account and the patient selected in it
 * (a parent acting for a child): conversations belong to that patient, messages name the account.
 */

const forPatient = (actor: PortalMessagingActor) => eq(conversations.patientId, actor.patientId);

export async function listPortalConversations(db: Executor, actor: PortalMessagingActor): Promise<PortalConversationSummary[]> {
  await assertPortalActor(db, actor);
  const rows = await db
    .select({ id: conversations.id, subject: conversations.subject, status: conversations.status, lastMessageAt: conversations.lastMessageAt })
    .from(conversations)
    .where(and(eq(conversations.tenantId, actor.tenantId), forPatient(actor)))
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id));
  const unread = await patientUnreadByConversation(db, actor);
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

async function startDecision(db: Executor, actor: PortalMessagingActor) {
  const policy = await messagingPolicy(db, actor.tenantId);
  const assignee = policy === 'assigned_only' ? await firstAssignedStaff(db, actor.tenantId, actor.patientId) : null;
  return { decision: patientMayStart(policy, { hasAssignedStaff: assignee !== null }), assignee };
}

/** Whether the portal shows "New message", and if not, why (the page explains the policy). */
export async function portalComposeState(db: Executor, actor: PortalMessagingActor): Promise<{ mayStart: boolean; reason?: StartRefusalReason }> {
  await assertPortalActor(db, actor);
  const { decision } = await startDecision(db, actor);
  return decision.ok ? { mayStart: true } : { mayStart: false, reason: decision.reason };
}

async function auditRead(db: Executor, actor: PortalMessagingActor, conversationId: string, messageIds: string[]) {
  await recordAudit(db, {
    tenantId: actor.tenantId,
    actor: auditActorOf(actor),
    action: MessagingAuditActions.messageRead,
    patientId: actor.patientId,
    target: { type: 'conversation', id: conversationId },
    details: { area: 'portal', messageIds },
  });
}

/** Opening a thread marks it read and is audited. */
export async function openPortalThread(db: Executor, actor: PortalMessagingActor, conversationId: string): Promise<ThreadView> {
  const { conversation, policy } = await loadConversation(db, actor, conversationId);
  const messages = await loadThreadMessages(db, actor, conversation, null);
  await markSeen(db, actor, actor.tenantId, conversation.id, messages);
  await auditRead(db, actor, conversation.id, messages.map((m) => m.id));
  const reply = patientMayReply(policy, conversation);
  return {
    conversation: await conversationHeader(db, conversation),
    messages,
    mayReply: reply.ok,
    ...(reply.ok ? {} : { replyBlockedReason: reply.reason }),
  };
}

/** For the thread's polling: new messages since `afterIso`; audited only when something new came. */
export async function pollPortalThread(db: Executor, actor: PortalMessagingActor, conversationId: string, afterIso: string | null): Promise<ThreadPoll> {
  const { conversation } = await loadConversation(db, actor, conversationId);
  const messages = await loadThreadMessages(db, actor, conversation, parseAfter(afterIso));
  if (messages.length > 0) {
    await markSeen(db, actor, actor.tenantId, conversation.id, messages);
    await auditRead(db, actor, conversation.id, messages.map((m) => m.id));
  }
  return { messages, status: conversation.status };
}

export async function startPortalConversation(db: Executor, actor: PortalMessagingActor, input: ComposeInput): Promise<Result<{ conversationId: string }>> {
  await assertPortalActor(db, actor);
  const first = await startDecision(db, actor);
  if (!first.decision.ok) return refusal('policy', 'The clinic does not accept new conversations from the portal.', { reason: first.decision.reason });
  const subject = checkSubject(input.subject);
  if (!subject.ok) return subject;
  const body = checkBody(input.body, (input.files ?? []).some((f) => f.size > 0));
  if (!body.ok) return body;

  const result = await withStoredFiles(db, { tenantId: actor.tenantId, patientId: actor.patientId }, input.files, async (tx, files) => {
    // Decided again in the transaction: the policy or the assignments may have changed meanwhile.
    const { decision, assignee } = await startDecision(tx, actor);
    if (!decision.ok) throw new Refused(refusal('policy', 'The clinic does not accept new conversations from the portal.', { reason: decision.reason }));
    const at = now();
    const [conversation] = await tx
      .insert(conversations)
      .values({
        tenantId: actor.tenantId, patientId: actor.patientId, subject: subject.subject, status: 'open',
        startedByKind: 'patient', startedById: actor.accountId, assignedStaffId: assignee,
        lastMessageAt: at, createdAt: at,
      })
      .returning({ id: conversations.id });
    const conversationId = conversation!.id;
    await recordAudit(tx, {
      tenantId: actor.tenantId, actor: auditActorOf(actor), action: MessagingAuditActions.conversationStarted,
      patientId: actor.patientId, target: { type: 'conversation', id: conversationId }, details: { assignedStaffId: assignee },
    });
    await insertMessage(tx, actor, { tenantId: actor.tenantId, conversationId, patientId: actor.patientId, body: body.body, files, at });
    return { ok: true as const, conversationId };
  });
  return result;
}

export async function replyAsPatient(db: Executor, actor: PortalMessagingActor, conversationId: string, input: ReplyInput): Promise<Result<{ messageId: string }>> {
  const { conversation: seen } = await loadConversation(db, actor, conversationId);
  const body = checkBody(input.body, (input.files ?? []).some((f) => f.size > 0));
  if (!body.ok) return body;
  return withStoredFiles(db, { tenantId: actor.tenantId, patientId: seen.patientId }, input.files, async (tx, files) => {
    // The row lock orders this reply against the auto-close and staff closing.
    const { conversation, policy } = await loadConversation(tx, actor, conversationId, { lock: true });
    const decision = patientMayReply(policy, conversation);
    if (!decision.ok) throw new Refused(refusal('closed', 'This conversation is closed.', { reason: decision.reason }));
    const messageId = await insertMessage(tx, actor, { tenantId: actor.tenantId, conversationId, patientId: conversation.patientId, body: body.body, files, at: now() });
    return { ok: true as const, messageId };
  });
}

export async function portalUnreadCount(db: Executor, actor: PortalMessagingActor): Promise<number> {
  await assertPortalActor(db, actor);
  return sumCounts(await patientUnreadByConversation(db, actor));
}
