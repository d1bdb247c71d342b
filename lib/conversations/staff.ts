import 'server-only';
import { and, count, desc, eq, exists, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, conversations, patientAssignments, patients, staffUsers, tenantSettings } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/documents/document-scope';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { auditActorOf, auditClientOf, isAssigned, loadConversation, messagingPolicy, requireStaffPatient } from './access';
import { MessagingAuditActions } from './audit-actions';
import { staffMayReply, staffSeesAllPatients } from './policy';
import { markSeen } from './reads';
import { afterStaffMessage, checkBody, checkSubject, insertMessage, Refused, refusal, withStoredFiles } from './send';
import { conversationHeader, loadThreadMessages, parseAfter } from './thread';
import type { AssignableStaff, ReplyInput, Result, StaffConversationFilter, StaffConversationPage, StartStaffInput, ThreadPoll, ThreadView } from './types';
import { sumCounts, unreadByConversation } from './unread';

export const STAFF_PAGE_SIZE = 25;

/** Under "Assigned clients only" a staff member's world is their assigned patients. */
function visibleTo(ctx: StaffContext, seesAll: boolean): SQL | undefined {
  if (seesAll) return undefined;
  return exists(
    sql`(select 1 from ${patientAssignments} where ${patientAssignments.tenantId} = ${conversations.tenantId} and ${patientAssignments.patientId} = ${conversations.patientId} and ${patientAssignments.staffId} = ${ctx.actor.id})`,
  );
}

/**
 * visibleTo with the clinic's policy read inside the same statement, for the unread badge drawn
 * on every EMR page (one query instead of two) and the EMR overview's unread conversations.
 */
export function visibleUnderPolicy(ctx: StaffContext): SQL {
  return or(
    sql`(select ${tenantSettings.messagingPolicy} from ${tenantSettings} where ${tenantSettings.tenantId} = ${conversations.tenantId}) is distinct from 'assigned_only'`,
    visibleTo(ctx, false),
  )!;
}

function filterWhere(ctx: StaffContext, filter: StaffConversationFilter): SQL | undefined {
  switch (filter) {
    case 'open': return eq(conversations.status, 'open');
    case 'closed': return eq(conversations.status, 'closed');
    // "Assigned to me" and "Unassigned" are work queues: open conversations only.
    case 'mine': return and(eq(conversations.status, 'open'), eq(conversations.assignedStaffId, ctx.actor.id));
    case 'unassigned': return and(eq(conversations.status, 'open'), isNull(conversations.assignedStaffId));
    case 'all': return undefined;
  }
}

export async function listStaffConversations(
  db: Executor,
  ctx: StaffContext,
  options: { filter: StaffConversationFilter; patientId?: string; page?: number },
): Promise<StaffConversationPage> {
  assertPermission(ctx, 'messages.view');
  const policy = await messagingPolicy(db, ctx.tenant.id);
  if (options.patientId) await requireStaffPatient(db, ctx, options.patientId, policy);
  const where = and(
    eq(conversations.tenantId, ctx.tenant.id),
    visibleTo(ctx, staffSeesAllPatients(policy)),
    filterWhere(ctx, options.filter),
    options.patientId ? eq(conversations.patientId, options.patientId) : undefined,
  );
  const page = Math.max(1, Math.floor(options.page ?? 1) || 1);
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(conversations).where(where);
  const rows = await db
    .select({
      id: conversations.id, subject: conversations.subject, status: conversations.status,
      patientId: conversations.patientId, firstName: patients.firstName, lastName: patients.lastName,
      assignedId: staffUsers.id, assignedName: staffUsers.fullName,
      lastMessageAt: conversations.lastMessageAt, lastStaffMessageAt: conversations.lastStaffMessageAt,
      lastPatientMessageAt: conversations.lastPatientMessageAt, closedReason: conversations.closedReason,
    })
    .from(conversations)
    .innerJoin(patients, and(eq(patients.tenantId, conversations.tenantId), eq(patients.id, conversations.patientId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, conversations.tenantId), eq(staffUsers.id, conversations.assignedStaffId)))
    .where(where)
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(STAFF_PAGE_SIZE)
    .offset((page - 1) * STAFF_PAGE_SIZE);
  const ids = rows.map((r) => r.id);
  const unread = ids.length ? await unreadByConversation(db, ctx, ctx.tenant.id, inArray(conversations.id, ids)) : new Map<string, number>();
  // The chart's Messages tab: one patient's conversations (opening one is audited as message.read).
  if (options.patientId) await auditChartSection(db, ctx, options.patientId, 'messages', { conversations: ids });
  return {
    page,
    pageSize: STAFF_PAGE_SIZE,
    total: Number(total),
    items: rows.map((r) => ({
      id: r.id,
      subject: r.subject,
      status: r.status,
      patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}` },
      assignedTo: r.assignedId ? { id: r.assignedId, name: r.assignedName! } : null,
      lastMessageAt: r.lastMessageAt.toISOString(),
      awaitingStaff: r.lastPatientMessageAt !== null && (r.lastStaffMessageAt === null || r.lastPatientMessageAt > r.lastStaffMessageAt),
      unreadCount: unread.get(r.id) ?? 0,
      closedReason: r.closedReason ?? null,
    })),
  };
}

async function auditRead(db: Executor, ctx: StaffContext, conversationId: string, patientId: string, messageIds: string[]) {
  await recordAudit(db, {
    tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.messageRead,
    patientId, target: { type: 'conversation', id: conversationId }, details: { area: 'emr', messageIds },
  });
}

/** Opening a thread marks it read for this staff member and is audited. */
export async function openStaffThread(db: Executor, ctx: StaffContext, conversationId: string): Promise<ThreadView> {
  const { conversation } = await loadConversation(db, ctx, conversationId);
  const messages = await loadThreadMessages(db, ctx, conversation, null);
  await markSeen(db, ctx, ctx.tenant.id, conversation.id, messages);
  await auditRead(db, ctx, conversation.id, conversation.patientId, messages.map((m) => m.id));
  const blocked = !hasPermission(ctx, 'messages.send') ? 'permission' : conversation.status === 'closed' ? 'closed' : undefined;
  return {
    conversation: await conversationHeader(db, conversation),
    messages,
    mayReply: !blocked,
    ...(blocked ? { replyBlockedReason: blocked } : {}),
  };
}

/** New messages since `afterIso`; audited only when something new came back. */
export async function pollStaffThread(db: Executor, ctx: StaffContext, conversationId: string, afterIso: string | null): Promise<ThreadPoll> {
  const { conversation } = await loadConversation(db, ctx, conversationId);
  const messages = await loadThreadMessages(db, ctx, conversation, parseAfter(afterIso));
  if (messages.length > 0) {
    await markSeen(db, ctx, ctx.tenant.id, conversation.id, messages);
    await auditRead(db, ctx, conversation.id, conversation.patientId, messages.map((m) => m.id));
  }
  return { messages, status: conversation.status };
}

/** Staff may start a conversation under every policy; it is assigned to whoever started it. */
export async function startStaffConversation(db: Executor, ctx: StaffContext, input: StartStaffInput): Promise<Result<{ conversationId: string }>> {
  assertPermission(ctx, 'messages.send');
  const patient = await requireStaffPatient(db, ctx, input.patientId);
  const subject = checkSubject(input.subject);
  if (!subject.ok) return subject;
  const body = checkBody(input.body, (input.files ?? []).some((f) => f.size > 0));
  if (!body.ok) return body;
  const result = await withStoredFiles(db, { tenantId: ctx.tenant.id, patientId: patient.id }, input.files, async (tx, files) => {
    const at = now();
    const [conversation] = await tx
      .insert(conversations)
      .values({
        tenantId: ctx.tenant.id, patientId: patient.id, subject: subject.subject, status: 'open',
        startedByKind: 'staff', startedById: ctx.actor.id, assignedStaffId: ctx.actor.id, lastMessageAt: at, createdAt: at,
        hiddenFromProxies: input.hiddenFromProxies ?? false,
      })
      .returning({ id: conversations.id });
    const conversationId = conversation!.id;
    await recordAudit(tx, {
      tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.conversationStarted,
      patientId: patient.id, target: { type: 'conversation', id: conversationId },
      details: { assignedStaffId: ctx.actor.id, hiddenFromProxies: input.hiddenFromProxies ?? false },
    });
    await insertMessage(tx, ctx, { tenantId: ctx.tenant.id, conversationId, patientId: patient.id, body: body.body, files, at });
    return { ok: true as const, conversationId };
  });
  if (result.ok) afterStaffMessage();
  return result;
}

export async function replyAsStaff(db: Executor, ctx: StaffContext, conversationId: string, input: ReplyInput): Promise<Result<{ messageId: string }>> {
  const { conversation: seen } = await loadConversation(db, ctx, conversationId, { permission: 'messages.send' });
  const body = checkBody(input.body, (input.files ?? []).some((f) => f.size > 0));
  if (!body.ok) return body;
  const result = await withStoredFiles(db, { tenantId: ctx.tenant.id, patientId: seen.patientId }, input.files, async (tx, files) => {
    const { conversation } = await loadConversation(tx, ctx, conversationId, { lock: true, permission: 'messages.send' });
    if (!staffMayReply(conversation).ok) throw new Refused(refusal('closed', 'Reopen the conversation first.', { reason: 'closed' }));
    const messageId = await insertMessage(tx, ctx, { tenantId: ctx.tenant.id, conversationId, patientId: conversation.patientId, body: body.body, files, at: now() });
    return { ok: true as const, messageId };
  });
  if (result.ok) afterStaffMessage();
  return result;
}

/** An active staff member of this clinic who can read messages; NotFound otherwise. */
async function requireMessagingStaff(db: Executor, tenantId: string, staffId: string): Promise<{ id: string; name: string }> {
  if (!isUuid(staffId)) throw new NotFoundError('staff');
  const [row] = await db
    .select({ id: staffUsers.id, name: staffUsers.fullName })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(
      eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, staffId), eq(staffUsers.status, 'active'),
      sql`'messages.view' = any(${accessLevels.permissions})`,
    ));
  if (!row) throw new NotFoundError('staff');
  return row;
}

export async function assignConversation(db: Executor, ctx: StaffContext, conversationId: string, staffId: string | null): Promise<Result> {
  return db.transaction(async (tx) => {
    const { conversation, policy } = await loadConversation(tx, ctx, conversationId, { lock: true, permission: 'messages.send' });
    if (staffId) {
      await requireMessagingStaff(tx, ctx.tenant.id, staffId);
      if (!staffSeesAllPatients(policy) && !(await isAssigned(tx, ctx.tenant.id, conversation.patientId, staffId))) {
        return refusal('policy', 'Only staff assigned to this patient can take this conversation.', { reason: 'assigned_only' });
      }
    }
    if (conversation.assignedStaffId === staffId) return { ok: true as const };
    await tx.update(conversations).set({ assignedStaffId: staffId })
      .where(and(eq(conversations.tenantId, ctx.tenant.id), eq(conversations.id, conversation.id)));
    await recordAudit(tx, {
      tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.conversationAssigned,
      patientId: conversation.patientId, target: { type: 'conversation', id: conversation.id },
      details: { before: { assignedStaffId: conversation.assignedStaffId }, after: { assignedStaffId: staffId } },
    });
    return { ok: true as const };
  });
}

export async function closeConversation(db: Executor, ctx: StaffContext, conversationId: string): Promise<Result> {
  return db.transaction(async (tx) => {
    const { conversation } = await loadConversation(tx, ctx, conversationId, { lock: true, permission: 'messages.send' });
    if (conversation.status === 'closed') return { ok: true as const };
    await tx.update(conversations).set({ status: 'closed', closedAt: now(), closedReason: 'staff', closedById: ctx.actor.id })
      .where(and(eq(conversations.tenantId, ctx.tenant.id), eq(conversations.id, conversation.id)));
    await recordAudit(tx, {
      tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.conversationClosed,
      patientId: conversation.patientId, target: { type: 'conversation', id: conversation.id },
    });
    return { ok: true as const };
  });
}

/**
 * Reopening restarts the 48-hour "Reply only" window from now (last_staff_message_at): an
 * auto-closed conversation would otherwise be closed again by the next sweep.
 */
export async function reopenConversation(db: Executor, ctx: StaffContext, conversationId: string): Promise<Result> {
  return db.transaction(async (tx) => {
    const { conversation } = await loadConversation(tx, ctx, conversationId, { lock: true, permission: 'messages.send' });
    if (conversation.status === 'open') return { ok: true as const };
    await tx.update(conversations).set({ status: 'open', closedAt: null, closedReason: null, closedById: null, lastStaffMessageAt: now() })
      .where(and(eq(conversations.tenantId, ctx.tenant.id), eq(conversations.id, conversation.id)));
    await recordAudit(tx, {
      tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.conversationReopened,
      patientId: conversation.patientId, target: { type: 'conversation', id: conversation.id },
      details: { closedReason: conversation.closedReason },
    });
    return { ok: true as const };
  });
}

/**
 * Hides the conversation from every account acting for the patient (a parent, caregiver), or
 * shows it to them again; the patient's own account always sees it. Closed ones too: it is about
 * who reads what is already there.
 */
export async function setConversationHiddenFromProxies(db: Executor, ctx: StaffContext, conversationId: string, hidden: boolean): Promise<Result> {
  return db.transaction(async (tx) => {
    const { conversation } = await loadConversation(tx, ctx, conversationId, { lock: true, permission: 'messages.send' });
    if (conversation.hiddenFromProxies === hidden) return { ok: true as const };
    await tx.update(conversations).set({ hiddenFromProxies: hidden })
      .where(and(eq(conversations.tenantId, ctx.tenant.id), eq(conversations.id, conversation.id)));
    await recordAudit(tx, {
      tenantId: ctx.tenant.id, actor: auditActorOf(ctx), ...auditClientOf(ctx), action: MessagingAuditActions.proxyVisibilityChanged,
      patientId: conversation.patientId, target: { type: 'conversation', id: conversation.id },
      details: { before: { hiddenFromProxies: conversation.hiddenFromProxies }, after: { hiddenFromProxies: hidden } },
    });
    return { ok: true as const };
  });
}

/** The EMR badge: unread patient messages in visible conversations assigned to me or to nobody. */
export async function staffUnreadCount(db: Executor, ctx: StaffContext): Promise<number> {
  if (!hasPermission(ctx, 'messages.view')) return 0;
  const where = and(
    visibleUnderPolicy(ctx),
    or(eq(conversations.assignedStaffId, ctx.actor.id), isNull(conversations.assignedStaffId)),
  );
  return sumCounts(await unreadByConversation(db, ctx, ctx.tenant.id, where));
}

/** Active staff who can read messages: the choices for assigning a conversation or a patient. */
export async function listAssignableStaff(db: Executor, ctx: StaffContext): Promise<AssignableStaff[]> {
  if (!hasPermission(ctx, 'messages.view') && !hasPermission(ctx, 'patients.edit')) assertPermission(ctx, 'messages.view');
  return db
    .select({ id: staffUsers.id, name: staffUsers.fullName })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.status, 'active'), sql`'messages.view' = any(${accessLevels.permissions})`))
    .orderBy(staffUsers.fullName);
}

export { requireMessagingStaff };
