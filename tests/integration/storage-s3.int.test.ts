import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { documents, documentTypes, patients } from '@/db/schema';
import { confirmUpload, createUploadIntent } from '@/lib/documents/direct-upload';
import { DocumentInputError } from '@/lib/documents/errors';
import { getObjectStore, setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { ObjectNotFoundError, type PresignedUpload } from '@/lib/storage/object-store';
import { S3ObjectStore, s3ConfigFromEnv } from '@/lib/storage/s3-object-store';
import { PDF_BYTES, PNG_BYTES, HTML_BYTES, pdfOfSize } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/** The S3 adapter against s3rver (a local S3 implementation) on a random port. */

const BUCKET = 'carebridge-test';
let server: S3rver;
let dataDir: string;
let store: S3ObjectStore;
let endpoint: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cb-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dataDir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  // s3rver's fixed credentials; signatures are checked with them.
  store = new S3ObjectStore({ bucket: BUCKET, region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
});

afterAll(async () => {
  setObjectStoreForTests(undefined);
  store?.client.destroy();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const key = () => `${randomUUID()}/${randomUUID()}/${randomUUID()}`;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function postForm(upload: PresignedUpload, bytes: Buffer, type: string): Promise<Response> {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), 'upload.bin');
  return fetch(upload.url, { method: 'POST', body: form });
}

describe('S3ObjectStore', () => {
  it('reads its configuration from S3_* (path-style when an endpoint is set)', () => {
    expect(s3ConfigFromEnv({})).toBeNull();
    expect(s3ConfigFromEnv({ S3_BUCKET: 'b', S3_ENDPOINT: 'http://minio:9000', S3_REGION: 'eu-central-1' }))
      .toEqual({ bucket: 'b', region: 'eu-central-1', endpoint: 'http://minio:9000', accessKeyId: undefined, secretAccessKey: undefined });
  });

  it('is the store S3_BUCKET chooses, with the SDK loaded at its first call: it reads what the adapter wrote', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });
    setObjectStoreForTests(undefined);
    try {
      const chosen = getObjectStore();
      expect(chosen.kind).toBe('s3');
      const k = key();
      await store.put(k, PDF_BYTES, { contentType: 'application/pdf', contentLength: PDF_BYTES.length });
      expect(await chosen.head(k)).toEqual({ size: PDF_BYTES.length, contentType: 'application/pdf' });
      expect(await readAll((await chosen.get(k)).body)).toEqual(PDF_BYTES);
      await chosen.delete(k);
      expect(await store.head(k)).toBeNull();
    } finally {
      process.env = saved;
      setObjectStoreForTests(undefined);
    }
  });

  it('puts, heads, gets (whole and a range) and deletes; a missing key is null / ObjectNotFoundError', async () => {
    const k = key();
    await store.put(k, PDF_BYTES, { contentType: 'application/pdf', contentLength: PDF_BYTES.length });
    expect(await store.head(k)).toEqual({ size: PDF_BYTES.length, contentType: 'application/pdf' });
    const whole = await store.get(k);
    expect(whole.contentLength).toBe(PDF_BYTES.length);
    expect(await readAll(whole.body)).toEqual(PDF_BYTES);
    const prefix = await store.get(k, { range: { start: 0, end: 7 } });
    expect((await readAll(prefix.body)).toString('latin1')).toBe('%PDF-1.4');
    await store.delete(k);
    expect(await store.head(k)).toBeNull();
    await expect(store.get(k)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await store.delete(k); // deleting twice is fine
  });

  it('stores a streamed body byte for byte (no checksum trailer in the object)', async () => {
    const k = key();
    const bytes = pdfOfSize(300_000);
    await store.put(k, Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), { contentType: 'application/pdf', contentLength: bytes.length });
    expect(await readAll((await store.get(k)).body)).toEqual(bytes);
  });

  it('refuses keys that are not server-shaped', async () => {
    for (const bad of ['../x', '/abs/key', 'a//b', 'a/../b', 'a\\b', '']) {
      await expect(store.put(bad, PDF_BYTES, { contentType: 'application/pdf', contentLength: PDF_BYTES.length })).rejects.toThrow('invalid object key');
    }
  });

  it('presigned POST: the browser form uploads; the policy limits size and type and expires in 5 minutes', async () => {
    const k = key();
    const upload = await store.presignPut(k, { contentType: 'image/png', maxBytes: PNG_BYTES.length, expiresSeconds: 300 });
    expect(upload.method).toBe('POST');
    expect(upload.fields).toMatchObject({ key: k, 'Content-Type': 'image/png' });
    const policy = JSON.parse(Buffer.from(upload.fields.Policy!, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', 1, PNG_BYTES.length], ['eq', '$Content-Type', 'image/png']]));
    const lifetime = Date.parse(policy.expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(290_000);
    expect(lifetime).toBeLessThanOrEqual(300_000);

    const response = await postForm(upload, PNG_BYTES, 'image/png');
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect(await store.head(k)).toEqual({ size: PNG_BYTES.length, contentType: 'image/png' });
  });

  it('presigned POST over the size limit: real S3 refuses it (EntityTooLarge); s3rver does not enforce POST policies', async () => {
    const k = key();
    const upload = await store.presignPut(k, { contentType: 'application/pdf', maxBytes: 100, expiresSeconds: 300 });
    const response = await postForm(upload, pdfOfSize(5000), 'application/pdf');
    // s3rver ignores the `policy` field (lib/controllers/object.js: "unimplemented"), so the
    // oversized upload is stored. The app's confirmation step is what catches it here (below).
    expect(response.ok).toBe(true);
    expect((await store.head(k))?.size).toBe(5000);
  });

  it('presigned GET: valid at most 60 seconds, with the download name and type', async () => {
    const k = key();
    await store.put(k, PNG_BYTES, { contentType: 'image/png', contentLength: PNG_BYTES.length });
    const url = await store.presignGet(k, { expiresSeconds: 3600, filename: 'Röntgen scan.png', contentType: 'image/png' });
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG_BYTES);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="R_ntgen scan.png"; filename*=UTF-8''R%C3%B6ntgen%20scan.png`);
    // Signed 61 seconds ago: expired. (s3rver checks the expiry but not SigV4 signatures
    // themselves, so moving the date stands in for waiting a minute.)
    const late = new URL(url);
    const signedAt = new Date(Date.now() - 61_000).toISOString().replace(/[-:]|\.\d{3}/g, '');
    late.searchParams.set('X-Amz-Date', signedAt);
    const expired = await fetch(late);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });
});

describe('direct upload through S3', () => {
  async function setup() {
    setObjectStoreForTests(store);
    const clinic = await createTestTenant();
    const staff = await createStaffContext(clinic, 'operations');
    const [type] = await getDb().select().from(documentTypes).where(eq(documentTypes.tenantId, clinic.id)).limit(1);
    const [patient] = await getDb()
      .insert(patients)
      .values({ tenantId: clinic.id, recordNumber: `S3-${randomUUID()}`, firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1980-02-03' })
      .returning();
    const intent = (size: number, declaredType = 'application/pdf') =>
      createUploadIntent(getDb(), staff, {
        patientId: patient!.id, typeId: type!.id, title: 'Scan', examinationDate: '2025-01-01', visibleToPatient: true, sendNotification: false,
        name: 'scan.pdf', size, declaredType,
      });
    return { staff, intent };
  }

  it('POSTs to the store with the presigned form, then confirmation verifies size and bytes', async () => {
    const { staff, intent } = await setup();
    const bytes = pdfOfSize(5 * 1024 * 1024);
    const { documentId, upload } = await intent(bytes.length);
    if (upload.method !== 'POST') throw new Error('expected a presigned POST');
    expect((await postForm(upload, bytes, 'application/pdf')).ok).toBe(true);
    const row = await confirmUpload(getDb(), staff, documentId);
    expect(row).toMatchObject({ status: 'available', sizeBytes: bytes.length, contentType: 'application/pdf' });
  });

  it('a larger body than announced, or HTML bytes, fail confirmation: object deleted, row failed', async () => {
    const { staff, intent } = await setup();
    const big = await intent(PDF_BYTES.length);
    if (big.upload.method !== 'POST') throw new Error('expected a presigned POST');
    await postForm(big.upload, pdfOfSize(10_000), 'application/pdf');
    await expect(confirmUpload(getDb(), staff, big.documentId)).rejects.toBeInstanceOf(DocumentInputError);

    const html = await intent(HTML_BYTES.length);
    if (html.upload.method !== 'POST') throw new Error('expected a presigned POST');
    await postForm(html.upload, HTML_BYTES, 'application/pdf');
    await expect(confirmUpload(getDb(), staff, html.documentId)).rejects.toMatchObject({ code: 'unsupported_type' });

    for (const id of [big.documentId, html.documentId]) {
      const [row] = await getDb().select().from(documents).where(eq(documents.id, id));
      expect(row!.status).toBe('failed');
      expect(await store.head(row!.storageKey)).toBeNull();
    }
  });
});
