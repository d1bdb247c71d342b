import { z } from 'zod';

/**
 * Upload rules shared by the browser form and the server (no server-only imports here).
 * The server re-checks everything: the browser's checks only save a round trip.
 */

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

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date that exists, not before 1900 and not after tomorrow (time zones). */
const examinationDate = z
  .string({ error: 'Enter the examination date.' })
  .trim()
  .min(1, 'Enter the examination date.')
  .refine((v) => isoDate.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'Enter a valid date.')
  .refine((v) => v >= '1900-01-01', 'Enter a date after 1900.')
  .refine((v) => new Date(`${v}T00:00:00Z`).getTime() <= Date.now() + 36 * 3600 * 1000, 'The examination date cannot be in the future.');

/** The fields staff fill in for a document, on upload and on edit. */
export const documentMetadataSchema = z.object({
  typeId: z.uuid({ error: 'Choose a document type.' }),
  title: z.string().trim().min(1, 'Enter a title.').max(200, 'Use at most 200 characters.'),
  examinationDate,
  visibleToPatient: z.boolean(),
  sendNotification: z.boolean(),
});
export type DocumentMetadata = z.infer<typeof documentMetadataSchema>;

/** Reads the metadata fields from a form (checkboxes are present when ticked). */
export function metadataFromForm(form: FormData): Record<keyof DocumentMetadata, unknown> {
  return {
    typeId: form.get('typeId') ?? '',
    title: form.get('title') ?? '',
    examinationDate: form.get('examinationDate') ?? '',
    visibleToPatient: form.get('visibleToPatient') === 'on' || form.get('visibleToPatient') === 'true',
    sendNotification: form.get('sendNotification') === 'on' || form.get('sendNotification') === 'true',
  };
}

export type DocumentField = keyof DocumentMetadata | 'file';
export type DocumentFieldErrors = Partial<Record<DocumentField, string>>;

export function fieldErrorsFromZod(error: z.ZodError): DocumentFieldErrors {
  const out: DocumentFieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as DocumentField | undefined;
    if (field && !out[field]) out[field] = issue.message;
  }
  return out;
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
