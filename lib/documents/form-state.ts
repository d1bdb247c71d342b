import 'server-only';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { DirectUpload } from './direct-upload';
import type { DocumentFieldErrors } from './upload-rules';

/** What the staff document forms show after an action. Browser-safe: types only. */
export interface DocumentFormState extends ActionState {
  fieldErrors?: DocumentFieldErrors;
  /** 'use_direct_upload' tells the form to switch to the direct upload. */
  code?: string;
}

/** The direct upload's first step: where the browser sends the bytes, or why it may not. */
export type UploadIntentResult =
  | { ok: true; documentId: string; upload: DirectUpload }
  | ({ ok: false } & DocumentFormState);

/** The upload form's three server calls, handed to it by the page. */
export interface DocumentUploadActions {
  upload: FormAction<DocumentFormState>;
  createIntent: (input: { patientId: string; name: string; size: number; declaredType: string; metadata: unknown }) => Promise<UploadIntentResult>;
  confirm: (input: { documentId: string }) => Promise<DocumentFormState>;
}
