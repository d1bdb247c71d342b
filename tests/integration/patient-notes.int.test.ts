import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documents, documentTypes, patientContacts, patientNotes, patients, portalAccountPatients } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { NoteNotAuthorError } from '@/lib/patient-notes/errors';
import { deletePortalNoteSchema, editPortalNoteSchema, portalNoteSchema } from '@/lib/patient-notes/portal-note-forms';
import { createPortalNote, deletePortalNote, getOwnPortalNote, listPortalNotes, updatePortalNote } from '@/lib/patient-notes/portal-notes';
import { loadPortalRelationships } from '@/lib/patient-notes/relationships';
import { addStaffNoteSchema } from '@/lib/patient-notes/staff-note-forms';
import { createStaffNote, deleteStaffNote, listChartNotes, updateStaffNote } from '@/lib/patient-notes/staff-notes';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

// Words that must never reach the audit log: they stand for the health information in a note.
const SECRET_TITLE = 'Rash after amoxicillin';
const SECRET_BODY = 'Itchy red spots on both arms since Tuesday.';

let n = 0;
/**
 * One clinic: Maria (her own account and record) is the parent of Leo; Leo's father Dan has his
 * own account linked to Leo; Stan is a patient of the same clinic nobody here is linked to.
 */
async function clinic() {
  const db = getDb();
  const tenant = await createTestTenant();
  const tag = `${++n}-${randomBytes(2).toString('hex')}`;
  const maria = await createPortalAccount(tenant, { email: `maria.${tag}@example.test`, phone: '+15555550101', password: 'Copper-kettle-64' });
  const dan = await createPortalAccount(tenant, { email: `dan.${tag}@example.test`, phone: '+15555550102', password: 'Copper-kettle-64' });
  const [leo] = await db.insert(patients).values({ tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03' }).returning();
  const [stan] = await db.insert(patients).values({ tenantId: tenant.id, recordNumber: `S-${tag}`, firstName: 'Stan', lastName: 'Stranger', dateOfBirth: '1970-01-01' }).returning();
  await db.insert(portalAccountPatients).values([
    { tenantId: tenant.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' },
    { tenantId: tenant.id, accountId: dan.account.id, patientId: leo!.id, relationship: 'parent' },
  ]);
  const physician = await createStaffContext(tenant, 'physician');
  const colleague = await createStaffContext(tenant, 'operations');
  const support = await createStaffContext(tenant, 'support');
  const marketing = await createStaffContext(tenant, 'marketing');
  return {
    db, tenant, maria, dan, leo: leo!, stan: stan!, physician, colleague, support, marketing,
    /** Maria acting for Leo, Dan acting for Leo, Maria acting for herself. */
    mariaForLeo: portalContext(tenant, maria.account.id, leo!.id, { relationship: 'parent' }),
    danForLeo: portalContext(tenant, dan.account.id, leo!.id, { relationship: 'parent' }),
    mariaForHerself: portalContext(tenant, maria.account.id, maria.patient.id),
  };
}

const note = (title: string, visibility: 'private' | 'shared', body = `${title} text`) => ({ title, body, visibility });
const staffNote = (title: string, visibility: 'internal' | 'shared', body = `${title} text`) => ({ title, body, visibility });

async function noteRow(id: string) {
  return (await getDb().select().from(patientNotes).where(eq(patientNotes.id, id)))[0]!;
}

describe('patient notes: who reads what', () => {
  it('shows an account its own notes about the patient it acts for, never another account’s, and staff only the shared ones', async () => {
    const c = await clinic();
    const mine = await createPortalNote(c.db, c.mariaForLeo, note('Maria private', 'private'));
    const shared = await createPortalNote(c.db, c.mariaForLeo, note('Maria shared', 'shared'));
    const dans = await createPortalNote(c.db, c.danForLeo, note('Dan private', 'private'));
    await createPortalNote(c.db, c.danForLeo, note('Dan shared', 'shared'));

    const maria = await listPortalNotes(c.db, c.mariaForLeo);
    expect(maria.own.map((x) => x.title).sort()).toEqual(['Maria private', 'Maria shared']);
    expect(maria.fromClinic).toEqual([]);
    const dan = await listPortalNotes(c.db, c.danForLeo);
    expect(dan.own.map((x) => x.title).sort()).toEqual(['Dan private', 'Dan shared']);
    // Notes about Leo are not notes about Maria.
    expect((await listPortalNotes(c.db, c.mariaForHerself)).own).toEqual([]);

    const chart = await listChartNotes(c.db, c.physician, c.leo.id);
    expect(chart.map((x) => x.title).sort()).toEqual(['Dan shared', 'Maria shared']);
    expect(chart.find((x) => x.id === shared.id)).toMatchObject({
      authorKind: 'patient', authorName: c.maria.account.fullName, authorRelationship: 'parent', visibility: 'shared', mine: false,
    });
    // Another account's note cannot be opened, changed or deleted: it does not exist for Dan.
    await expect(getOwnPortalNote(c.db, c.danForLeo, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updatePortalNote(c.db, c.danForLeo, mine.id, note('Hacked', 'shared'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(deletePortalNote(c.db, c.danForLeo, shared.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await noteRow(mine.id)).toMatchObject({ title: 'Maria private', visibility: 'private', deletedAt: null });
    expect(await noteRow(dans.id)).toMatchObject({ authorKind: 'patient', authorAccountId: c.dan.account.id, patientId: c.leo.id });
  });

  it('shows staff notes shared with the patient in the portal, read-only, and internal ones to staff only', async () => {
    const c = await clinic();
    const internal = await createStaffNote(c.db, c.physician, c.leo.id, staffNote('Internal plan', 'internal'));
    const shared = await createStaffNote(c.db, c.physician, c.leo.id, staffNote('Home care', 'shared'));
    await createPortalNote(c.db, c.mariaForLeo, note('Private', 'private'));

    for (const ctx of [c.mariaForLeo, c.danForLeo]) {
      const { own, fromClinic } = await listPortalNotes(c.db, ctx);
      expect(fromClinic).toEqual([expect.objectContaining({ id: shared.id, title: 'Home care', staffName: c.physician.actor.fullName })]);
      expect(own.some((x) => x.id === shared.id || x.id === internal.id)).toBe(false);
      // The portal cannot change a clinic note, shared or not.
      await expect(updatePortalNote(c.db, ctx, shared.id, note('Changed', 'private'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(deletePortalNote(c.db, ctx, internal.id)).rejects.toBeInstanceOf(NotFoundError);
    }
    const byColleague = await listChartNotes(c.db, c.colleague, c.leo.id);
    expect(byColleague.map((x) => [x.title, x.visibility, x.mine])).toEqual(expect.arrayContaining([['Internal plan', 'internal', false], ['Home care', 'shared', false]]));
    expect(byColleague).toHaveLength(2);
    expect((await listChartNotes(c.db, c.physician, c.leo.id)).every((x) => x.mine)).toBe(true);
    // Support may read the chart but not write in it; marketing may not read it.
    expect(await listChartNotes(c.db, c.support, c.leo.id)).toHaveLength(2);
    await expect(createStaffNote(c.db, c.support, c.leo.id, staffNote('No', 'internal'))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listChartNotes(c.db, c.marketing, c.leo.id)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('patient notes: only the author changes a note', () => {
  it('lets a patient edit and soft-delete their own note, audited without its words', async () => {
    const c = await clinic();
    const { id } = await createPortalNote(c.db, c.mariaForLeo, note(SECRET_TITLE, 'private', SECRET_BODY));
    await updatePortalNote(c.db, c.mariaForLeo, id, note(SECRET_TITLE, 'shared', `${SECRET_BODY} Worse today.`));
    expect(await noteRow(id)).toMatchObject({ visibility: 'shared', body: `${SECRET_BODY} Worse today.` });
    expect((await listChartNotes(c.db, c.physician, c.leo.id)).map((x) => x.id)).toEqual([id]);
    // Staff read a patient's shared note but cannot change it; a private one does not exist for them.
    await expect(updateStaffNote(c.db, c.physician, c.leo.id, id, staffNote('Edited by staff', 'internal'))).rejects.toBeInstanceOf(NoteNotAuthorError);
    await expect(deleteStaffNote(c.db, c.physician, c.leo.id, id)).rejects.toBeInstanceOf(NoteNotAuthorError);
    const hidden = await createPortalNote(c.db, c.mariaForLeo, note('Private', 'private'));
    await expect(deleteStaffNote(c.db, c.physician, c.leo.id, hidden.id)).rejects.toBeInstanceOf(NotFoundError);

    await deletePortalNote(c.db, c.mariaForLeo, id);
    expect((await noteRow(id)).deletedAt).toBeInstanceOf(Date);
    expect((await listPortalNotes(c.db, c.mariaForLeo)).own.map((x) => x.id)).toEqual([hidden.id]);
    expect(await listChartNotes(c.db, c.physician, c.leo.id)).toEqual([]);
    await expect(deletePortalNote(c.db, c.mariaForLeo, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updatePortalNote(c.db, c.mariaForLeo, id, note('Back', 'private'))).rejects.toBeInstanceOf(NotFoundError);

    const entries = await c.db.select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), like(auditLog.action, 'patient_note.%')));
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['patient_note.created', 'patient_note.updated', 'patient_note.deleted', 'patient_note.listed']));
    const updated = entries.find((e) => e.action === 'patient_note.updated')!;
    expect(updated).toMatchObject({ actorKind: 'patient', actorId: c.maria.account.id, patientId: c.leo.id, targetType: 'patient_note', targetId: id });
    expect(updated.details).toMatchObject({ changed: ['body', 'visibility'], visibility: { before: 'private', after: 'shared' } });
    const written = JSON.stringify(entries);
    expect(written).not.toContain('Rash');
    expect(written).not.toContain('Itchy');
  });

  it('lets staff change only their own notes', async () => {
    const c = await clinic();
    const { id } = await createStaffNote(c.db, c.physician, c.leo.id, staffNote('Plan', 'internal'));
    await expect(updateStaffNote(c.db, c.colleague, c.leo.id, id, staffNote('Mine now', 'shared'))).rejects.toBeInstanceOf(NoteNotAuthorError);
    await expect(deleteStaffNote(c.db, c.colleague, c.leo.id, id)).rejects.toBeInstanceOf(NoteNotAuthorError);
    await expect(updateStaffNote(c.db, c.support, c.leo.id, id, staffNote('Mine now', 'shared'))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await noteRow(id)).toMatchObject({ title: 'Plan', visibility: 'internal', deletedAt: null });

    await updateStaffNote(c.db, c.physician, c.leo.id, id, staffNote('Plan', 'shared'));
    expect((await listPortalNotes(c.db, c.mariaForLeo)).fromClinic.map((x) => x.id)).toEqual([id]);
    await deleteStaffNote(c.db, c.physician, c.leo.id, id);
    expect((await listPortalNotes(c.db, c.mariaForLeo)).fromClinic).toEqual([]);
    expect(await listChartNotes(c.db, c.physician, c.leo.id)).toEqual([]);
    const [deleted] = await c.db.select().from(auditLog).where(and(eq(auditLog.targetId, id), eq(auditLog.action, 'patient_note.deleted')));
    expect(deleted).toMatchObject({ actorKind: 'staff', actorId: c.physician.actor.id, patientId: c.leo.id, details: { visibility: 'shared', area: 'emr' } });
  });
});

describe('patient notes: other clinics and other patients', () => {
  it('answers not-found for a note or patient of another clinic, another patient, or a patient the account is not linked to', async () => {
    const a = await clinic();
    const b = await clinic();
    const staffNoteOfA = await createStaffNote(a.db, a.physician, a.leo.id, staffNote('A plan', 'shared'));
    const patientNoteOfA = await createPortalNote(a.db, a.mariaForLeo, note('A note', 'shared'));

    // Staff of clinic B, with clinic A's ids, and with their own patient but A's note.
    await expect(listChartNotes(b.db, b.physician, a.leo.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createStaffNote(b.db, b.physician, a.leo.id, staffNote('X', 'internal'))).rejects.toBeInstanceOf(NotFoundError);
    for (const patientId of [a.leo.id, b.leo.id]) {
      await expect(updateStaffNote(b.db, b.physician, patientId, staffNoteOfA.id, staffNote('X', 'internal'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(deleteStaffNote(b.db, b.physician, patientId, patientNoteOfA.id)).rejects.toBeInstanceOf(NotFoundError);
    }
    // The author, naming another patient of the same clinic than the note's.
    await expect(updateStaffNote(a.db, a.physician, a.stan.id, staffNoteOfA.id, staffNote('X', 'internal'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteStaffNote(a.db, a.physician, a.maria.patient.id, staffNoteOfA.id)).rejects.toBeInstanceOf(NotFoundError);
    // Not ids at all.
    await expect(updateStaffNote(a.db, a.physician, a.leo.id, 'not-a-uuid', staffNote('X', 'internal'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(listChartNotes(a.db, a.physician, randomUUID())).rejects.toBeInstanceOf(NotFoundError);

    // The portal: a clinic B account with A's note; Maria acting for herself with a note about Leo;
    // Maria's account in clinic B's context; Maria "acting for" a patient she is not linked to.
    const bForLeo = b.mariaForLeo;
    await expect(updatePortalNote(b.db, bForLeo, patientNoteOfA.id, note('X', 'private'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(getOwnPortalNote(b.db, bForLeo, patientNoteOfA.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deletePortalNote(a.db, a.mariaForHerself, patientNoteOfA.id)).rejects.toBeInstanceOf(NotFoundError);
    const crossClinic = { ...a.mariaForLeo, tenant: b.mariaForLeo.tenant };
    const unlinked = portalContext(a.tenant, a.maria.account.id, a.stan.id, { relationship: 'parent' });
    for (const ctx of [crossClinic, unlinked]) {
      await expect(listPortalNotes(a.db, ctx)).rejects.toBeInstanceOf(NotFoundError);
      await expect(createPortalNote(a.db, ctx, note('X', 'private'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(updatePortalNote(a.db, ctx, patientNoteOfA.id, note('X', 'private'))).rejects.toBeInstanceOf(NotFoundError);
      await expect(deletePortalNote(a.db, ctx, patientNoteOfA.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(loadPortalRelationships(a.db, ctx)).rejects.toBeInstanceOf(NotFoundError);
    }
    // Nothing was written anywhere but by the authors.
    expect(await noteRow(staffNoteOfA.id)).toMatchObject({ title: 'A plan', deletedAt: null });
    expect(await noteRow(patientNoteOfA.id)).toMatchObject({ title: 'A note', deletedAt: null });
    expect(await getDb().select().from(patientNotes).where(eq(patientNotes.tenantId, b.tenant.id))).toEqual([]);
  });
});

describe('note forms', () => {
  it('parse what the forms post and refuse what the database would', () => {
    expect(portalNoteSchema.parse({ title: '  Questions  ', body: 'For Friday', visibility: 'shared' })).toEqual({ title: 'Questions', body: 'For Friday', visibility: 'shared' });
    const refused = (schema: { safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown) =>
      schema.safeParse(value).error?.issues.map((i) => `${String(i.path[0])}:${i.message}`);
    expect(refused(portalNoteSchema, { title: '   ', body: 'x'.repeat(20_001), visibility: 'internal' })).toEqual([
      'title:errTitleRequired', 'body:errBodyTooLong', 'visibility:errVisibility',
    ]);
    expect(refused(portalNoteSchema, { title: 'a\u0000b', body: 'ok', visibility: 'private' })).toEqual(['title:errControl']);
    expect(refused(editPortalNoteSchema, { noteId: 'x', title: 't', body: 'b', visibility: 'private' })).toEqual(['noteId:noteNotFound']);
    expect(refused(deletePortalNoteSchema, {})).toEqual(['noteId:noteNotFound']);
    // Staff cannot write a "private" note (a patient's visibility), nor the patient an "internal" one.
    expect(addStaffNoteSchema.safeParse({ patientId: randomUUID(), title: 't', body: 'b', visibility: 'private' }).success).toBe(false);
    expect(addStaffNoteSchema.safeParse({ patientId: randomUUID(), title: 't', body: 'b', visibility: 'shared' }).success).toBe(true);
  });
});

describe('my relationships', () => {
  it('lists whom the account acts for, who else has access to the patient, the record’s contacts and the shared documents', async () => {
    const c = await clinic();
    const db = c.db;
    // A disabled account linked to Leo is not listed; contacts are a person and another patient.
    const gone = await createPortalAccount(c.tenant, { email: `gone.${randomBytes(2).toString('hex')}@example.test`, phone: '+15555550103', password: 'Copper-kettle-64', status: 'disabled' });
    await db.insert(portalAccountPatients).values({ tenantId: c.tenant.id, accountId: gone.account.id, patientId: c.leo.id, relationship: 'caregiver' });
    await db.insert(patientContacts).values([
      { tenantId: c.tenant.id, patientId: c.leo.id, relationship: 'other', fullName: 'Grandma Rosa', phone: '+15555550144' },
      { tenantId: c.tenant.id, patientId: c.leo.id, contactPatientId: c.maria.patient.id, relationship: 'parent' },
      { tenantId: c.tenant.id, patientId: c.stan.id, relationship: 'spouse', fullName: 'Not Leo’s' },
    ]);
    const [type] = await db.select().from(documentTypes).where(eq(documentTypes.tenantId, c.tenant.id)).limit(1);
    const doc = (title: string, visibleToPatient: boolean, patientId = c.leo.id) => ({
      tenantId: c.tenant.id, patientId, typeId: type!.id, title, examinationDate: '2026-01-05', visibleToPatient, status: 'available' as const,
      storageKey: `documents/${randomUUID()}`, originalFilename: 'report.pdf', contentType: 'application/pdf', sizeBytes: 1000,
      uploadedByKind: 'staff' as const, uploadedById: c.physician.actor.id,
    });
    await db.insert(documents).values([doc('Blood test', true), doc('Staff only', false), doc('Stan’s', true, c.stan.id)]);

    const seen = await loadPortalRelationships(db, c.mariaForLeo);
    expect(seen.actsFor.map(({ id, firstName, lastName, relationship, selected }) => ({ id, firstName, lastName, relationship, selected }))).toEqual([
      { id: c.maria.patient.id, firstName: c.maria.patient.firstName, lastName: c.maria.patient.lastName, relationship: 'self', selected: false },
      { id: c.leo.id, firstName: 'Leo', lastName: 'Lopez', relationship: 'parent', selected: true },
    ]);
    expect(seen.accounts.map(({ fullName, relationship, isYou }) => ({ fullName, relationship, isYou }))).toEqual([
      { fullName: c.maria.account.fullName, relationship: 'parent', isYou: true },
      { fullName: c.dan.account.fullName, relationship: 'parent', isYou: false },
    ]);
    // Names and relationships only: no account's email or phone reaches the others.
    expect(JSON.stringify(seen.accounts)).not.toMatch(/@example\.test|\+1555/);
    expect(seen.contacts.map(({ name, relationship }) => ({ name, relationship }))).toEqual([
      { name: 'Grandma Rosa', relationship: 'other' },
      { name: `${c.maria.patient.firstName} ${c.maria.patient.lastName}`, relationship: 'parent' },
    ]);
    expect(seen.documents.map((d) => d.title)).toEqual(['Blood test']);
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'patient.relationships_viewed')));
    expect(audit).toMatchObject({ actorKind: 'patient', actorId: c.maria.account.id, patientId: c.leo.id, details: { accounts: 2, contacts: 2 } });

    // Dan sees the same people from his side; Maria acting for herself sees only her own account.
    expect((await loadPortalRelationships(db, c.danForLeo)).accounts.find((a) => a.isYou)?.fullName).toBe(c.dan.account.fullName);
    const herself = await loadPortalRelationships(db, c.mariaForHerself);
    expect(herself.accounts).toEqual([expect.objectContaining({ fullName: c.maria.account.fullName, relationship: 'self', isYou: true })]);
    expect(herself.contacts).toEqual([]);
    expect(herself.documents).toEqual([]);
  });
});
