import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, patients } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { getPatientChart } from '@/lib/patients/chart';
import { createPatient, updatePatient } from '@/lib/patients/editing';
import { patientInputSchema, type PatientInput } from '@/lib/patients/schemas';
import { searchPatients } from '@/lib/patients/search';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

function input(overrides: Record<string, string> = {}): PatientInput {
  return patientInputSchema.parse({
    firstName: 'Ada', lastName: 'Lovelace', dateOfBirth: '12/10/1985', sex: 'female', email: 'Ada@Example.test',
    phone: '(217) 555-0199', preferredLanguage: 'en', ...overrides,
  });
}

describe('patient form schema', () => {
  it('normalises phone to E.164, email to lower case, and refuses impossible dates', () => {
    expect(input()).toMatchObject({ phone: '+12175550199', email: 'ada@example.test', dateOfBirth: '1985-12-10' });
    expect(patientInputSchema.safeParse({ ...input(), dateOfBirth: '02/30/1990' }).success).toBe(false);
    expect(patientInputSchema.safeParse({ ...input(), dateOfBirth: '01/01/2999' }).success).toBe(false);
    expect(patientInputSchema.safeParse({ ...input(), phone: '12' }).success).toBe(false);
    expect(patientInputSchema.safeParse({ ...input(), firstName: '<script>' }).success).toBe(false);
  });
});

describe('creating and editing patients', () => {
  it('creates with the next record number and stores the national ID encrypted', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    const first = await createPatient(getDb(), ops, input({ nationalId: '123-45-6789' }));
    const second = await createPatient(getDb(), ops, input({ firstName: 'Grace', lastName: 'Hopper' }));
    if (!first.ok || !second.ok) throw new Error('expected creation');
    expect(Number(second.recordNumber.split('-')[1])).toBe(Number(first.recordNumber.split('-')[1]) + 1);
    const [row] = await getDb().select().from(patients).where(eq(patients.id, first.id));
    expect(JSON.stringify(row)).not.toContain('123456789');
    expect(row?.nationalIdLast4).toBe('6789');
  });

  it('stops on a possible duplicate until confirmed, and never allows the same national ID twice', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    await createPatient(getDb(), ops, input({ nationalId: '987654321' }));
    const again = await createPatient(getDb(), ops, input({ email: 'other@example.test' }));
    expect(again).toMatchObject({ ok: false, duplicates: [{ reason: 'name-and-birth-date' }] });
    expect((await createPatient(getDb(), ops, input(), { confirmDuplicates: true })).ok).toBe(true);
    const sameId = await createPatient(getDb(), ops, input({ firstName: 'Someone', nationalId: '987-65-4321' }), { confirmDuplicates: true });
    expect(sameId).toMatchObject({ ok: false, duplicates: [{ reason: 'national-id' }] });
  });

  it('audits who changed what, and refuses users without patients.edit', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    const support = await createStaffContext(clinic, 'support');
    const created = await createPatient(getDb(), ops, input());
    if (!created.ok) throw new Error('expected creation');
    await expect(updatePatient(getDb(), support, created.id, { city: 'Elsewhere' })).rejects.toBeInstanceOf(ForbiddenError);
    const result = await updatePatient(getDb(), ops, created.id, { ...input(), city: 'Springfield', phone: '+12175550100' });
    expect(result).toEqual({ ok: true, changed: ['phone', 'city'] });
    const [entry] = await getDb().select().from(auditLog).where(and(eq(auditLog.patientId, created.id), eq(auditLog.action, 'patient.updated')));
    expect(entry?.actorId).toBe(ops.actor.id);
    expect(entry?.details).toMatchObject({ changes: { city: { before: null, after: 'Springfield' }, phone: { before: '+12175550199', after: '+12175550100' } } });
  });

  it('answers not-found for another clinic’s patient, for reads and writes', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const opsA = await createStaffContext(a, 'operations');
    const opsB = await createStaffContext(b, 'operations');
    const inB = await createPatient(getDb(), opsB, input());
    if (!inB.ok) throw new Error('expected creation');
    await expect(getPatientChart(getDb(), opsA, inB.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updatePatient(getDb(), opsA, inB.id, { city: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await searchPatients(getDb(), opsA, { q: 'Lovelace', page: 1 })).rows).toEqual([]);
  });
});

describe('patient search', () => {
  it('finds by name fragment, date of birth, phone, email and record number', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    const created = await createPatient(getDb(), ops, input());
    await createPatient(getDb(), ops, input({ firstName: 'Charles', lastName: 'Babbage', dateOfBirth: '12/26/1971', email: 'cb@example.test', phone: '+12175550111' }));
    if (!created.ok) throw new Error('expected creation');
    const names = async (q: string) => (await searchPatients(getDb(), ops, { q, page: 1 })).rows.map((r) => r.lastName);
    expect(await names('lovel')).toEqual(['Lovelace']);
    expect(await names('ada love')).toEqual(['Lovelace']);
    expect(await names('12/10/1985')).toEqual(['Lovelace']);
    expect(await names('(217) 555-0111')).toEqual(['Babbage']);
    expect(await names('ADA@example.test')).toEqual(['Lovelace']);
    expect(await names(created.recordNumber.toLowerCase())).toEqual(['Lovelace']);
    expect(await names('100%_\\')).toEqual([]);
    expect(await names('')).toHaveLength(2);
  });
});

describe('patient name search', () => {
  it('lists name prefixes alphabetically, last-name matches before first-name matches, and pages through them', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    const people: [string, string][] = [
      ['Owen', 'Garcia'], ['Ana', 'Garcia'], ['Maria', 'Garcia'], ['Maria', 'Garcilaso'], ['Garcia', 'Lopez'],
      ['Zoe', 'Owens'], ['Owen', 'Baker'], ['Ben', 'Marquez'],
    ];
    for (const [firstName, lastName] of people) {
      const made = await createPatient(getDb(), ops, input({ firstName, lastName, email: '', phone: '' }));
      if (!made.ok) throw new Error(`expected creation: ${JSON.stringify(made)}`);
    }
    const found = async (q: string, page = 1) => {
      const result = await searchPatients(getDb(), ops, { q, page });
      return result.rows.map((r) => `${r.firstName} ${r.lastName}`);
    };
    expect(await found('garci')).toEqual(['Ana Garcia', 'Maria Garcia', 'Owen Garcia', 'Maria Garcilaso', 'Garcia Lopez']);
    expect(await found('Garcia, Ma')).toEqual(['Maria Garcia']);
    expect(await found('maria g')).toEqual(['Maria Garcia', 'Maria Garcilaso']);
    expect(await found('owen')).toEqual(['Zoe Owens', 'Owen Baker', 'Owen Garcia']);
    // Nothing starts that way: any part of the name, nearest first.
    expect(await found('arque')).toEqual(['Ben Marquez']);
    expect(await found('zzz')).toEqual([]);
    // Past the last page of prefix matches is empty, not a different (fragment) search.
    expect(await found('garci', 2)).toEqual([]);
    // A name containing LIKE's wildcards is matched literally.
    expect(await found('gar%')).toEqual([]);
  });

  it('pages a common name 25 at a time without repeating anyone', async () => {
    const clinic = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    for (let i = 0; i < 30; i++) {
      const made = await createPatient(getDb(), ops, input({ firstName: `Ann${String(i).padStart(2, '0')}`, lastName: 'Smith', email: '', phone: '' }));
      if (!made.ok) throw new Error('expected creation');
    }
    const first = await searchPatients(getDb(), ops, { q: 'smith', page: 1 });
    const second = await searchPatients(getDb(), ops, { q: 'smith', page: 2 });
    expect(first.rows).toHaveLength(25);
    expect(first.hasMore).toBe(true);
    expect(second.rows).toHaveLength(5);
    expect(second.hasMore).toBe(false);
    const names = [...first.rows, ...second.rows].map((r) => r.firstName);
    expect(names).toEqual(Array.from({ length: 30 }, (_, i) => `Ann${String(i).padStart(2, '0')}`));
  });
});

describe('contacts', () => {
  it('links another patient or a non-patient, and refuses another clinic’s patient', async () => {
    const { addContact, listContacts, removeContact } = await import('@/lib/patients/contacts');
    const clinic = await createTestTenant();
    const other = await createTestTenant();
    const ops = await createStaffContext(clinic, 'operations');
    const opsOther = await createStaffContext(other, 'operations');
    const child = await createPatient(getDb(), ops, input({ firstName: 'Kid', dateOfBirth: '01/01/2015' }));
    const parent = await createPatient(getDb(), ops, input({ firstName: 'Mum' }));
    const stranger = await createPatient(getDb(), opsOther, input({ firstName: 'Far' }));
    if (!child.ok || !parent.ok || !stranger.ok) throw new Error('expected creation');

    expect(await addContact(getDb(), ops, child.id, { kind: 'patient', relationship: 'parent', recordNumber: parent.recordNumber })).toEqual({ ok: true });
    expect(await addContact(getDb(), ops, child.id, { kind: 'person', relationship: 'caregiver', fullName: 'Nanny', email: null, phone: '+12175550142' })).toEqual({ ok: true });
    expect(await addContact(getDb(), ops, child.id, { kind: 'patient', relationship: 'other', recordNumber: stranger.recordNumber }))
      .toMatchObject({ ok: false, field: 'recordNumber' });
    expect(await addContact(getDb(), ops, child.id, { kind: 'patient', relationship: 'other', recordNumber: child.recordNumber }))
      .toMatchObject({ ok: false, message: 'A patient cannot be their own contact.' });

    const contacts = await listContacts(getDb(), ops, child.id);
    expect(contacts.map((c) => c.patientFirstName ?? c.fullName)).toEqual(['Mum', 'Nanny']);
    await expect(listContacts(getDb(), opsOther, child.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeContact(getDb(), opsOther, child.id, contacts[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
    await removeContact(getDb(), ops, child.id, contacts[0]!.id);
    expect(await listContacts(getDb(), ops, child.id)).toHaveLength(1);
  });
});
