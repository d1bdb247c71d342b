'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useState } from 'react';
import type { UseFormRegister } from 'react-hook-form';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { DocumentFormState, DocumentUploadActions } from '@/lib/documents/form-state';
import {
  declaredTypeFor,
  documentMetadataSchema,
  documentUploadFormSchema,
  FILE_INPUT_ACCEPT,
  formatBytes,
  SERVER_ACTION_MAX_BYTES,
  type DocumentMetadata,
  type DocumentMetadataFields,
} from '@/lib/documents/upload-rules';
import { useActionForm } from '@/lib/forms/use-action-form';
import { documentFieldErrors, DocumentFields, type DocumentTypeOption } from './document-fields';

interface UploadFormProps {
  patientId: string;
  types: DocumentTypeOption[];
  maxBytes: number;
  actions: DocumentUploadActions;
}

/**
 * Files up to 4 MB go through a server action; larger ones straight to storage (a presigned
 * POST, or the app's upload route for the local store) and are then verified by the server.
 * The browser's checks only save a round trip: the server checks the bytes.
 */
export function DocumentUploadForm(props: UploadFormProps) {
  // After an upload the form starts over (fields, file, visibility); the result stays shown.
  const [round, setRound] = useState<{ key: number; result: DocumentFormState }>({ key: 0, result: {} });
  return <UploadForm key={round.key} {...props} shown={round.result} onUploaded={(result) => setRound((r) => ({ key: r.key + 1, result }))} />;
}

function UploadForm({ patientId, types, maxBytes, actions, shown, onUploaded }: UploadFormProps & {
  shown: DocumentFormState;
  onUploaded: (result: DocumentFormState) => void;
}) {
  const id = useId();
  const router = useRouter();
  const [progress, setProgress] = useState<string | null>(null);
  const schema = useMemo(() => documentUploadFormSchema(maxBytes), [maxBytes]);

  async function uploadDirectly(file: File, metadata: DocumentMetadata): Promise<DocumentFormState> {
    setProgress(`Uploading ${formatBytes(file.size)} directly to storage…`);
    const intent = await actions.createIntent({ patientId, name: file.name, size: file.size, declaredType: declaredTypeFor(file), metadata });
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
    const confirmed = await actions.confirm({ documentId: intent.documentId });
    if (!sent && !confirmed.ok) return { ok: false, message: refusal ?? confirmed.message, fieldErrors: { file: refusal ?? confirmed.message } };
    return confirmed;
  }

  /** Runs once the browser's checks pass (the same rules as the server's). */
  async function send(_previous: DocumentFormState, form: FormData): Promise<DocumentFormState> {
    const upload = form.get('file');
    const metadata = documentMetadataSchema.safeParse(Object.fromEntries(form));
    if (!(upload instanceof File) || !metadata.success) return { ok: false, message: 'Check the highlighted fields.' };
    setProgress('Uploading…');
    try {
      let result = upload.size <= SERVER_ACTION_MAX_BYTES ? await actions.upload({}, form) : await uploadDirectly(upload, metadata.data);
      if (result.code === 'use_direct_upload') result = await uploadDirectly(upload, metadata.data);
      if (result.ok) router.refresh();
      return result;
    } catch {
      return { ok: false, message: 'The upload failed. Nothing was saved; please try again.' };
    } finally {
      setProgress(null);
    }
  }

  const { form, state, pending, formProps, errorFor } = useActionForm(schema, send, { initialState: shown, resetAfterSubmit: false });
  useEffect(() => {
    if (state.ok && state !== shown) onUploaded(state);
  }, [state, shown, onUploaded]);
  const errors = documentFieldErrors(errorFor);
  return (
    <form {...formProps} className="space-y-4" aria-describedby={`${id}-rules`}>
      <input type="hidden" name="patientId" value={patientId} />
      <p id={`${id}-rules`} className="text-sm text-fg-muted">
        PDF, JPG or PNG, up to {formatBytes(maxBytes)}. The file’s contents are checked; the name is kept only as information.
      </p>
      <div>
        <label htmlFor={`${id}-file`} className="block text-sm font-medium">File</label>
        <input
          id={`${id}-file`}
          type="file"
          {...form.register('file')}
          accept={FILE_INPUT_ACCEPT}
          required
          aria-invalid={errors.file ? true : undefined}
          aria-describedby={errors.file ? `${id}-file-error` : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 text-base file:mr-3 file:rounded-md file:border-0 file:bg-surface-muted file:px-3 file:py-1.5 file:font-medium aria-invalid:border-red-600"
        />
        {errors.file ? <p id={`${id}-file-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{errors.file}</p> : null}
      </div>
      {/* The same metadata fields as the edit form; this form has the file besides. */}
      <DocumentFields types={types} register={form.register as unknown as UseFormRegister<DocumentMetadataFields>} errors={errors} />
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Uploading…' : 'Upload document'}</PrimaryButton>
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
