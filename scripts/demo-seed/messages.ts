import { and, count, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { conversationMessages, conversationReads, conversations, patientAssignments, patients, staffUsers, tenantSettings } from '@/db/schema';

/**
 * Demo messaging (issue 8). Sunrise: Maria and Leo are assigned to the support user, who has
 * started one open conversation with Maria. Harbor: "Never initiate", so the portal shows why
 * there is no compose button. Idempotent: assignments skip existing rows, the conversation is
 * created only while the clinic has none, and the policy only moves away from the default.
 */
const PLANS: Record<string, { staff: string; assign: string[]; conversation?: { patient: string; subject: string; body: string; hoursAgo: number } } | { policy: 'never_initiate' }> = {
  sunrise: {
    staff: 'support@sunrise.test',
    assign: ['SUN-10001', 'SUN-10002'],
    conversation: {
      patient: 'SUN-10001',
      subject: 'Checking in after your visit',
      body: 'Hello Maria, this is Sam from the Sunrise front office. Please reply here if you have any questions.',
      hoursAgo: 2,
    },
  },
  harbor: { policy: 'never_initiate' },
};

export async function seedMessages(tx: Executor, tenantId: string, slug: string): Promise<void> {
  const plan = PLANS[slug];
  if (!plan) return;
  if ('policy' in plan) {
    await tx
      .update(tenantSettings)
      .set({ messagingPolicy: plan.policy })
      .where(and(eq(tenantSettings.tenantId, tenantId), eq(tenantSettings.messagingPolicy, 'reply_only')));
    return;
  }
  const [staff] = await tx.select({ id: staffUsers.id }).from(staffUsers).where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.email, plan.staff)));
  if (!staff) return;
  const assigned = await tx
    .select({ id: patients.id, recordNumber: patients.recordNumber })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), inArray(patients.recordNumber, plan.assign)));
  if (assigned.length) {
    await tx
      .insert(patientAssignments)
      .values(assigned.map((p) => ({ tenantId, patientId: p.id, staffId: staff.id, assignedById: staff.id })))
      .onConflictDoNothing();
  }

  const [existing] = await tx.select({ n: count() }).from(conversations).where(eq(conversations.tenantId, tenantId));
  const seed = plan.conversation;
  if (!seed || (existing?.n ?? 0) > 0) return;
  const [patient] = await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.recordNumber, seed.patient)));
  if (!patient) return;
  const at = new Date(Date.now() - seed.hoursAgo * 3_600_000);
  const [conversation] = await tx
    .insert(conversations)
    .values({
      tenantId, patientId: patient.id, subject: seed.subject, status: 'open', startedByKind: 'staff', startedById: staff.id,
      assignedStaffId: staff.id, lastMessageAt: at, lastStaffMessageAt: at, createdAt: at,
    })
    .returning({ id: conversations.id });
  await tx.insert(conversationMessages).values({
    tenantId, conversationId: conversation!.id, senderKind: 'staff', senderStaffId: staff.id, body: seed.body, createdAt: at,
  });
  await tx.insert(conversationReads).values({ tenantId, conversationId: conversation!.id, readerKind: 'staff', readerId: staff.id, lastReadAt: at });
}
