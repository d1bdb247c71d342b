import 'server-only';
import { RuleError } from '@/lib/kernel/errors';
import type { DocumentField, DocumentFieldErrors } from './upload-rules';

export type DocumentErrorCode =
  | 'empty'
  | 'too_large'
  | 'use_direct_upload'
  | 'unsupported_type'
  | 'invalid_input'
  | 'unknown_type'
  | 'upload_incomplete'
  | 'upload_expired';

/**
 * Refused input, with a message for the person and the form field it belongs to. The form's
 * result carries the code too: 'use_direct_upload' tells the upload form to switch paths.
 */
export class DocumentInputError extends RuleError {
  constructor(
    override readonly code: DocumentErrorCode,
    message: string,
    readonly field: DocumentField | null = 'file',
  ) {
    super(code, message, field ? { [field]: message } : undefined, { code });
    // The route handler and the portal's upload read the sentence as the error's message.
    this.message = message;
    this.name = 'DocumentInputError';
  }
}

/** Several metadata fields to fix at once (a request that skipped the form's own checks). */
export class DocumentFieldsError extends RuleError {
  constructor(fieldErrors: DocumentFieldErrors) {
    super('invalid_input', 'Check the highlighted fields.', fieldErrors);
    this.name = 'DocumentFieldsError';
  }
}
