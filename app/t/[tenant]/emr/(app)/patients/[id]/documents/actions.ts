'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction, staffCall } from '@/lib/actions/wrappers';
import { confirmUpload, createUploadIntent } from '@/lib/documents/direct-upload';
import { DocumentInputError } from '@/lib/documents/errors';
import type { DocumentFormState, UploadIntentResult } from '@/lib/documents/form-state';
import { deleteDocument, updateDocument } from '@/lib/documents/staff-documents';
import { documentMetadataFrom, uploadDocument } from '@/lib/documents/upload-document';
import {
  documentEditSchema, documentUploadSchema, formatBytes, SERVER_ACTION_MAX_BYTES, uploadIntentSchema,
} from '@/lib/documents/upload-rules';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import { z } from '@/lib/validation/zod';

const uploading = {
  area: 'emr',
  permission: 'documents.upload',
  messages: { notFound: 'This patient or document no longer exists.', forbidden: 'You don’t have permission to change documents.' },
} as const;

/** After a successful change: fresh list, and any notification it queued goes out right away. */
function refresh(patientId: string): void {
  revalidatePath(`/emr/patients/${patientId}/documents`);
  dispatchSoon();
}

/** Small files (≤ 4 MB) in one request. The clinic comes from the host, the actor from the session. */
export const uploadDocumentAction = staffAction({ ...uploading, schema: documentUploadSchema }, async (ctx, { patientId, file, ...metadata }): Promise<DocumentFormState> => {
  if (file.size > SERVER_ACTION_MAX_BYTES) {
    throw new DocumentInputError('use_direct_upload', `Files over ${formatBytes(SERVER_ACTION_MAX_BYTES)} are uploaded directly to storage; use the direct upload.`, null);
  }
  const row = await uploadDocument(getDb(), ctx, {
    patientId,
    ...metadata,
    file: { bytes: Buffer.from(await file.arrayBuffer()), name: file.name, declaredType: file.type },
  });
  refresh(patientId);
  return { ok: true, message: `“${row.title}” uploaded.` };
});

const NOT_UNDERSTOOD = 'The upload request was not understood. Reload the page and try again.';

/** Step one of a large upload: a pending row and where to send the bytes. */
export const createUploadIntentAction = staffCall(
  { ...uploading, schema: uploadIntentSchema(NOT_UNDERSTOOD), messages: { ...uploading.messages, invalid: NOT_UNDERSTOOD } },
  async (ctx, { metadata, ...file }): Promise<UploadIntentResult> => {
    const intent = await createUploadIntent(getDb(), ctx, { ...file, ...documentMetadataFrom(metadata) });
    return { ok: true, ...intent };
  },
);

const UPLOAD_GONE = 'This upload no longer exists. Choose the file again.';

/** Step two: verify what arrived; only then is it a document. */
export const confirmUploadAction = staffCall(
  { ...uploading, schema: z.object({ documentId: z.uuid(UPLOAD_GONE) }, { error: UPLOAD_GONE }), messages: { ...uploading.messages, invalid: UPLOAD_GONE } },
  async (ctx, { documentId }): Promise<DocumentFormState> => {
    const row = await confirmUpload(getDb(), ctx, documentId);
    refresh(row.patientId);
    return { ok: true, message: `“${row.title}” uploaded.` };
  },
);

export const updateDocumentAction = staffAction({ ...uploading, schema: documentEditSchema }, async (ctx, { documentId, ...metadata }): Promise<DocumentFormState> => {
  const row = await updateDocument(getDb(), ctx, documentId, metadata);
  refresh(row.patientId);
  return { ok: true, message: 'Changes saved.' };
});

const DOCUMENT_GONE = 'This document no longer exists.';

export const deleteDocumentAction = staffAction(
  {
    ...uploading,
    schema: z.object({ patientId: z.uuid(DOCUMENT_GONE), documentId: z.uuid(DOCUMENT_GONE) }),
    messages: { ...uploading.messages, invalid: DOCUMENT_GONE },
  },
  async (ctx, { patientId, documentId }): Promise<DocumentFormState> => {
    await deleteDocument(getDb(), ctx, documentId);
    refresh(patientId);
    return { ok: true, message: 'Document deleted.' };
  },
);
