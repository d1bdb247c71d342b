import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { and, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { documents, type DocumentRow } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { ObjectTooLargeError, type PresignedUpload } from '@/lib/storage/object-store';
import { auditStaff, DocumentAuditActions, maxUploadBytes } from './document-scope';
import { DocumentInputError } from './errors';
import { assertSizeAllowed, detectDocumentType, sanitizeFilename, SNIFF_BYTES } from './file-checks';
import { publishVerifiedDocument } from './publish';
import { checkUploadRequest, documentStorageKey, type DocumentMetadataInput } from './upload-document';
import { ALLOWED_TYPES_LABEL, DIRECT_UPLOAD_EXPIRES_SECONDS, isAllowedDocumentType } from './upload-rules';

/**
 * Large files (over 4 MB) skip the app's 4.5 MB request limit: the browser sends them straight
 * to the store, then asks the app to verify what arrived. Until then the row is `pending`, which
 * no listing, download or notification ever shows.
 */

export type DirectUpload = PresignedUpload | { method: 'PUT'; url: string; headers: Record<string, string> };

export interface UploadIntentInput extends DocumentMetadataInput {
  name: string;
  size: number;
  declaredType: string;
}

export async function createUploadIntent(
  db: Database,
  ctx: StaffContext,
  input: UploadIntentInput,
): Promise<{ documentId: string; upload: DirectUpload }> {
  const { metadata } = await checkUploadRequest(db, ctx, input, input.size);
  // The bytes are checked on confirmation; the declared type only sets the upload's condition.
  if (!isAllowedDocumentType(input.declaredType)) {
    throw new DocumentInputError('unsupported_type', `Choose a ${ALLOWED_TYPES_LABEL} file. Allowed types: PDF, JPG, PNG.`);
  }
  const declaredType = input.declaredType;
  const id = randomUUID();
  const storageKey = documentStorageKey(ctx.tenant.id, input.patientId, id);
  const store = getObjectStore();
  const presigned = await store.presignPut(storageKey, {
    contentType: declaredType,
    maxBytes: input.size,
    expiresSeconds: DIRECT_UPLOAD_EXPIRES_SECONDS,
  });
  await db.transaction(async (tx) => {
    await tx.insert(documents).values({
      tenantId: ctx.tenant.id,
      id,
      patientId: input.patientId,
      typeId: metadata.typeId,
      title: metadata.title,
      examinationDate: metadata.examinationDate,
      visibleToPatient: metadata.visibleToPatient,
      hiddenFromProxies: metadata.hiddenFromProxies,
      notifyPatient: metadata.visibleToPatient && metadata.sendNotification,
      status: 'pending',
      storageKey,
      originalFilename: sanitizeFilename(input.name),
      contentType: declaredType,
      sizeBytes: input.size,
      uploadedByKind: 'staff',
      uploadedById: ctx.actor.id,
    });
    await auditStaff(tx, ctx, DocumentAuditActions.uploadStarted, {
      patientId: input.patientId, documentId: id, details: { declaredType, sizeBytes: input.size },
    });
  });
  const upload: DirectUpload = presigned ?? {
    method: 'PUT',
    url: `/api/documents/upload/${id}`,
    headers: { 'Content-Type': declaredType },
  };
  return { documentId: id, upload };
}

/** The uploader's own pending upload in this clinic, or not-found. */
async function findOwnUpload(db: Database, ctx: StaffContext, documentId: string): Promise<DocumentRow> {
  if (!isUuid(documentId)) throw new NotFoundError('document');
  const [row] = await db
    .select()
    .from(documents)
    .where(and(
      eq(documents.tenantId, ctx.tenant.id),
      eq(documents.id, documentId),
      eq(documents.uploadedByKind, 'staff'),
      eq(documents.uploadedById, ctx.actor.id),
      isNull(documents.deletedAt),
    ));
  if (!row) throw new NotFoundError('document');
  return row;
}

/**
 * The local store's stand-in for a presigned upload (`PUT /api/documents/upload/{id}`): streams
 * the body to disk, refusing more bytes than the intent declared, within the same 5 minutes.
 */
export async function receiveLocalUpload(
  db: Database,
  ctx: StaffContext,
  documentId: string,
  body: Readable,
  declaredLength: number | null,
): Promise<void> {
  assertPermission(ctx, 'documents.upload');
  const row = await findOwnUpload(db, ctx, documentId);
  const store = getObjectStore();
  if (row.status !== 'pending' || store.kind !== 'local') throw new NotFoundError('document');
  if (addSeconds(row.createdAt, DIRECT_UPLOAD_EXPIRES_SECONDS) < now()) {
    throw new DocumentInputError('upload_expired', 'This upload took too long to start. Choose the file again.');
  }
  if (declaredLength !== null && declaredLength > row.sizeBytes) {
    throw new DocumentInputError('too_large', 'The file is larger than announced. Choose the file again.');
  }
  try {
    await store.put(row.storageKey, body, { contentType: row.contentType, contentLength: row.sizeBytes });
  } catch (error) {
    if (error instanceof ObjectTooLargeError) {
      throw new DocumentInputError('too_large', 'The file is larger than announced. Choose the file again.');
    }
    throw error;
  }
}

/** The first `bytes` of a stored object (enough to tell its type). */
export async function readPrefix(key: string, bytes: number): Promise<Buffer> {
  const object = await getObjectStore().get(key, { range: { start: 0, end: bytes - 1 } });
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of object.body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(b);
    total += b.length;
    if (total >= bytes) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(chunks).subarray(0, bytes);
}

/**
 * Step two of a direct upload: the stored object must exist, have the announced size, fit the
 * clinic's limit and be a PDF, JPEG or PNG by its bytes. Then, in one transaction, the row
 * becomes available and the notification is queued. Anything else deletes the object and marks
 * the row `failed` (never shown), and the message says why.
 */
export async function confirmUpload(db: Database, ctx: StaffContext, documentId: string): Promise<DocumentRow> {
  assertPermission(ctx, 'documents.upload');
  const row = await findOwnUpload(db, ctx, documentId);
  if (row.status === 'available') return row;
  if (row.status === 'failed') throw new DocumentInputError('upload_incomplete', 'This upload failed. Choose the file again.');

  const store = getObjectStore();
  const fail = async (error: DocumentInputError): Promise<never> => {
    await store.delete(row.storageKey).catch(() => {});
    await db.transaction(async (tx) => {
      const [failed] = await tx
        .update(documents)
        .set({ status: 'failed', updatedAt: now() })
        .where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, row.id), eq(documents.status, 'pending')))
        .returning({ id: documents.id });
      if (failed) {
        await auditStaff(tx, ctx, DocumentAuditActions.uploadFailed, {
          patientId: row.patientId, documentId: row.id, outcome: 'failure', details: { reason: error.code },
        });
      }
    });
    throw error;
  };

  const head = await store.head(row.storageKey);
  if (!head) return fail(new DocumentInputError('upload_incomplete', 'The file did not arrive. Try uploading it again.'));
  try {
    assertSizeAllowed(head.size, await maxUploadBytes(db, ctx.tenant.id));
  } catch (error) {
    if (error instanceof DocumentInputError) return fail(error);
    throw error;
  }
  if (head.size !== row.sizeBytes) {
    return fail(new DocumentInputError('upload_incomplete', 'The file did not arrive completely. Try uploading it again.'));
  }
  let contentType;
  try {
    contentType = await detectDocumentType(await readPrefix(row.storageKey, Math.min(SNIFF_BYTES, head.size)));
  } catch (error) {
    if (error instanceof DocumentInputError) return fail(error);
    throw error;
  }
  const published = await publishVerifiedDocument(db, ctx, row, {
    contentType,
    sizeBytes: head.size,
    sha256: null,
    auditDetails: contentType !== row.contentType ? { declaredType: row.contentType, detectedType: contentType } : undefined,
  });
  if (published) return published;
  // Someone confirmed (or cleaned up) at the same moment: answer with what the row is now.
  const current = await findOwnUpload(db, ctx, documentId);
  if (current.status === 'available') return current;
  throw new DocumentInputError('upload_incomplete', 'This upload failed. Choose the file again.');
}

/**
 * Removes uploads that never became documents (the browser closed, confirmation failed):
 * their rows and stored objects. For the cron route; safe to run on several instances at once,
 * because a row is deleted only while still pending or failed, and its object only after that.
 */
export async function cleanupAbandonedUploads(db: Database, olderThanMinutes = 60): Promise<{ removed: number }> {
  const cutoff = addSeconds(now(), -olderThanMinutes * 60);
  const store = getObjectStore();
  let removed = 0;
  for (;;) {
    const stale = await db
      .select({ tenantId: documents.tenantId, id: documents.id })
      .from(documents)
      .where(and(inArray(documents.status, ['pending', 'failed']), lt(documents.createdAt, cutoff)))
      .limit(200);
    if (stale.length === 0) break;
    for (const candidate of stale) {
      const [row] = await db
        .delete(documents)
        .where(and(
          eq(documents.tenantId, candidate.tenantId),
          eq(documents.id, candidate.id),
          inArray(documents.status, ['pending', 'failed']),
        ))
        .returning({ tenantId: documents.tenantId, id: documents.id, patientId: documents.patientId, storageKey: documents.storageKey, status: documents.status });
      if (!row) continue;
      // The row is gone either way; an object left behind by a storage error is only bytes
      // nobody can reach, and is logged for an operator.
      await store.delete(row.storageKey).catch((error: unknown) => {
        console.error('abandoned upload: object not deleted', row.storageKey, error instanceof Error ? error.message : error);
      });
      await recordAudit(db, {
        tenantId: row.tenantId, actor: { kind: 'system' }, action: DocumentAuditActions.uploadAbandoned, patientId: row.patientId,
        target: { type: 'document', id: row.id }, details: { status: row.status },
      });
      removed++;
    }
    if (stale.length < 200) break;
  }
  return { removed };
}
