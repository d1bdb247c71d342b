import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { and, eq } from 'drizzle-orm';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { documents, documentTypes, outboxMessages } from '@/db/schema';
import { addSeconds, now, setClockForTests } from '@/lib/clock';
import { openPortalThread, replyAsPatient } from '@/lib/conversations/portal';
import { openStaffThread, replyAsStaff, startStaffConversation } from '@/lib/conversations/staff';
import { cleanupAbandonedUploads, confirmUpload, createUploadIntent, type DirectUpload } from '@/lib/documents/direct-upload';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { listPatientDocuments } from '@/lib/documents/staff-documents';
import { uploadDocument } from '@/lib/documents/upload-document';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { S3ObjectStore } from '@/lib/storage/s3-object-store';
import { FaultyS3 } from '../support/fault-servers';
import { createStaffContext } from '../support/staff-context';
import { PDF_BYTES, PNG_BYTES } from '../support/document-files';
import { attachmentsOf, file, household, messagesOf, messagingClinic, pdf } from './conversations-fixtures';

/**
 * S3 failing while files are uploaded: s3rver (a local S3) behind an endpoint that answers 500,
 * drops connections or stalls on purpose, then recovers. Whatever fails must leave nothing a
 * patient or staff member can see (no document, no message, no attachment, no notification),
 * and the same upload must succeed once S3 is back.
 */

const BUCKET = 'carebridge-faults';
let server: S3rver;
let dataDir: string;
let faulty: FaultyS3;
/** The app's store, talking to the failing endpoint. */
let store: S3ObjectStore;
/** Straight to s3rver: what is really in the bucket. */
let bucket: S3ObjectStore;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cb-faults-s3-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dataDir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  faulty = new FaultyS3({ host: '127.0.0.1', port });
  const endpoint = await faulty.start();
  // s3rver's fixed credentials.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  store = new S3ObjectStore({ bucket: BUCKET, region: 'us-east-1', endpoint, ...credentials });
  bucket = new S3ObjectStore({ bucket: BUCKET, region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, ...credentials });
  setObjectStoreForTests(store);
});

afterAll(async () => {
  setObjectStoreForTests(undefined);
  store?.client.destroy();
  bucket?.client.destroy();
  await faulty?.stop();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(() => {
  faulty.mode = 'forward';
  faulty.writePlan = [];
  faulty.dropConnections();
  setClockForTests(undefined);
});

async function objectsUnder(prefix: string): Promise<string[]> {
  const out = await bucket.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function outboxOf(tenantId: string) {
  return getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenantId));
}

/** A clinic, Maria with her portal account, and staff who upload to her chart. */
async function setup() {
  const { clinic, support } = await messagingClinic('all_clients');
  const { maria, asMaria } = await household(clinic);
  const [labResult] = await getDb().select().from(documentTypes)
    .where(and(eq(documentTypes.tenantId, clinic.id), eq(documentTypes.name, 'Lab result')));
  const staff = await createStaffContext(clinic, 'operations');
  const upload = () => uploadDocument(getDb(), staff, {
    patientId: maria.id, typeId: labResult!.id, title: 'Blood panel', examinationDate: '2025-03-04',
    visibleToPatient: true, sendNotification: true,
    file: { bytes: PDF_BYTES, name: 'results.pdf', declaredType: 'application/pdf' },
  });
  /** What anyone can see: the chart's list, the portal's list, the rows, the bucket, the outbox. */
  const visible = async () => ({
    staff: (await listPatientDocuments(getDb(), staff, maria.id)).map((d) => d.title),
    portal: (await listPortalDocuments(getDb(), asMaria)).map((d) => d.title),
    rows: (await getDb().select().from(documents).where(eq(documents.tenantId, clinic.id))).map((d) => d.status),
    objects: await objectsUnder(`${clinic.id}/`),
    notifications: (await outboxOf(clinic.id)).map((m) => m.idempotencyKey.split(':').slice(0, 2).join(':')),
  });
  const intent = () => createUploadIntent(getDb(), staff, {
    patientId: maria.id, typeId: labResult!.id, title: 'Blood panel', examinationDate: '2025-03-04',
    visibleToPatient: true, sendNotification: true, name: 'results.pdf', size: PDF_BYTES.length, declaredType: 'application/pdf',
  });
  const confirm = (documentId: string) => confirmUpload(getDb(), staff, documentId);
  return { clinic, support, upload, intent, confirm, visible };
}

/** PUTs the proxy has seen. Its log spans the whole file: wait for a count above the one before. */
const puts = () => faulty.requests.filter((r) => r.method === 'PUT').length;

const nothing = { staff: [], portal: [], rows: [], objects: [], notifications: [] };
/** The patient's "new document" notifications (one per channel), all for this document. */
const notifiedAbout = (documentId: string) => expect.arrayContaining([`document:${documentId}`]);

describe('a document uploaded while S3 fails', () => {
  it.each([
    ['answers 500', 'error'],
    ['drops the connection', 'reset'],
  ] as const)('S3 %s: the upload fails, nothing is visible or queued; the retry after recovery succeeds', async (_label, mode) => {
    const { upload, visible } = await setup();
    faulty.mode = mode;
    await expect(upload()).rejects.toThrow();
    expect(faulty.failedWrites()).toBeGreaterThan(0);
    expect(await visible()).toEqual(nothing);

    faulty.mode = 'forward';
    const row = await upload();
    expect(row.status).toBe('available');
    const after = await visible();
    expect(after).toMatchObject({ staff: ['Blood panel'], portal: ['Blood panel'], rows: ['available'], notifications: notifiedAbout(row.id) });
    expect(new Set(after.notifications)).toEqual(new Set([`document:${row.id}`]));
    expect(after.objects).toHaveLength(1);
    expect(await bucket.head(row.storageKey)).toEqual({ size: PDF_BYTES.length, contentType: 'application/pdf' });
  });

  it('S3 stalls mid-upload: the pending row is seen by nobody, and the upload completes once S3 answers again', async () => {
    const { upload, visible } = await setup();
    faulty.mode = 'hang';
    const putsBefore = puts();
    const pending = upload();
    pending.catch(() => {});
    await expect.poll(puts).toBeGreaterThan(putsBefore);
    const during = await visible();
    expect(during).toEqual({ ...nothing, rows: ['pending'] });

    // The stalled connection drops; the SDK's retry reaches a working S3.
    faulty.mode = 'forward';
    faulty.dropConnections();
    const row = await pending;
    expect(row.status).toBe('available');
    expect(await visible()).toMatchObject({ staff: ['Blood panel'], portal: ['Blood panel'], rows: ['available'], notifications: notifiedAbout(row.id) });
  });

  it('a stalled upload is removed by the cron cleanup, and does not come back when S3 finally answers', async () => {
    const { clinic, upload, visible } = await setup();
    // Every write attempt stalls (the SDK makes up to three); reads and deletes work.
    faulty.writePlan = ['hang', 'hang', 'hang'];
    const putsBefore = puts();
    const stalled = upload();
    stalled.catch(() => {});
    await expect.poll(puts).toBeGreaterThan(putsBefore);
    expect((await visible()).rows).toEqual(['pending']);

    // An hour later the cron removes the pending row.
    setClockForTests(() => addSeconds(new Date(), 61 * 60));
    expect(now().getTime()).toBeGreaterThan(Date.now());
    expect((await cleanupAbandonedUploads(getDb())).removed).toBe(1);
    expect(await visible()).toEqual(nothing);

    // Then the stalled request ends and the SDK's retry stores the bytes: the upload finds its
    // row gone, fails, and removes the object it just wrote.
    faulty.writePlan = [];
    faulty.dropConnections();
    await expect(stalled).rejects.toThrow('document was not pending');
    expect(await visible()).toEqual(nothing);
    expect(await objectsUnder(`${clinic.id}/`)).toEqual([]);
  });
});

describe('a direct (browser to S3) upload while S3 fails', () => {
  function post(upload: DirectUpload): Promise<Response> {
    if (upload.method !== 'POST') throw new Error('expected a presigned POST');
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(PDF_BYTES)], { type: 'application/pdf' }), 'results.pdf');
    return fetch(upload.url, { method: 'POST', body: form });
  }

  it('the browser\'s POST fails: confirmation marks the upload failed, nothing is visible; a new upload succeeds', async () => {
    const { intent, confirm, visible } = await setup();
    const first = await intent();
    faulty.mode = 'error';
    expect((await post(first.upload)).status).toBe(500);
    faulty.mode = 'forward';
    await expect(confirm(first.documentId)).rejects.toMatchObject({ code: 'upload_incomplete' });
    expect(await visible()).toEqual({ ...nothing, rows: ['failed'] });

    const second = await intent();
    expect((await post(second.upload)).ok).toBe(true);
    expect(await confirm(second.documentId)).toMatchObject({ status: 'available' });
    expect(await visible()).toMatchObject({ staff: ['Blood panel'], portal: ['Blood panel'], notifications: notifiedAbout(second.documentId) });
  });

  it('S3 fails while the upload is confirmed: the row stays pending and unseen, and confirming again after recovery publishes it', async () => {
    const { intent, confirm, visible } = await setup();
    const { documentId, upload } = await intent();
    expect((await post(upload)).ok).toBe(true);
    faulty.mode = 'error';
    await expect(confirm(documentId)).rejects.toThrow();
    const during = await visible();
    expect(during).toMatchObject({ staff: [], portal: [], rows: ['pending'], notifications: [] });
    // The bytes are kept: S3 failing is not the uploader's fault.
    expect(during.objects).toHaveLength(1);

    faulty.mode = 'forward';
    expect(await confirm(documentId)).toMatchObject({ status: 'available' });
    expect(await visible()).toMatchObject({ staff: ['Blood panel'], portal: ['Blood panel'], rows: ['available'], notifications: notifiedAbout(documentId) });
  });
});

describe('message attachments sent while S3 fails', () => {
  async function started() {
    const { clinic, support } = await messagingClinic('all_clients');
    const family = await household(clinic);
    const result = await startStaffConversation(getDb(), support, { patientId: family.maria.id, subject: 'Forms', body: 'Please send the forms' });
    if (!result.ok) throw new Error(result.message);
    const conversationId = result.conversationId;
    /** The thread as staff and as the patient see it, the rows, the bucket and the outbox. */
    const visible = async () => ({
      staffView: (await openStaffThread(getDb(), support, conversationId)).messages.map((m) => [m.body, m.attachments.length]),
      patientView: (await openPortalThread(getDb(), family.asMaria, conversationId)).messages.map((m) => [m.body, m.attachments.length]),
      messages: (await messagesOf(clinic.id, conversationId)).length,
      attachments: (await attachmentsOf(clinic.id)).length,
      objects: await objectsUnder(`${clinic.id}/`),
      notifications: (await outboxOf(clinic.id)).length,
    });
    return { clinic, support, ...family, conversationId, visible };
  }

  it.each([
    ['answers 500', 'error'],
    ['drops the connection', 'reset'],
  ] as const)('S3 %s: the reply fails and leaves nothing; the retry after recovery goes through', async (_label, mode) => {
    const { asMaria, conversationId, visible } = await started();
    const before = await visible();
    faulty.mode = mode;
    await expect(replyAsPatient(getDb(), asMaria, conversationId, { body: 'Here they are', files: [pdf('form.pdf')] })).rejects.toThrow();
    expect(await visible()).toEqual(before);

    faulty.mode = 'forward';
    expect(await replyAsPatient(getDb(), asMaria, conversationId, { body: 'Here they are', files: [pdf('form.pdf')] })).toMatchObject({ ok: true });
    const after = await visible();
    expect(after.staffView.at(-1)).toEqual(['Here they are', 1]);
    expect(after.patientView.at(-1)).toEqual(['Here they are', 1]);
    expect(after).toMatchObject({ messages: before.messages + 1, attachments: 1 });
    expect(after.objects).toHaveLength(1);
  });

  it('the second file fails after the first was stored: the first is removed, no message, no notification', async () => {
    const { support, conversationId, visible } = await started();
    const before = await visible();
    // The first PUT goes through; the second fails on every SDK attempt.
    faulty.writePlan = ['forward', 'error', 'error', 'error', 'error'];
    await expect(replyAsStaff(getDb(), support, conversationId, {
      body: 'Your results', files: [pdf('results.pdf'), file(PNG_BYTES, 'scan.png', 'image/png')],
    })).rejects.toThrow();
    expect(await visible()).toEqual(before);

    expect(await replyAsStaff(getDb(), support, conversationId, {
      body: 'Your results', files: [pdf('results.pdf'), file(PNG_BYTES, 'scan.png', 'image/png')],
    })).toMatchObject({ ok: true });
    const after = await visible();
    expect(after.patientView.at(-1)).toEqual(['Your results', 2]);
    expect(after.objects).toHaveLength(2);
    // The staff message's notification to the patient is queued once, for the message that exists.
    expect(after.notifications).toBeGreaterThan(before.notifications);
  });
});
