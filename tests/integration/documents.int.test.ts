import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documents, documentTypes, outboxMessages, patients } from '@/db/schema';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import { authorizeDocumentDownload } from '@/lib/documents/authorize-download';
import {
  cleanupAbandonedUploads,
  confirmUpload,
  createUploadIntent,
  receiveLocalUpload,
} from '@/lib/documents/direct-upload';
import { DocumentInputError } from '@/lib/documents/errors';
import { downloadFilename } from '@/lib/documents/file-checks';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { deleteDocument, listPatientDocuments, updateDocument } from '@/lib/documents/staff-documents';
import { uploadDocument } from '@/lib/documents/upload-document';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { EXE_BYTES, HTML_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES, pdfOfSize } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

let uploadsDir: string;
let store: LocalObjectStore;

beforeAll(async () => {
  uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cb-documents-'));
  store = new LocalObjectStore(uploadsDir);
  setObjectStoreForTests(store);
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(uploadsDir, { recursive: true, force: true });
});
afterEach(() => setClockForTests(undefined));

type Clinic = Awaited<ReturnType<typeof createTestTenant>>;
let counter = 0;

async function clinicWithStaff(settings?: Parameters<typeof createTestTenant>[0]) {
  const clinic = await createTestTenant(settings);
  const staff = await createStaffContext(clinic, 'operations');
  const types = await getDb().select().from(documentTypes).where(eq(documentTypes.tenantId, clinic.id));
  const typeId = (name: string) => types.find((t) => t.name === name)!.id;
  return { clinic, staff, typeId };
}

async function addPatient(clinic: Clinic) {
  const [row] = await getDb()
    .insert(patients)
    .values({ tenantId: clinic.id, recordNumber: `DOC-${++counter}-${Date.now()}`, firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1980-02-03', email: `maria${counter}@example.test` })
    .returning();
  return row!;
}

function meta(typeId: string, overrides: Partial<{ title: string; examinationDate: string; visibleToPatient: boolean; sendNotification: boolean }> = {}) {
  return { typeId, title: 'Blood panel', examinationDate: '2025-03-04', visibleToPatient: true, sendNotification: false, ...overrides };
}

/** Every file under the uploads folder (recursively). */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(uploadsDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function documentRows(tenantId: string) {
  return getDb().select().from(documents).where(eq(documents.tenantId, tenantId));
}

async function notificationsFor(documentId: string) {
  return getDb().select().from(outboxMessages).where(like(outboxMessages.idempotencyKey, `document:${documentId}:%`));
}

async function expectRefused(promise: Promise<unknown>, code: DocumentInputError['code'], message?: RegExp) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DocumentInputError);
  expect((error as DocumentInputError).code).toBe(code);
  if (message) expect((error as DocumentInputError).message).toMatch(message);
}

describe('uploading through the server action', () => {
  it('stores a PDF under a server-generated key, audits it, and queues one notification when visible + notify', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const row = await uploadDocument(getDb(), staff, {
      patientId: patient.id, ...meta(typeId('Lab result'), { sendNotification: true }),
      file: { bytes: PDF_BYTES, name: 'C:\\Users\\me\\Desktop\\results march.pdf', declaredType: 'application/pdf' },
    });
    expect(row).toMatchObject({ status: 'available', contentType: 'application/pdf', sizeBytes: PDF_BYTES.length, originalFilename: 'results march.pdf', notifyPatient: true });
    expect(row.storageKey).toBe(`${clinic.id}/${patient.id}/${row.id}`);
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.head(row.storageKey)).toEqual({ size: PDF_BYTES.length, contentType: null });
    expect((await notificationsFor(row.id)).length).toBeGreaterThan(0);

    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.uploaded'), eq(auditLog.targetId, row.id)));
    expect(audit).toMatchObject({ actorId: staff.actor.id, patientId: patient.id });
    expect((audit!.details as { after: { title: string } }).after.title).toBe('Blood panel');

    const listed = await listPatientDocuments(getDb(), staff, patient.id);
    expect(listed.map((d) => d.id)).toEqual([row.id]);
    expect(listed[0]).toMatchObject({ typeName: 'Lab result', uploadedByName: staff.actor.fullName, visibleToPatient: true });
  });

  it('does not notify for a hidden document, or when "send notification" is off', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const hidden = await uploadDocument(getDb(), staff, {
      patientId: patient.id, ...meta(typeId('Report'), { visibleToPatient: false, sendNotification: true }),
      file: { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' },
    });
    const quiet = await uploadDocument(getDb(), staff, {
      patientId: patient.id, ...meta(typeId('Report')), file: { bytes: JPEG_BYTES, name: 'photo.jpeg', declaredType: 'image/jpeg' },
    });
    expect(hidden.notifyPatient).toBe(false);
    expect(quiet.contentType).toBe('image/jpeg');
    expect(await notificationsFor(hidden.id)).toHaveLength(0);
    expect(await notificationsFor(quiet.id)).toHaveLength(0);
  });

  it('refuses empty, too-large, non-PDF/JPG/PNG and over-4-MB files with a clear message, storing nothing', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff({ settings: { maxUploadBytes: 5 * 1024 * 1024 } });
    const patient = await addPatient(clinic);
    const upload = (bytes: Buffer, name: string, declaredType: string) =>
      uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report')), file: { bytes, name, declaredType } });
    const before = await storedFiles();

    await expectRefused(upload(Buffer.alloc(0), 'empty.pdf', 'application/pdf'), 'empty', /empty/);
    await expectRefused(upload(pdfOfSize(5 * 1024 * 1024 + 1), 'big.pdf', 'application/pdf'), 'too_large', /up to 5 MB/);
    await expectRefused(upload(HTML_BYTES, 'report.pdf', 'application/pdf'), 'unsupported_type', /Allowed types: PDF, JPG, PNG/);
    await expectRefused(upload(EXE_BYTES, 'scan.png', 'image/png'), 'unsupported_type');
    await expectRefused(upload(Buffer.from('just some text'), 'notes.jpg', 'image/jpeg'), 'unsupported_type');
    await expectRefused(upload(pdfOfSize(4 * 1024 * 1024 + 1), 'large.pdf', 'application/pdf'), 'use_direct_upload', /direct upload/);

    expect(await documentRows(clinic.id)).toHaveLength(0);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses a file over the clinic’s own limit', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff({ settings: { maxUploadBytes: 100 } });
    const patient = await addPatient(clinic);
    await expectRefused(
      uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report')), file: { bytes: pdfOfSize(101), name: 'a.pdf', declaredType: 'application/pdf' } }),
      'too_large',
      /101 B; this clinic accepts files up to 100 B/,
    );
    expect(await documentRows(clinic.id)).toHaveLength(0);
  });

  it('decides the type by the bytes: a .pdf with PNG bytes is stored as a PNG and downloads as .png', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const row = await uploadDocument(getDb(), staff, {
      patientId: patient.id, ...meta(typeId('Report')), file: { bytes: PNG_BYTES, name: 'scan.pdf', declaredType: 'application/pdf' },
    });
    expect(row.contentType).toBe('image/png');
    expect(row.originalFilename).toBe('scan.pdf');
    expect(downloadFilename(row.originalFilename, row.contentType)).toBe('scan.png');
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.uploaded'), eq(auditLog.targetId, row.id)));
    expect(audit!.details).toMatchObject({ declaredType: 'application/pdf', detectedType: 'image/png' });
  });

  it('keeps a path-traversal name only as sanitised metadata; the key stays server-generated', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const row = await uploadDocument(getDb(), staff, {
      patientId: patient.id, ...meta(typeId('Report')),
      file: { bytes: PDF_BYTES, name: '../../../../etc/\u202Epasswd\u0000\r\n.pdf', declaredType: 'application/pdf' },
    });
    expect(row.originalFilename).toBe('passwd.pdf');
    expect(row.storageKey).toBe(`${clinic.id}/${patient.id}/${row.id}`);
    const files = await storedFiles();
    expect(files.every((f) => f.startsWith(uploadsDir + path.sep))).toBe(true);
    expect(files.some((f) => f.includes('passwd'))).toBe(false);
  });

  it('checks the type belongs to the clinic, the fields are valid, and the permission', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const other = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const file = { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' };
    await expectRefused(uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(other.typeId('Report')), file }), 'unknown_type');
    await expectRefused(uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report'), { title: '  ' }), file }), 'invalid_input');
    await expectRefused(uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report'), { examinationDate: '2999-01-01' }), file }), 'invalid_input');
    const support = await createStaffContext(clinic, 'support');
    await expect(uploadDocument(getDb(), support, { patientId: patient.id, ...meta(typeId('Report')), file })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await documentRows(clinic.id)).toHaveLength(0);
  });
});

describe('direct upload (large files)', () => {
  async function setup() {
    const env = await clinicWithStaff();
    const patient = await addPatient(env.clinic);
    const intent = (size: number, overrides: Partial<{ declaredType: string; sendNotification: boolean; staff: StaffContext }> = {}) =>
      createUploadIntent(getDb(), overrides.staff ?? env.staff, {
        patientId: patient.id, ...meta(env.typeId('Report'), { sendNotification: overrides.sendNotification ?? true }),
        name: 'large scan.pdf', size, declaredType: overrides.declaredType ?? 'application/pdf',
      });
    return { ...env, patient, intent };
  }

  it('creates a pending row (never listed) and an app upload URL for the local store; confirm makes it available and notifies once', async () => {
    const { clinic, staff, patient, intent } = await setup();
    const bytes = pdfOfSize(6 * 1024 * 1024);
    const { documentId, upload } = await intent(bytes.length);
    expect(upload).toEqual({ method: 'PUT', url: `/api/documents/upload/${documentId}`, headers: { 'Content-Type': 'application/pdf' } });
    expect(await listPatientDocuments(getDb(), staff, patient.id)).toHaveLength(0);
    expect(await notificationsFor(documentId)).toHaveLength(0);

    await receiveLocalUpload(getDb(), staff, documentId, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), bytes.length);
    const [first, second] = await Promise.all([confirmUpload(getDb(), staff, documentId), confirmUpload(getDb(), staff, documentId)]);
    expect(first.status).toBe('available');
    expect(second.status).toBe('available');
    const listed = await listPatientDocuments(getDb(), staff, patient.id);
    expect(listed.map((d) => [d.id, d.sizeBytes])).toEqual([[documentId, bytes.length]]);
    const notes = await notificationsFor(documentId);
    expect(notes.length).toBeGreaterThan(0);
    // One message per recipient and channel, although two confirmations ran at once.
    expect(new Set(notes.map((n) => n.idempotencyKey)).size).toBe(notes.length);
    expect(await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.uploaded'), eq(auditLog.targetId, documentId)))).toHaveLength(1);
    expect((await documentRows(clinic.id))[0]!.status).toBe('available');
  });

  it('stops a body longer than announced, and refuses an intent over the limit or of another type', async () => {
    const { staff, intent } = await setup();
    const { documentId } = await intent(2000);
    await expectRefused(receiveLocalUpload(getDb(), staff, documentId, Readable.from([pdfOfSize(3000)]), null), 'too_large');
    await expectRefused(receiveLocalUpload(getDb(), staff, documentId, Readable.from([pdfOfSize(3000)]), 3000), 'too_large');
    const row = (await getDb().select().from(documents).where(eq(documents.id, documentId)))[0]!;
    expect(await store.head(row.storageKey)).toBeNull();
    await expectRefused(intent(21 * 1024 * 1024), 'too_large');
    await expectRefused(intent(0), 'empty');
    await expectRefused(intent(1000, { declaredType: 'text/html' }), 'unsupported_type');
  });

  it('on wrong bytes or a short upload: deletes the object, marks the row failed, never lists or notifies it', async () => {
    const { staff, patient, intent } = await setup();
    const html = await intent(HTML_BYTES.length);
    await receiveLocalUpload(getDb(), staff, html.documentId, Readable.from([HTML_BYTES]), HTML_BYTES.length);
    await expectRefused(confirmUpload(getDb(), staff, html.documentId), 'unsupported_type', /not a PDF, JPG or PNG/);

    const short = await intent(5000);
    await receiveLocalUpload(getDb(), staff, short.documentId, Readable.from([pdfOfSize(4000)]), null);
    await expectRefused(confirmUpload(getDb(), staff, short.documentId), 'upload_incomplete');

    const missing = await intent(5000);
    await expectRefused(confirmUpload(getDb(), staff, missing.documentId), 'upload_incomplete', /did not arrive/);

    for (const id of [html.documentId, short.documentId, missing.documentId]) {
      const [row] = await getDb().select().from(documents).where(eq(documents.id, id));
      expect(row!.status).toBe('failed');
      expect(await store.head(row!.storageKey)).toBeNull();
      expect(await notificationsFor(id)).toHaveLength(0);
      await expect(authorizeDocumentDownload(getDb(), { kind: 'staff', ctx: staff }, id)).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await listPatientDocuments(getDb(), staff, patient.id)).toHaveLength(0);
  });

  it('only the uploader can send bytes for or confirm an upload', async () => {
    const { clinic, intent } = await setup();
    const { documentId } = await intent(PDF_BYTES.length);
    const colleague = await createStaffContext(clinic, 'operations');
    await expect(receiveLocalUpload(getDb(), colleague, documentId, Readable.from([PDF_BYTES]), null)).rejects.toBeInstanceOf(NotFoundError);
    await expect(confirmUpload(getDb(), colleague, documentId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cleans up abandoned uploads (pending and failed): rows and objects', async () => {
    const { clinic, staff, intent } = await setup();
    const abandoned = await intent(PDF_BYTES.length);
    await receiveLocalUpload(getDb(), staff, abandoned.documentId, Readable.from([PDF_BYTES]), null);
    const failed = await intent(HTML_BYTES.length);
    await receiveLocalUpload(getDb(), staff, failed.documentId, Readable.from([HTML_BYTES]), null);
    await confirmUpload(getDb(), staff, failed.documentId).catch(() => {});
    const kept = await intent(PDF_BYTES.length);
    await receiveLocalUpload(getDb(), staff, kept.documentId, Readable.from([PDF_BYTES]), null);
    await confirmUpload(getDb(), staff, kept.documentId);
    const [abandonedRow] = await getDb().select().from(documents).where(eq(documents.id, abandoned.documentId));

    expect((await cleanupAbandonedUploads(getDb(), 60)).removed).toBe(0);
    setClockForTests(() => new Date(Date.now() + 61 * 60 * 1000));
    expect((await cleanupAbandonedUploads(getDb(), 60)).removed).toBeGreaterThanOrEqual(2);
    const rows = await documentRows(clinic.id);
    expect(rows.map((r) => r.id)).toEqual([kept.documentId]);
    expect(await store.head(abandonedRow!.storageKey)).toBeNull();
    // Too late to confirm now, and too late to send the bytes of a fresh intent after 5 minutes.
    await expect(confirmUpload(getDb(), staff, abandoned.documentId)).rejects.toBeInstanceOf(NotFoundError);
    setClockForTests(undefined);
    const late = await intent(PDF_BYTES.length);
    setClockForTests(() => new Date(Date.now() + 6 * 60 * 1000));
    await expectRefused(receiveLocalUpload(getDb(), staff, late.documentId, Readable.from([PDF_BYTES]), null), 'upload_expired');
  });
});

describe('editing and deleting', () => {
  it('changes type, title, date and visibility with before/after in the audit log; making it visible can notify', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const row = await uploadDocument(getDb(), staff, {
      patientId: patient.id, ...meta(typeId('Report'), { visibleToPatient: false }), file: { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' },
    });
    const updated = await updateDocument(getDb(), staff, row.id, {
      typeId: typeId('Referral'), title: 'Referral to cardiology', examinationDate: '2025-01-02', visibleToPatient: true, sendNotification: true,
    });
    expect(updated).toMatchObject({ typeId: typeId('Referral'), title: 'Referral to cardiology', examinationDate: '2025-01-02', visibleToPatient: true });
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.updated'), eq(auditLog.targetId, row.id)));
    expect(audit!.details).toMatchObject({
      before: { title: 'Blood panel', visibleToPatient: false, examinationDate: '2025-03-04' },
      after: { title: 'Referral to cardiology', visibleToPatient: true, examinationDate: '2025-01-02' },
      notificationQueued: true,
    });
    expect((await notificationsFor(row.id)).length).toBeGreaterThan(0);
  });

  it('deletes softly: gone from lists and downloads, kept in the table with who and when', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const row = await uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report')), file: { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' } });
    await deleteDocument(getDb(), staff, row.id);
    const [stored] = await getDb().select().from(documents).where(eq(documents.id, row.id));
    expect(stored!.deletedById).toBe(staff.actor.id);
    expect(stored!.deletedAt).toBeInstanceOf(Date);
    expect(await listPatientDocuments(getDb(), staff, patient.id)).toHaveLength(0);
    await expect(authorizeDocumentDownload(getDb(), { kind: 'staff', ctx: staff }, row.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteDocument(getDb(), staff, row.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.deleted'), eq(auditLog.targetId, row.id)))).toHaveLength(1);
  });
});

describe('the patient portal', () => {
  it('lists only visible, available, undeleted documents of shown types, newest examination first, with search', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const { account, patient } = await createPortalAccount(clinic, { email: `p${++counter}@example.test`, phone: '+12175550100', password: 'Sunrise-2025' });
    const sibling = await addPatient(clinic);
    const scope = portalContext(clinic, account.id, patient.id);
    const up = (title: string, date: string, type: string, visible = true, forPatient = patient.id) =>
      uploadDocument(getDb(), staff, { patientId: forPatient, ...meta(typeId(type), { title, examinationDate: date, visibleToPatient: visible }), file: { bytes: PDF_BYTES, name: 'x.pdf', declaredType: 'application/pdf' } });

    const older = await up('Knee X-ray report', '2024-05-01', 'Report');
    const newer = await up('Lipid panel', '2025-02-10', 'Lab result');
    const invoice = await up('March invoice', '2025-03-01', 'Invoice');
    await up('Internal note', '2025-03-02', 'Report', false);
    const deleted = await up('Deleted report', '2025-03-03', 'Report');
    await deleteDocument(getDb(), staff, deleted.id);
    await up('Sibling report', '2025-03-04', 'Report', true, sibling.id);
    await createUploadIntent(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report'), { title: 'Pending upload' }), name: 'p.pdf', size: 100, declaredType: 'application/pdf' });
    await getDb().update(documentTypes).set({ hiddenFromPortal: true }).where(and(eq(documentTypes.tenantId, clinic.id), eq(documentTypes.id, typeId('Invoice'))));

    const all = await listPortalDocuments(getDb(), scope);
    expect(all.map((d) => d.id)).toEqual([newer.id, older.id]);
    expect(all.map((d) => d.title)).not.toContain(invoice.title);
    expect((await listPortalDocuments(getDb(), scope, { q: 'lipid' })).map((d) => d.id)).toEqual([newer.id]);
    expect((await listPortalDocuments(getDb(), scope, { q: 'lab res' })).map((d) => d.id)).toEqual([newer.id]);
    expect((await listPortalDocuments(getDb(), scope, { q: '%' }))).toHaveLength(0);
    expect((await listPortalDocuments(getDb(), scope, { typeId: typeId('Report') })).map((d) => d.id)).toEqual([older.id]);
    expect((await listPortalDocuments(getDb(), scope, { from: '2025-01-01', to: '2025-12-31' })).map((d) => d.id)).toEqual([newer.id]);

    // Downloads follow the same rules.
    const download = await authorizeDocumentDownload(getDb(), { kind: 'portal', ctx: scope }, newer.id, { view: true });
    expect(download).toMatchObject({ id: newer.id, contentType: 'application/pdf' });
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.downloaded'), eq(auditLog.targetId, newer.id)));
    expect(audit).toMatchObject({ actorKind: 'patient', actorId: account.id, patientId: patient.id });
    for (const hidden of [invoice.id, deleted.id]) {
      await expect(authorizeDocumentDownload(getDb(), { kind: 'portal', ctx: scope }, hidden)).rejects.toBeInstanceOf(NotFoundError);
    }
  });

  it('answers not-found for another patient’s document and for a patient the account is not linked to', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const mine = await createPortalAccount(clinic, { email: `m${++counter}@example.test`, phone: '+12175550101', password: 'Sunrise-2025' });
    const theirs = await createPortalAccount(clinic, { email: `t${++counter}@example.test`, phone: '+12175550102', password: 'Sunrise-2025' });
    const doc = await uploadDocument(getDb(), staff, { patientId: theirs.patient.id, ...meta(typeId('Report')), file: { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' } });
    await expect(authorizeDocumentDownload(getDb(), { kind: 'portal', ctx: portalContext(clinic, mine.account.id, mine.patient.id) }, doc.id))
      .rejects.toBeInstanceOf(NotFoundError);
    // A forged scope naming the other patient fails the link check.
    await expect(authorizeDocumentDownload(getDb(), { kind: 'portal', ctx: portalContext(clinic, mine.account.id, theirs.patient.id) }, doc.id))
      .rejects.toBeInstanceOf(NotFoundError);
    await expect(listPortalDocuments(getDb(), portalContext(clinic, mine.account.id, theirs.patient.id)))
      .rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('across clinics', () => {
  it('clinic A’s staff get not-found for clinic B’s patient and document ids', async () => {
    const a = await clinicWithStaff();
    const b = await clinicWithStaff();
    const patientB = await addPatient(b.clinic);
    const docB = await uploadDocument(getDb(), b.staff, { patientId: patientB.id, ...meta(b.typeId('Report')), file: { bytes: PDF_BYTES, name: 'b.pdf', declaredType: 'application/pdf' } });
    const file = { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' };

    await expect(listPatientDocuments(getDb(), a.staff, patientB.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(uploadDocument(getDb(), a.staff, { patientId: patientB.id, ...meta(a.typeId('Report')), file })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createUploadIntent(getDb(), a.staff, { patientId: patientB.id, ...meta(a.typeId('Report')), name: 'a.pdf', size: 10, declaredType: 'application/pdf' }))
      .rejects.toBeInstanceOf(NotFoundError);
    await expect(authorizeDocumentDownload(getDb(), { kind: 'staff', ctx: a.staff }, docB.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateDocument(getDb(), a.staff, docB.id, { ...meta(a.typeId('Report')) })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteDocument(getDb(), a.staff, docB.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(confirmUpload(getDb(), a.staff, docB.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(authorizeDocumentDownload(getDb(), { kind: 'portal', ctx: portalContext(a.clinic, a.staff.actor.id, patientB.id) }, docB.id))
      .rejects.toBeInstanceOf(NotFoundError);
    expect((await documentRows(b.clinic.id))[0]).toMatchObject({ deletedAt: null, title: 'Blood panel' });
  });

  it('staff downloads need documents.view and are audited', async () => {
    const { clinic, staff, typeId } = await clinicWithStaff();
    const patient = await addPatient(clinic);
    const doc = await uploadDocument(getDb(), staff, { patientId: patient.id, ...meta(typeId('Report')), file: { bytes: PDF_BYTES, name: 'a.pdf', declaredType: 'application/pdf' } });
    const marketing = await createStaffContext(clinic, 'marketing');
    await expect(authorizeDocumentDownload(getDb(), { kind: 'staff', ctx: marketing }, doc.id)).rejects.toBeInstanceOf(ForbiddenError);
    const support = await createStaffContext(clinic, 'support');
    expect((await authorizeDocumentDownload(getDb(), { kind: 'staff', ctx: support }, doc.id)).storageKey).toBe(doc.storageKey);
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.action, 'document.downloaded'), eq(auditLog.actorId, support.actor.id)));
    expect(audit).toMatchObject({ patientId: patient.id, targetId: doc.id });
  });
});
