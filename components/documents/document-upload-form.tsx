'use client';

import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import {
  confirmUploadAction,
  createUploadIntentAction,
  uploadDocumentAction,
  type DocumentFormState,
} from '@/app/t/[tenant]/emr/(app)/patients/[id]/documents/actions';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import {
  ALLOWED_TYPES_LABEL,
  declaredTypeFor,
  documentMetadataSchema,
  fieldErrorsFromZod,
  FILE_INPUT_ACCEPT,
  formatBytes,
  isAllowedDocumentType,
  metadataFromForm,
  SERVER_ACTION_MAX_BYTES,
  type DocumentFieldErrors,
  type DocumentMetadata,
} from '@/lib/documents/upload-rules';
import { DocumentFields, type DocumentTypeOption } from './document-fields';

/**
 * Files up to 4 MB go through a server action; larger ones straight to storage (a presigned
 * POST, or the app's upload route for the local store) and are then verified by the server.
 * The browser's checks only save a round trip: the server checks the bytes.
 */
export function DocumentUploadForm({ patientId, types, maxBytes }: { patientId: string; types: DocumentTypeOption[]; maxBytes: number }) {
  const id = useId();
  const router = useRouter();
  const [state, setState] = useState<DocumentFormState>({});
  const [progress, setProgress] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);

  async function uploadDirectly(file: File, metadata: DocumentMetadata): Promise<DocumentFormState> {
    setProgress(`Uploading ${formatBytes(file.size)} directly to storage…`);
    const intent = await createUploadIntentAction({ patientId, name: file.name, size: file.size, declaredType: declaredTypeFor(file), metadata });
    if (!intent.ok) return intent;
    let sent = false;
    let refusal: string | null = null;
    try {
      const response = intent.upload.method === 'POST'
        ? await fetch(intent.upload.url, { method: 'POST', body: postBody(intent.upload.fields, file) })
        : await fetch(intent.upload.url, { method: 'PUT', headers: intent.upload.headers, body: file });
      sent = response.ok;
      if (!response.ok) refusal = await refusalMessage(response);
    } catch {
      refusal = 'The upload was interrupted. Check the connection and try again.';
    }
    setProgress('Checking the file…');
    // Confirm either way: on a failed transfer the server removes what arrived and says why.
    const confirmed = await confirmUploadAction({ documentId: intent.documentId });
    if (!sent && !confirmed.ok) return { ok: false, message: refusal ?? confirmed.message, fieldErrors: { file: refusal ?? confirmed.message } };
    return confirmed;
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('file');
    const metadata = documentMetadataSchema.safeParse(metadataFromForm(form));
    const fieldErrors: DocumentFieldErrors = metadata.success ? {} : fieldErrorsFromZod(metadata.error);
    if (!(file instanceof File) || file.name === '') fieldErrors.file = 'Choose a file.';
    else if (file.size === 0) fieldErrors.file = `The file is empty. Choose a ${ALLOWED_TYPES_LABEL} file.`;
    else if (file.size > maxBytes) fieldErrors.file = `The file is ${formatBytes(file.size)}; this clinic accepts files up to ${formatBytes(maxBytes)}.`;
    else if (!isAllowedDocumentType(declaredTypeFor(file))) fieldErrors.file = `Choose a ${ALLOWED_TYPES_LABEL} file.`;
    if (!metadata.success || Object.keys(fieldErrors).length > 0) {
      setState({ ok: false, fieldErrors, message: 'Check the highlighted fields.' });
      return;
    }
    const upload = file as File;
    setState({});
    setProgress('Uploading…');
    try {
      let result = upload.size <= SERVER_ACTION_MAX_BYTES ? await uploadDocumentAction({}, form) : await uploadDirectly(upload, metadata.data);
      if (result.code === 'use_direct_upload') result = await uploadDirectly(upload, metadata.data);
      setState(result);
      if (result.ok) {
        setFormKey((k) => k + 1);
        router.refresh();
      }
    } catch {
      setState({ ok: false, message: 'The upload failed. Nothing was saved; please try again.' });
    } finally {
      setProgress(null);
    }
  }

  const errors = state.fieldErrors ?? {};
  return (
    <form key={formKey} onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={`${id}-rules`}>
      <input type="hidden" name="patientId" value={patientId} />
      <p id={`${id}-rules`} className="text-sm text-fg-muted">
        PDF, JPG or PNG, up to {formatBytes(maxBytes)}. The file’s contents are checked; the name is kept only as information.
      </p>
      <div>
        <label htmlFor={`${id}-file`} className="block text-sm font-medium">File</label>
        <input
          id={`${id}-file`}
          type="file"
          name="file"
          accept={FILE_INPUT_ACCEPT}
          required
          aria-invalid={errors.file ? true : undefined}
          aria-describedby={errors.file ? `${id}-file-error` : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium aria-invalid:border-red-600"
        />
        {errors.file ? <p id={`${id}-file-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errors.file}</p> : null}
      </div>
      <DocumentFields types={types} errors={errors} />
      <PrimaryButton type="submit" disabled={progress !== null}>{progress ? 'Uploading…' : 'Upload document'}</PrimaryButton>
      {progress ? <p role="status" className="text-sm text-fg-muted">{progress}</p> : null}
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

/** S3's POST policy: the fields first, the file last. */
function postBody(fields: Record<string, string>, file: File): FormData {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  body.append('file', file);
  return body;
}

async function refusalMessage(response: Response): Promise<string> {
  if (response.headers.get('content-type')?.includes('application/json')) {
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    if (body?.message) return body.message;
  }
  if (response.status === 413 || response.status === 400) return 'The storage service refused the file (size or type). Check the file and try again.';
  if (response.status === 403) return 'The upload link expired. Choose the file again.';
  return 'The file could not be uploaded. Please try again.';
}
