import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documents, documentTypes, patients } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { DocumentInputError } from '@/lib/documents/errors';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { listPatientDocuments } from '@/lib/documents/staff-documents';
import { listUploadDocumentTypes, PatientUploadsDisabledError, uploadPatientDocument } from '@/lib/documents/patient-uploads';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { HTML_BYTES, PDF_BYTES, PNG_BYTES, pdfOfSize } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

let uploadsDir: string;
beforeAll(async () => {
  uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cb-portal-uploads-'));
  setObjectStoreForTests(new LocalObjectStore(uploadsDir));
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(uploadsDir, { recursive: true, force: true });
});

const storedFiles = async () => (await readdir(uploadsDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;

async function setup(allowed: boolean, maxUploadBytes?: number) {
  const db = getDb();
  const clinic = await createTestTenant({ settings: { patientUploadsAllowed: allowed, ...(maxUploadBytes ? { maxUploadBytes } : {}) } });
  const fixture = await createPortalAccount(clinic, { email: `up-${randomBytes(3).toString('hex')}@example.test`, phone: '+15555550150', password: 'Copper-kettle-64' });
  const types = await db.select().from(documentTypes).where(eq(documentTypes.tenantId, clinic.id));
  const typeId = (name: string) => types.find((t) => t.name === name)!.id;
  const scope = portalContext(clinic, fixture.account.id, fixture.patient.id, { ip: '192.0.2.3', userAgent: 'vitest' });
  const input = (overrides: Partial<{ title: string; typeId: string; bytes: Buffer; name: string }> = {}) => ({
    title: overrides.title ?? 'Referral from City Lab',
    typeId: overrides.typeId ?? typeId('Referral'),
    today: '2026-05-04',
    file: { bytes: overrides.bytes ?? PDF_BYTES, name: overrides.name ?? 'referral.pdf', declaredType: 'application/pdf' },
  });
  const rows = async () => db.select().from(documents).where(eq(documents.tenantId, clinic.id));
  return { db, clinic, fixture, typeId, scope, input, rows };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('patient uploads', () => {
  it('are refused when the clinic has not allowed them', async () => {
    const s = await setup(false);
    const before = await storedFiles();
    expect(await refusal(uploadPatientDocument(s.db, s.scope, s.input()))).toBeInstanceOf(PatientUploadsDisabledError);
    expect(await s.rows()).toEqual([]);
    expect(await storedFiles()).toBe(before);
  });

  it('refuse a file that is not PDF, JPG or PNG by its bytes, an empty one and one over the limit', async () => {
    const s = await setup(true, 1024);
    const before = await storedFiles();
    const html = await refusal(uploadPatientDocument(s.db, s.scope, s.input({ bytes: HTML_BYTES, name: 'scan.pdf' })));
    expect(html).toBeInstanceOf(DocumentInputError);
    expect((html as DocumentInputError).code).toBe('unsupported_type');
    const big = await refusal(uploadPatientDocument(s.db, s.scope, s.input({ bytes: pdfOfSize(2048) })));
    expect((big as DocumentInputError).code).toBe('too_large');
    const empty = await refusal(uploadPatientDocument(s.db, s.scope, s.input({ bytes: Buffer.alloc(0) })));
    expect((empty as DocumentInputError).code).toBe('empty');
    const noTitle = await refusal(uploadPatientDocument(s.db, s.scope, s.input({ title: '   ' })));
    expect((noTitle as DocumentInputError).field).toBe('title');
    expect(await s.rows()).toEqual([]);
    expect(await storedFiles()).toBe(before);
  });

  it('refuse a type hidden from the portal, a retired one, and another clinic’s', async () => {
    const s = await setup(true);
    const other = await setup(true);
    const hidden = s.typeId('Invoice');
    await s.db.update(documentTypes).set({ hiddenFromPortal: true }).where(and(eq(documentTypes.tenantId, s.clinic.id), eq(documentTypes.id, hidden)));
    const retired = s.typeId('Report');
    await s.db.update(documentTypes).set({ active: false }).where(and(eq(documentTypes.tenantId, s.clinic.id), eq(documentTypes.id, retired)));
    for (const typeId of [hidden, retired, other.typeId('Referral'), 'not-a-uuid']) {
      const error = await refusal(uploadPatientDocument(s.db, s.scope, s.input({ typeId })));
      expect((error as DocumentInputError).code).toBe('unknown_type');
    }
    const offered = (await listUploadDocumentTypes(s.db, s.scope)).map((t) => t.id);
    expect(offered).not.toContain(hidden);
    expect(offered).not.toContain(retired);
    expect(offered).toContain(s.typeId('Referral'));
  });

  it('only for a patient linked to the account', async () => {
    const s = await setup(true);
    const [stranger] = await s.db.insert(patients).values({
      tenantId: s.clinic.id, recordNumber: `X-${randomBytes(3).toString('hex')}`, firstName: 'Not', lastName: 'Mine', dateOfBirth: '1990-01-01',
    }).returning();
    expect(await refusal(uploadPatientDocument(s.db, portalContext(s.clinic, s.fixture.account.id, stranger!.id), s.input()))).toBeInstanceOf(NotFoundError);
    expect(await s.rows()).toEqual([]);
  });

  it('stores an accepted file marked as the patient’s upload, visible to the patient and to staff, audited', async () => {
    const s = await setup(true);
    const row = await uploadPatientDocument(s.db, s.scope, s.input({ bytes: PNG_BYTES, name: 'photo of letter.pdf', title: 'Letter from school' }));
    expect(row).toMatchObject({
      status: 'available', uploadedByKind: 'patient', uploadedById: s.fixture.account.id, visibleToPatient: true, notifyPatient: false,
      contentType: 'image/png', examinationDate: '2026-05-04', patientId: s.fixture.patient.id, storageKey: `${s.clinic.id}/${s.fixture.patient.id}/${row.id}`,
    });
    const mine = await listPortalDocuments(s.db, s.scope);
    expect(mine.map((d) => d.id)).toEqual([row.id]);
    const staff = await createStaffContext(s.clinic, 'operations');
    const staffView = await listPatientDocuments(s.db, staff, s.fixture.patient.id);
    expect(JSON.stringify(staffView)).toContain(row.id);
    const [entry] = await s.db.select().from(auditLog).where(and(eq(auditLog.tenantId, s.clinic.id), eq(auditLog.action, 'document.uploaded')));
    expect(entry).toMatchObject({ actorKind: 'patient', actorId: s.fixture.account.id, patientId: s.fixture.patient.id, targetId: row.id });
    expect(entry!.details).toMatchObject({ uploadedBy: 'patient', declaredType: 'application/pdf', detectedType: 'image/png' });
  });
});
