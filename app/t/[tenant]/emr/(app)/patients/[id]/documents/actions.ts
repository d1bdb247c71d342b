'use server';

import { revalidatePath } from 'next/cache';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { confirmUpload, createUploadIntent, type DirectUpload } from '@/lib/documents/direct-upload';
import { DocumentInputError } from '@/lib/documents/errors';
import { deleteDocument, updateDocument } from '@/lib/documents/staff-documents';
import { uploadDocument } from '@/lib/documents/upload-document';
import {
  documentMetadataSchema,
  fieldErrorsFromZod,
  formatBytes,
  metadataFromForm,
  SERVER_ACTION_MAX_BYTES,
  type DocumentFieldErrors,
} from '@/lib/documents/upload-rules';

export interface DocumentFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: DocumentFieldErrors;
  /** 'use_direct_upload' tells the form to switch to the direct upload. */
  code?: string;
}

const ids = z.object({ patientId: z.uuid() });

function failure(error: unknown): DocumentFormState {
  if (error instanceof DocumentInputError) {
    return { ok: false, code: error.code, message: error.message, fieldErrors: error.field ? { [error.field]: error.message } : undefined };
  }
  if (error instanceof NotFoundError) return { ok: false, message: 'This patient or document no longer exists.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to change documents.' };
  // Name and Postgres code only: a failed query's message quotes its parameters (PHI).
  const code = (error as { cause?: { code?: string } }).cause?.code;
  console.error(`document action failed (${error instanceof Error ? error.name : 'unknown'}${code ? ` ${code}` : ''})`);
  return { ok: false, message: 'The document could not be saved. Nothing was changed; please try again.' };
}

/** After a successful change: fresh list, and any notification it queued goes out right away. */
function refresh(patientId: string): void {
  revalidatePath(`/emr/patients/${patientId}/documents`);
  dispatchSoon();
}

/** Small files (≤ 4 MB) in one request. The clinic comes from the host, the actor from the session. */
export async function uploadDocumentAction(_: DocumentFormState, form: FormData): Promise<DocumentFormState> {
  const ctx = await requireStaff('emr', 'documents.upload');
  const patient = ids.safeParse({ patientId: form.get('patientId') });
  if (!patient.success) return { ok: false, message: 'This patient no longer exists.' };
  const metadata = documentMetadataSchema.safeParse(metadataFromForm(form));
  const file = form.get('file');
  const fieldErrors: DocumentFieldErrors = metadata.success ? {} : fieldErrorsFromZod(metadata.error);
  if (!(file instanceof File) || file.size === 0) fieldErrors.file = file instanceof File ? 'The file is empty. Choose a PDF, JPG or PNG file.' : 'Choose a file.';
  else if (file.size > SERVER_ACTION_MAX_BYTES) {
    return {
      ok: false,
      code: 'use_direct_upload',
      message: `Files over ${formatBytes(SERVER_ACTION_MAX_BYTES)} are uploaded directly to storage; use the direct upload.`,
    };
  }
  if (!metadata.success || Object.keys(fieldErrors).length > 0) {
    return { ok: false, fieldErrors, message: 'Check the highlighted fields.' };
  }
  const upload = file as File;
  try {
    const row = await uploadDocument(getDb(), ctx, {
      patientId: patient.data.patientId,
      ...metadata.data,
      file: { bytes: Buffer.from(await upload.arrayBuffer()), name: upload.name, declaredType: upload.type },
    });
    refresh(patient.data.patientId);
    return { ok: true, message: `“${row.title}” uploaded.` };
  } catch (error) {
    return failure(error);
  }
}

export type UploadIntentResult =
  | { ok: true; documentId: string; upload: DirectUpload }
  | ({ ok: false } & DocumentFormState);

const intentSchema = z.object({
  patientId: z.uuid(),
  name: z.string().max(1000),
  size: z.number().int().nonnegative(),
  declaredType: z.string().max(100),
  metadata: z.unknown(),
});

/** Step one of a large upload: a pending row and where to send the bytes. */
export async function createUploadIntentAction(input: unknown): Promise<UploadIntentResult> {
  const ctx = await requireStaff('emr', 'documents.upload');
  const parsed = intentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: 'The upload request was not understood. Reload the page and try again.' };
  const metadata = documentMetadataSchema.safeParse(parsed.data.metadata);
  if (!metadata.success) return { ok: false, fieldErrors: fieldErrorsFromZod(metadata.error), message: 'Check the highlighted fields.' };
  try {
    const { patientId, name, size, declaredType } = parsed.data;
    const intent = await createUploadIntent(getDb(), ctx, { patientId, ...metadata.data, name, size, declaredType });
    return { ok: true, ...intent };
  } catch (error) {
    return { ...failure(error), ok: false };
  }
}

/** Step two: verify what arrived; only then is it a document. */
export async function confirmUploadAction(input: unknown): Promise<DocumentFormState> {
  const ctx = await requireStaff('emr', 'documents.upload');
  const parsed = z.object({ documentId: z.uuid() }).safeParse(input);
  if (!parsed.success) return { ok: false, message: 'This upload no longer exists. Choose the file again.' };
  try {
    const row = await confirmUpload(getDb(), ctx, parsed.data.documentId);
    refresh(row.patientId);
    return { ok: true, message: `“${row.title}” uploaded.` };
  } catch (error) {
    return failure(error);
  }
}

export async function updateDocumentAction(_: DocumentFormState, form: FormData): Promise<DocumentFormState> {
  const ctx = await requireStaff('emr', 'documents.upload');
  const parsed = z.object({ patientId: z.uuid(), documentId: z.uuid() }).safeParse({ patientId: form.get('patientId'), documentId: form.get('documentId') });
  if (!parsed.success) return { ok: false, message: 'This document no longer exists.' };
  const metadata = documentMetadataSchema.safeParse(metadataFromForm(form));
  if (!metadata.success) return { ok: false, fieldErrors: fieldErrorsFromZod(metadata.error), message: 'Check the highlighted fields.' };
  try {
    await updateDocument(getDb(), ctx, parsed.data.documentId, metadata.data);
    refresh(parsed.data.patientId);
    return { ok: true, message: 'Changes saved.' };
  } catch (error) {
    return failure(error);
  }
}

export async function deleteDocumentAction(_: DocumentFormState, form: FormData): Promise<DocumentFormState> {
  const ctx = await requireStaff('emr', 'documents.upload');
  const parsed = z.object({ patientId: z.uuid(), documentId: z.uuid() }).safeParse({ patientId: form.get('patientId'), documentId: form.get('documentId') });
  if (!parsed.success) return { ok: false, message: 'This document no longer exists.' };
  try {
    await deleteDocument(getDb(), ctx, parsed.data.documentId);
    refresh(parsed.data.patientId);
    return { ok: true, message: 'Document deleted.' };
  } catch (error) {
    return failure(error);
  }
}
