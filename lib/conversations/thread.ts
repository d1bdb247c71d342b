import 'server-only';
import { and, asc, eq, gt, inArray, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationMessages, messageAttachments, patients, portalAccountPatients, portalAccounts, staffUsers, type Conversation } from '@/db/schema';
import { now } from '@/lib/clock';
import { isStaff, type MessagingActor } from './access';
import { mayDeleteMessage } from './policy';
import type { ThreadAttachment, ThreadMessage, ThreadView } from './types';

/**
 * The messages of one conversation as either side sees them. A deleted message keeps its place
 * and sender but shows neither body nor attachments. With `after`, only what is new since then:
 * messages created, or deleted, after that instant (so a poll can blank a deleted one).
 */
export async function loadThreadMessages(db: Executor, actor: MessagingActor, conversation: Conversation, after: Date | null): Promise<ThreadMessage[]> {
  const m = conversationMessages;
  const rows = await db
    .select({
      id: m.id,
      senderKind: m.senderKind,
      senderStaffId: m.senderStaffId,
      senderAccountId: m.senderAccountId,
      body: m.body,
      createdAt: m.createdAt,
      deletedAt: m.deletedAt,
      staffName: staffUsers.fullName,
      accountName: portalAccounts.fullName,
      relationship: portalAccountPatients.relationship,
    })
    .from(m)
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, m.tenantId), eq(staffUsers.id, m.senderStaffId)))
    .leftJoin(portalAccounts, and(eq(portalAccounts.tenantId, m.tenantId), eq(portalAccounts.id, m.senderAccountId)))
    .leftJoin(portalAccountPatients, and(
      eq(portalAccountPatients.tenantId, m.tenantId),
      eq(portalAccountPatients.accountId, m.senderAccountId),
      eq(portalAccountPatients.patientId, conversation.patientId),
    ))
    .where(and(
      eq(m.tenantId, conversation.tenantId),
      eq(m.conversationId, conversation.id),
      after ? or(gt(m.createdAt, after), gt(m.deletedAt, after)) : undefined,
    ))
    .orderBy(asc(m.createdAt), asc(m.id));

  const liveIds = rows.filter((r) => !r.deletedAt).map((r) => r.id);
  const files = liveIds.length === 0 ? [] : await db
    .select({ id: messageAttachments.id, messageId: messageAttachments.messageId, name: messageAttachments.originalFilename, contentType: messageAttachments.contentType, sizeBytes: messageAttachments.sizeBytes })
    .from(messageAttachments)
    .where(and(eq(messageAttachments.tenantId, conversation.tenantId), inArray(messageAttachments.messageId, liveIds)))
    .orderBy(asc(messageAttachments.createdAt), asc(messageAttachments.id));
  const byMessage = new Map<string, ThreadAttachment[]>();
  for (const f of files) {
    const list = byMessage.get(f.messageId) ?? [];
    list.push({ id: f.id, name: f.name, contentType: f.contentType, sizeBytes: f.sizeBytes });
    byMessage.set(f.messageId, list);
  }

  const at = now();
  return rows.map((r) => {
    const mine = isStaff(actor) ? r.senderStaffId === actor.actor.id : r.senderAccountId === actor.account.id;
    const deleted = r.deletedAt !== null;
    const onBehalfOf = r.senderKind === 'patient' && r.relationship && r.relationship !== 'self' ? r.relationship : undefined;
    return {
      id: r.id,
      senderKind: r.senderKind,
      senderName: (r.senderKind === 'staff' ? r.staffName : r.accountName) ?? (r.senderKind === 'staff' ? 'Clinic staff' : 'Patient'),
      ...(onBehalfOf ? { onBehalfOf } : {}),
      body: deleted ? null : r.body,
      deleted,
      createdAt: r.createdAt.toISOString(),
      attachments: deleted ? [] : (byMessage.get(r.id) ?? []),
      mine,
      deletable: mayDeleteMessage(r, mine, at).ok,
    };
  });
}

export async function conversationHeader(db: Executor, conversation: Conversation): Promise<ThreadView['conversation']> {
  const [patient] = await db
    .select({ firstName: patients.firstName, lastName: patients.lastName })
    .from(patients)
    .where(and(eq(patients.tenantId, conversation.tenantId), eq(patients.id, conversation.patientId)));
  const [assignee] = conversation.assignedStaffId
    ? await db.select({ id: staffUsers.id, name: staffUsers.fullName }).from(staffUsers)
        .where(and(eq(staffUsers.tenantId, conversation.tenantId), eq(staffUsers.id, conversation.assignedStaffId)))
    : [];
  return {
    id: conversation.id,
    subject: conversation.subject,
    status: conversation.status,
    patient: { id: conversation.patientId, name: patient ? `${patient.firstName} ${patient.lastName}` : '' },
    assignedTo: assignee ?? null,
    closedReason: conversation.closedReason ?? null,
    hiddenFromProxies: conversation.hiddenFromProxies,
  };
}

/** `afterIso` from a poll; anything unparsable means "from the start". */
export function parseAfter(afterIso: string | null): Date | null {
  if (!afterIso) return null;
  const d = new Date(afterIso);
  // Year 0000 parses in JS but Postgres has no year 0 (the query would fail): no cursor, as if absent.
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1900 ? null : d;
}
