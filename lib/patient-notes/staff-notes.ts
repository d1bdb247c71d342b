import 'server-only';
import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientNotes, patients, portalAccountPatients, portalAccounts, staffUsers } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { PatientNoteAuditActions } from './audit-actions';
import { NoteNotAuthorError } from './errors';
import type { StaffNoteInput } from './staff-note-forms';

/**
 * Notes in the chart. Staff who may see the chart (`patients.view`) read the staff notes (internal
 * or shared with the patient) and the notes patients shared with the clinic, read-only; a
 * patient's private note is never read here. Writing needs `patients.edit`, and only a note's
 * author changes or deletes it (soft). A patient or note of another clinic, or a note of another
 * patient, answers not-found.
 */

async function requirePatient(db: Executor, ctx: StaffContext, patientId: string) {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

/** The notes staff may read on one patient of the clinic: every staff note, and patients' shared ones. */
function readableByStaff(ctx: StaffContext, patientId: string) {
  return and(
    eq(patientNotes.tenantId, ctx.tenant.id),
    eq(patientNotes.patientId, patientId),
    isNull(patientNotes.deletedAt),
    or(eq(patientNotes.authorKind, 'staff'), eq(patientNotes.visibility, 'shared')),
  );
}

export async function listChartNotes(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'patients.view');
  await requirePatient(db, ctx, patientId);
  const rows = await db
    .select({
      id: patientNotes.id,
      authorKind: patientNotes.authorKind,
      authorStaffId: patientNotes.authorStaffId,
      title: patientNotes.title,
      body: patientNotes.body,
      visibility: patientNotes.visibility,
      createdAt: patientNotes.createdAt,
      updatedAt: patientNotes.updatedAt,
      staffName: staffUsers.fullName,
      accountName: portalAccounts.fullName,
      accountRelationship: portalAccountPatients.relationship,
    })
    .from(patientNotes)
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, patientNotes.tenantId), eq(staffUsers.id, patientNotes.authorStaffId)))
    .leftJoin(portalAccounts, and(eq(portalAccounts.tenantId, patientNotes.tenantId), eq(portalAccounts.id, patientNotes.authorAccountId)))
    .leftJoin(portalAccountPatients, and(
      eq(portalAccountPatients.tenantId, patientNotes.tenantId),
      eq(portalAccountPatients.accountId, patientNotes.authorAccountId),
      eq(portalAccountPatients.patientId, patientNotes.patientId),
    ))
    .where(readableByStaff(ctx, patientId))
    .orderBy(desc(patientNotes.createdAt), desc(patientNotes.id))
    .limit(500);
  const notes = rows.map(({ authorStaffId, staffName, accountName, accountRelationship, ...note }) => ({
    ...note,
    // Null when the portal account was deleted since (the note stays, its author unnamed).
    authorName: note.authorKind === 'staff' ? staffName : accountName,
    authorRelationship: note.authorKind === 'patient' ? accountRelationship : null,
    mine: note.authorKind === 'staff' && authorStaffId === ctx.actor.id,
  }));
  await recordAudit(db, ctx, {
    action: PatientNoteAuditActions.listed, patientId, target: { type: 'patient', id: patientId },
    details: { area: 'emr', count: notes.length },
  });
  return notes;
}
export type ChartNote = Awaited<ReturnType<typeof listChartNotes>>[number];

export async function createStaffNote(db: Executor, ctx: StaffContext, patientId: string, input: StaffNoteInput): Promise<{ id: string }> {
  assertPermission(ctx, 'patients.edit');
  return db.transaction(async (tx) => {
    await requirePatient(tx, ctx, patientId);
    const [row] = await tx
      .insert(patientNotes)
      .values({
        tenantId: ctx.tenant.id, patientId, authorKind: 'staff', authorStaffId: ctx.actor.id,
        title: input.title, body: input.body, visibility: input.visibility,
      })
      .returning({ id: patientNotes.id });
    await recordAudit(tx, ctx, {
      action: PatientNoteAuditActions.created, patientId, target: { type: 'patient_note', id: row!.id },
      details: { visibility: input.visibility, area: 'emr' },
    });
    return row!;
  });
}

/**
 * The note, locked, when the caller is its author. A note staff may read but not change is a
 * rule's refusal in words; one they may not read (or that does not exist) is not-found.
 */
async function lockOwnNote(tx: Executor, ctx: StaffContext, patientId: string, noteId: string) {
  if (!isUuid(patientId) || !isUuid(noteId)) throw new NotFoundError('note');
  const [note] = await tx
    .select({ authorKind: patientNotes.authorKind, authorStaffId: patientNotes.authorStaffId, title: patientNotes.title, body: patientNotes.body, visibility: patientNotes.visibility })
    .from(patientNotes)
    .where(and(readableByStaff(ctx, patientId), eq(patientNotes.id, noteId)))
    .for('update');
  if (!note) throw new NotFoundError('note');
  if (note.authorKind === 'patient') throw new NoteNotAuthorError('patient');
  if (note.authorStaffId !== ctx.actor.id) throw new NoteNotAuthorError('staff');
  return note;
}

export async function updateStaffNote(db: Executor, ctx: StaffContext, patientId: string, noteId: string, input: StaffNoteInput): Promise<void> {
  assertPermission(ctx, 'patients.edit');
  await db.transaction(async (tx) => {
    const before = await lockOwnNote(tx, ctx, patientId, noteId);
    const changed = (['title', 'body', 'visibility'] as const).filter((field) => before[field] !== input[field]);
    if (changed.length === 0) return;
    await tx
      .update(patientNotes)
      .set({ title: input.title, body: input.body, visibility: input.visibility, updatedAt: now() })
      .where(and(eq(patientNotes.tenantId, ctx.tenant.id), eq(patientNotes.id, noteId)));
    await recordAudit(tx, ctx, {
      action: PatientNoteAuditActions.updated, patientId, target: { type: 'patient_note', id: noteId },
      details: { changed, ...(changed.includes('visibility') ? { visibility: { before: before.visibility, after: input.visibility } } : {}), area: 'emr' },
    });
  });
}

export async function deleteStaffNote(db: Executor, ctx: StaffContext, patientId: string, noteId: string): Promise<void> {
  assertPermission(ctx, 'patients.edit');
  await db.transaction(async (tx) => {
    const before = await lockOwnNote(tx, ctx, patientId, noteId);
    await tx
      .update(patientNotes)
      .set({ deletedAt: now() })
      .where(and(eq(patientNotes.tenantId, ctx.tenant.id), eq(patientNotes.id, noteId)));
    await recordAudit(tx, ctx, {
      action: PatientNoteAuditActions.deleted, patientId, target: { type: 'patient_note', id: noteId },
      details: { visibility: before.visibility, area: 'emr' },
    });
  });
}
