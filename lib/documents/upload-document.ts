import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { documents, type DocumentRow } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { maxUploadBytes, requireActiveType, requirePatient } from './document-scope';
import { DocumentFieldsError, DocumentInputError } from './errors';
import { assertSizeAllowed, detectDocumentType, sanitizeFilename, sha256Hex } from './file-checks';
import { publishVerifiedDocument } from './publish';
import { documentMetadataSchema, fieldErrorsFromZod, formatBytes, SERVER_ACTION_MAX_BYTES, type DocumentMetadata } from './upload-rules';

export interface DocumentMetadataInput {
  patientId: string;
  typeId: string;
  title: string;
  examinationDate: string;
  visibleToPatient: boolean;
  sendNotification: boolean;
  /** Hidden from every account acting for the patient (absent: false). */
  hiddenFromProxies?: boolean;
}

export interface UploadDocumentInput extends DocumentMetadataInput {
  file: { bytes: Buffer; name: string; declaredType: string };
}

/** Re-checks the form's fields on the server; the first problem becomes a field error. */
export function parseDocumentMetadata(input: Omit<DocumentMetadataInput, 'patientId'>): DocumentMetadata {
  const parsed = documentMetadataSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DocumentInputError('invalid_input', issue.message, (issue.path[0] as keyof DocumentMetadata | undefined) ?? null);
  }
  return parsed.data;
}

/** Metadata sent as JSON by the upload form (direct upload): every problem as a field error. */
export function documentMetadataFrom(value: unknown): DocumentMetadata {
  const parsed = documentMetadataSchema.safeParse(value);
  if (!parsed.success) throw new DocumentFieldsError(fieldErrorsFromZod(parsed.error));
  return parsed.data;
}

/** Server-generated; nothing the uploader chose is part of it. */
export function documentStorageKey(tenantId: string, patientId: string, documentId: string): string {
  return `${tenantId}/${patientId}/${documentId}`;
}

/** Checks shared by both upload paths, before anything is written. */
export async function checkUploadRequest(db: Database, ctx: StaffContext, input: DocumentMetadataInput, size: number) {
  assertPermission(ctx, 'documents.upload');
  await requirePatient(db, ctx, input.patientId);
  const metadata = parseDocumentMetadata(input);
  const type = await requireActiveType(db, ctx.tenant.id, metadata.typeId);
  assertSizeAllowed(size, await maxUploadBytes(db, ctx.tenant.id));
  return { metadata, type };
}

/**
 * A small file sent through a server action (at most 4 MB: Vercel takes 4.5 MB a request).
 * Every refusal happens before anything is written; a storage failure leaves no row and no
 * object behind.
 */
export async function uploadDocument(db: Database, ctx: StaffContext, input: UploadDocumentInput): Promise<DocumentRow> {
  const { metadata } = await checkUploadRequest(db, ctx, input, input.file.bytes.length);
  if (input.file.bytes.length > SERVER_ACTION_MAX_BYTES) {
    throw new DocumentInputError(
      'use_direct_upload',
      `Files over ${formatBytes(SERVER_ACTION_MAX_BYTES)} are uploaded directly to storage; use the direct upload.`,
    );
  }
  const contentType = await detectDocumentType(input.file.bytes);
  const declaredType = input.file.declaredType.slice(0, 100);

  const id = randomUUID();
  const storageKey = documentStorageKey(ctx.tenant.id, input.patientId, id);
  const [pending] = await db
    .insert(documents)
    .values({
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
      originalFilename: sanitizeFilename(input.file.name),
      contentType,
      sizeBytes: input.file.bytes.length,
      uploadedByKind: 'staff',
      uploadedById: ctx.actor.id,
    })
    .returning();

  const store = getObjectStore();
  try {
    await store.put(storageKey, input.file.bytes, { contentType, contentLength: input.file.bytes.length });
    const row = await publishVerifiedDocument(db, ctx, pending!, {
      contentType,
      sizeBytes: input.file.bytes.length,
      sha256: sha256Hex(input.file.bytes),
      auditDetails: declaredType !== contentType ? { declaredType, detectedType: contentType } : undefined,
    });
    if (!row) throw new Error('document was not pending');
    return row;
  } catch (error) {
    await store.delete(storageKey).catch(() => {});
    await db.delete(documents).where(and(eq(documents.tenantId, ctx.tenant.id), eq(documents.id, id), eq(documents.status, 'pending')));
    throw error;
  }
}
