import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientNotes, patients, portalAccounts, staffUsers } from '@/db/schema';

/** Notes on a demo patient: one the patient wrote for herself, one the clinic shared with her. */
export interface DemoNotes {
  patient: string;
  own: { account: string; title: string; body: string }[];
  fromClinic: { staff: string; title: string; body: string }[];
}

export async function seedNotes(tx: Executor, tenantId: string, notes: DemoNotes | undefined): Promise<void> {
  if (!notes) return;
  const [existing] = await tx.select({ n: sql<number>`count(*)::int` }).from(patientNotes).where(eq(patientNotes.tenantId, tenantId));
  if ((existing?.n ?? 0) > 0) return;
  const [patient] = await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.recordNumber, notes.patient)));
  for (const note of notes.own) {
    const [account] = await tx.select({ id: portalAccounts.id }).from(portalAccounts).where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.email, note.account)));
    await tx.insert(patientNotes).values({ tenantId, patientId: patient!.id, authorKind: 'patient', authorAccountId: account!.id, title: note.title, body: note.body, visibility: 'private' });
  }
  for (const note of notes.fromClinic) {
    const [staff] = await tx.select({ id: staffUsers.id }).from(staffUsers).where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.email, note.staff)));
    await tx.insert(patientNotes).values({ tenantId, patientId: patient!.id, authorKind: 'staff', authorStaffId: staff!.id, title: note.title, body: note.body, visibility: 'shared' });
  }
}
