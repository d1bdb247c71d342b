import 'server-only';
import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientNotes, staffUsers } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { PatientNoteAuditActions } from './audit-actions';
import type { PatientNoteVisibility } from './note-rules';

/**
 * Notes in the portal, for the patient the session acts for. An account reads the notes it wrote
 * about that patient (private or shared with the clinic) and the clinic's notes shared with the
 * patient; it never reads notes another linked account wrote (a parent's private note stays the
 * parent's). Only the author changes or deletes a note; deleting is soft. Every other note id,
 * of this clinic or another, answers not-found.
 */

export interface PortalNoteInput {
  title: string;
  body: string;
  visibility: PatientNoteVisibility;
}

/** The account's own live notes about the selected patient. */
function ownNote(ctx: PortalContext) {
  return and(
    eq(patientNotes.tenantId, ctx.tenant.id),
    eq(patientNotes.patientId, ctx.patient.id),
    eq(patientNotes.authorKind, 'patient'),
    eq(patientNotes.authorAccountId, ctx.account.id),
    isNull(patientNotes.deletedAt),
  );
}

/** Staff notes shared with the selected patient. */
function sharedByClinic(ctx: PortalContext) {
  return and(
    eq(patientNotes.tenantId, ctx.tenant.id),
    eq(patientNotes.patientId, ctx.patient.id),
    eq(patientNotes.authorKind, 'staff'),
    eq(patientNotes.visibility, 'shared'),
    isNull(patientNotes.deletedAt),
  );
}

/** The notes page: the account's own notes and the clinic's shared ones, newest first. */
export async function listPortalNotes(db: Executor, ctx: PortalContext) {
  await assertPortalArea(db, ctx, 'records');
  const rows = await db
    .select({
      id: patientNotes.id,
      authorKind: patientNotes.authorKind,
      title: patientNotes.title,
      body: patientNotes.body,
      visibility: patientNotes.visibility,
      createdAt: patientNotes.createdAt,
      updatedAt: patientNotes.updatedAt,
      staffName: staffUsers.fullName,
    })
    .from(patientNotes)
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, patientNotes.tenantId), eq(staffUsers.id, patientNotes.authorStaffId)))
    .where(or(ownNote(ctx), sharedByClinic(ctx)))
    .orderBy(desc(patientNotes.createdAt), desc(patientNotes.id))
    .limit(500);
  const own = rows.filter((r) => r.authorKind === 'patient').map(({ staffName: _s, authorKind: _k, ...note }) => note);
  const fromClinic = rows.filter((r) => r.authorKind === 'staff').map(({ visibility: _v, authorKind: _k, ...note }) => note);
  await recordAudit(db, ctx, {
    action: PatientNoteAuditActions.listed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { area: 'portal', own: own.length, fromClinic: fromClinic.length },
  });
  return { own, fromClinic };
}
export type PortalNotes = Awaited<ReturnType<typeof listPortalNotes>>;

/** One of the account's own notes, for its edit and delete pages. */
export async function getOwnPortalNote(db: Executor, ctx: PortalContext, noteId: string) {
  await assertPortalArea(db, ctx, 'records');
  if (!isUuid(noteId)) throw new NotFoundError('note');
  const [note] = await db
    .select({ id: patientNotes.id, title: patientNotes.title, body: patientNotes.body, visibility: patientNotes.visibility, createdAt: patientNotes.createdAt })
    .from(patientNotes)
    .where(and(ownNote(ctx), eq(patientNotes.id, noteId)));
  if (!note) throw new NotFoundError('note');
  await recordAudit(db, ctx, { action: PatientNoteAuditActions.viewed, patientId: ctx.patient.id, target: { type: 'patient_note', id: note.id } });
  return { ...note, visibility: note.visibility as PatientNoteVisibility };
}

export async function createPortalNote(db: Executor, ctx: PortalContext, input: PortalNoteInput): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    await assertPortalArea(tx, ctx, 'records');
    const [row] = await tx
      .insert(patientNotes)
      .values({
        tenantId: ctx.tenant.id, patientId: ctx.patient.id, authorKind: 'patient', authorAccountId: ctx.account.id,
        title: input.title, body: input.body, visibility: input.visibility,
      })
      .returning({ id: patientNotes.id });
    await recordAudit(tx, ctx, {
      action: PatientNoteAuditActions.created, patientId: ctx.patient.id, target: { type: 'patient_note', id: row!.id },
      details: { visibility: input.visibility, area: 'portal' },
    });
    return row!;
  });
}

export async function updatePortalNote(db: Executor, ctx: PortalContext, noteId: string, input: PortalNoteInput): Promise<void> {
  if (!isUuid(noteId)) throw new NotFoundError('note');
  await db.transaction(async (tx) => {
    await assertPortalArea(tx, ctx, 'records');
    const [before] = await tx
      .select({ title: patientNotes.title, body: patientNotes.body, visibility: patientNotes.visibility })
      .from(patientNotes)
      .where(and(ownNote(ctx), eq(patientNotes.id, noteId)))
      .for('update');
    if (!before) throw new NotFoundError('note');
    const changed = (['title', 'body', 'visibility'] as const).filter((field) => before[field] !== input[field]);
    if (changed.length === 0) return;
    await tx
      .update(patientNotes)
      .set({ title: input.title, body: input.body, visibility: input.visibility, updatedAt: now() })
      .where(and(ownNote(ctx), eq(patientNotes.id, noteId)));
    await recordAudit(tx, ctx, {
      action: PatientNoteAuditActions.updated, patientId: ctx.patient.id, target: { type: 'patient_note', id: noteId },
      details: { changed, ...(changed.includes('visibility') ? { visibility: { before: before.visibility, after: input.visibility } } : {}), area: 'portal' },
    });
  });
}

export async function deletePortalNote(db: Executor, ctx: PortalContext, noteId: string): Promise<void> {
  if (!isUuid(noteId)) throw new NotFoundError('note');
  await db.transaction(async (tx) => {
    await assertPortalArea(tx, ctx, 'records');
    const deleted = await tx
      .update(patientNotes)
      .set({ deletedAt: now() })
      .where(and(ownNote(ctx), eq(patientNotes.id, noteId)))
      .returning({ id: patientNotes.id, visibility: patientNotes.visibility });
    if (deleted.length === 0) throw new NotFoundError('note');
    await recordAudit(tx, ctx, {
      action: PatientNoteAuditActions.deleted, patientId: ctx.patient.id, target: { type: 'patient_note', id: noteId },
      details: { visibility: deleted[0]!.visibility, area: 'portal' },
    });
  });
}
