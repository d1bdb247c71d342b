import type { DocumentField } from './upload-rules';

export type DocumentErrorCode =
  | 'empty'
  | 'too_large'
  | 'use_direct_upload'
  | 'unsupported_type'
  | 'invalid_input'
  | 'unknown_type'
  | 'upload_incomplete'
  | 'upload_expired';

/** Refused input, with a message for the person and the form field it belongs to. */
export class DocumentInputError extends Error {
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
    readonly field: DocumentField | null = 'file',
  ) {
    super(message);
    this.name = 'DocumentInputError';
  }
}
