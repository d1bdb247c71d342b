/**
 * File rules shared by the browser forms and the server, with no dependencies: client components
 * import this, so a form does not ship a validation library to a patient's phone.
 */
// The server re-checks everything: the browser's checks only save a round trip.

export const ALLOWED_DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentContentType = (typeof ALLOWED_DOCUMENT_TYPES)[number];
export const ALLOWED_TYPES_LABEL = 'PDF, JPG or PNG';
export const FILE_INPUT_ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';

export const EXTENSION_FOR_TYPE: Record<DocumentContentType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

export function isAllowedDocumentType(value: string): value is DocumentContentType {
  return (ALLOWED_DOCUMENT_TYPES as readonly string[]).includes(value);
}

/**
 * Vercel functions accept at most 4.5 MB per request; a multipart form adds some overhead, so
 * files up to 4 MB go through the server action and larger ones straight to the store.
 */
export const SERVER_ACTION_MAX_BYTES = 4 * 1024 * 1024;

/** The presigned upload's lifetime: long enough to start a 20 MB upload on a slow line. */
export const DIRECT_UPLOAD_EXPIRES_SECONDS = 5 * 60;

export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : mb.toFixed(1).replace(/\.0$/, '')} MB`;
}

/** The browser's type can be empty (some systems); then the extension decides the declared type. */
export function declaredTypeFor(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  const ext = file.name.split('.').pop()?.toLowerCase();
  if (ext === 'pdf') return 'application/pdf';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'png') return 'image/png';
  return 'application/octet-stream';
}
