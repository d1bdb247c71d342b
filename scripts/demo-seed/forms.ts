import { and, eq, like, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { formAssignments, outboxMessages, formTemplates, homeActivityDays, tenants } from '@/db/schema';
import { assignForms } from '@/lib/clinic-forms/assignments';
import type { Answers } from '@/lib/clinic-forms/enable-when';
import { fileSubmittedForms } from '@/lib/clinic-forms/filing';
import { saveAnswers, submitForm } from '@/lib/clinic-forms/responses';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { demoPatientId, demoPortalContext, demoStaffContext } from './contexts';

/** Forms in a demo clinic: given, filled and signed through the same functions staff and patients use. */
export interface DemoForms {
  /** Open forms: a starter form's key, who gave it, and when it is due. */
  assigned: { patient: string; form: string; by: string; dueInDays: number; message?: string }[];
  /** Forms a portal account filled, signed and submitted (their PDFs filed in the chart). */
  completed: { patient: string; form: string; by: string; account: string; answers: Answers; signature: { field: string; name: string } }[];
  /** Home activities, with the last `daysDone` days (not today) marked done. */
  activities: { patient: string; form: string; by: string; startedDaysAgo: number; daysDone: number }[];
}

export async function seedForms(db: Database, slug: string, forms: DemoForms | undefined): Promise<void> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, slug));
  const t = tenant!;
  await installStarterTemplates(db, t.id);
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(formAssignments).where(eq(formAssignments.tenantId, t.id));
  if (!forms || (existing?.n ?? 0) > 0) return;

  const templateId = async (key: string) => {
    const [row] = await db.select({ id: formTemplates.id }).from(formTemplates).where(and(eq(formTemplates.tenantId, t.id), eq(formTemplates.starterKey, key)));
    return row!.id;
  };
  const patientId = (recordNumber: string) => demoPatientId(db, t.id, recordNumber);
  const staff = (email: string) => demoStaffContext(db, t, email);
  const portal = (email: string, forPatient: string) => demoPortalContext(db, t, email, forPatient);
  const dueOn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  for (const item of forms.assigned) {
    await assignForms(db, await staff(item.by), await patientId(item.patient), { templateIds: [await templateId(item.form)], message: item.message ?? null, dueOn: dueOn(item.dueInDays) });
  }
  for (const item of forms.completed) {
    const pid = await patientId(item.patient);
    const { assignmentIds } = await assignForms(db, await staff(item.by), pid, { templateIds: [await templateId(item.form)] });
    const ctx = await portal(item.account, pid);
    const saved = await saveAnswers(db, ctx, assignmentIds[0]!, { revision: 0, answers: item.answers });
    const signatures = { [item.signature.field]: { name: item.signature.name, role: 'patient' } };
    const { responseId } = await submitForm(db, ctx, assignmentIds[0]!, { revision: saved.revision, answers: item.answers, signatures });
    await fileSubmittedForms(db, { responseId });
  }
  for (const item of forms.activities) {
    await seedActivity(item);
  }
  // The demo's patients were told about these forms long ago: their notices are not sent now
  // (they would land in the dev outbox after a journey's own messages).
  await db.delete(outboxMessages).where(and(eq(outboxMessages.tenantId, t.id), eq(outboxMessages.status, 'pending'), like(outboxMessages.idempotencyKey, 'forms:%')));

  async function seedActivity(item: DemoForms['activities'][number]) {
    const { assignmentIds } = await assignForms(db, await staff(item.by), await patientId(item.patient), { templateIds: [await templateId(item.form)] });
    const id = assignmentIds[0]!;
    // Started some days ago, so the patient's checklist has history to show.
    const started = new Date(Date.now() - item.startedDaysAgo * 86_400_000);
    await db.update(formAssignments).set({ createdAt: started, status: 'in_progress' }).where(and(eq(formAssignments.tenantId, t.id), eq(formAssignments.id, id)));
    const days = Array.from({ length: item.daysDone }, (_, i) => new Date(Date.now() - (i + 1) * 86_400_000).toISOString().slice(0, 10));
    if (days.length) await db.insert(homeActivityDays).values(days.map((day) => ({ tenantId: t.id, assignmentId: id, day }))).onConflictDoNothing();
  }
}
