import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversations, patientAssignments, patients, tenantSettings, type Conversation, type MessagingPolicy } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { auditFrom, type AuditActor } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { staffSeesAllPatients } from './policy';

/**
 * Who may see which conversation. Everything the actor may not see is NotFoundError, the same
 * as a missing id, so ids of other clinics and patients reveal nothing.
 */

/** Staff, or a portal account acting for the patient selected in its session. */
export type MessagingActor = StaffContext | PortalContext;

export function isStaff(actor: MessagingActor): actor is StaffContext {
  return 'actor' in actor;
}

export function tenantOf(actor: MessagingActor): string {
  return actor.tenant.id;
}

export function auditActorOf(actor: MessagingActor): AuditActor {
  return auditFrom(actor).actor;
}

export function auditClientOf(actor: MessagingActor): { ip?: string | null; userAgent?: string | null } {
  const { ip, userAgent } = auditFrom(actor);
  return { ip, userAgent };
}

/**
 * What a portal account sees of its patient's conversations: all of them acting for itself
 * (`self`); as a proxy (a parent, a caregiver), none that staff marked hidden from proxies.
 */
export function portalConversationsVisible(ctx: PortalContext) {
  return and(
    eq(conversations.patientId, ctx.patient.id),
    ctx.patient.relationship === 'self' ? undefined : eq(conversations.hiddenFromProxies, false),
  );
}

export async function messagingPolicy(db: Executor, tenantId: string): Promise<MessagingPolicy> {
  const [row] = await db.select({ policy: tenantSettings.messagingPolicy }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row?.policy ?? 'reply_only';
}

export async function isAssigned(db: Executor, tenantId: string, patientId: string, staffId: string): Promise<boolean> {
  const [row] = await db
    .select({ one: sql<number>`1` })
    .from(patientAssignments)
    .where(and(eq(patientAssignments.tenantId, tenantId), eq(patientAssignments.patientId, patientId), eq(patientAssignments.staffId, staffId)));
  return Boolean(row);
}

/** A patient of this clinic the staff member may message: under assigned_only, only their own. */
export async function requireStaffPatient(db: Executor, ctx: StaffContext, patientId: string, policy?: MessagingPolicy): Promise<{ id: string; name: string }> {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db
    .select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
  const effective = policy ?? (await messagingPolicy(db, ctx.tenant.id));
  if (!staffSeesAllPatients(effective) && !(await isAssigned(db, ctx.tenant.id, patientId, ctx.actor.id))) throw new NotFoundError('patient');
  return { id: row.id, name: `${row.firstName} ${row.lastName}` };
}

/**
 * The conversation, if this actor may see it; `lock` takes the row lock (`for update`) so a
 * message and the conversation's status change one at a time (a reply cannot land in a
 * conversation the auto-close is closing).
 */
export async function loadConversation(
  db: Executor,
  actor: MessagingActor,
  conversationId: string,
  options: { lock?: boolean; permission?: 'messages.view' | 'messages.send' } = {},
): Promise<{ conversation: Conversation; policy: MessagingPolicy }> {
  if (isStaff(actor)) assertPermission(actor, options.permission ?? 'messages.view');
  if (!isUuid(conversationId)) throw new NotFoundError('conversation');
  const tenantId = tenantOf(actor);
  // The portal account must still be linked to the session's patient (access may have been
  // disabled) and the link must open Messages (a proxy's scope, dates, the clinic's age rules).
  if (!isStaff(actor)) await assertPortalArea(db, actor, 'messages');
  const base = db
    .select()
    .from(conversations)
    .where(and(
      eq(conversations.tenantId, tenantId),
      eq(conversations.id, conversationId),
      ...(isStaff(actor) ? [] : [portalConversationsVisible(actor)]),
    ));
  const [conversation] = options.lock ? await base.for('update') : await base;
  if (!conversation) throw new NotFoundError('conversation');
  const policy = await messagingPolicy(db, tenantId);
  if (isStaff(actor) && !staffSeesAllPatients(policy) && !(await isAssigned(db, tenantId, conversation.patientId, actor.actor.id))) {
    throw new NotFoundError('conversation');
  }
  return { conversation, policy };
}
