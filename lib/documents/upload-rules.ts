import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { ALLOWED_TYPES_LABEL, declaredTypeFor, formatBytes, isAllowedDocumentType } from './file-rules';

/** Document metadata rules (zod) for the server and the staff form; file rules are in file-rules.ts. */
export * from './file-rules';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date that exists, not before 1900 and not after tomorrow (time zones). */
const examinationDate = z
  .string({ error: 'Enter the examination date.' })
  .trim()
  .min(1, 'Enter the examination date.')
  .refine((v) => isoDate.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'Enter a valid date.')
  .refine((v) => v >= '1900-01-01', 'Enter a date after 1900.')
  .refine((v) => new Date(`${v}T00:00:00Z`).getTime() <= Date.now() + 36 * 3600 * 1000, 'The examination date cannot be in the future.');

/** A ticked checkbox: true as JSON, "on" as a posted form, absent when not ticked. */
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

/** The fields staff fill in for a document, on upload and on edit (a posted form or JSON). */
export const documentMetadataSchema = z.object({
  typeId: z.uuid({ error: 'Choose a document type.' }),
  title: withoutControlChars(z.string({ error: 'Enter a title.' })).trim().min(1, 'Enter a title.').max(200, 'Use at most 200 characters.'),
  examinationDate,
  visibleToPatient: checkbox,
  sendNotification: checkbox,
  // Issue 19: a document only the patient's own account sees, never a parent or caregiver acting for them.
  hiddenFromProxies: checkbox,
});
export type DocumentMetadata = z.output<typeof documentMetadataSchema>;
/** The metadata fields as the form holds them, before parsing. */
export type DocumentMetadataFields = z.input<typeof documentMetadataSchema>;

/** A file input's value as the browser form library sees it (a FileList), or a posted File. */
function pickedFile(value: unknown): { name: string; size: number; type: string } | null {
  const file = typeof value === 'object' && value !== null && 'length' in value ? (value as ArrayLike<unknown>)[0] : value;
  return typeof file === 'object' && file !== null && 'size' in file && 'name' in file ? (file as { name: string; size: number; type: string }) : null;
}

/**
 * The upload form in the browser: the metadata and the file, checked against the clinic's limit
 * before anything is sent. The server checks the bytes again.
 */
export function documentUploadFormSchema(maxBytes: number) {
  return documentMetadataSchema.extend({
    // A transform, not a refinement: it also runs when no file was picked at all.
    file: z.unknown().optional().transform((value, ctx) => {
      const file = pickedFile(value);
      const problem = !file || file.name === '' ? 'Choose a file.'
        : file.size === 0 ? `The file is empty. Choose a ${ALLOWED_TYPES_LABEL} file.`
        : file.size > maxBytes ? `The file is ${formatBytes(file.size)}; this clinic accepts files up to ${formatBytes(maxBytes)}.`
        : !isAllowedDocumentType(declaredTypeFor(file)) ? `Choose a ${ALLOWED_TYPES_LABEL} file.`
        : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
      return value;
    }),
  });
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

/** A hidden id field: a malformed one names no record, which the domain answers as not-found. */
const hiddenId = z.unknown().optional().transform((v) => (typeof v === 'string' ? v : ''));

/** The upload form as posted to the server action (files up to SERVER_ACTION_MAX_BYTES). */
export const documentUploadSchema = documentMetadataSchema.extend({
  patientId: hiddenId,
  file: z.unknown().optional().transform((value, ctx) => {
    if (!(value instanceof File)) {
      ctx.addIssue({ code: 'custom', message: 'Choose a file.' });
      return z.NEVER;
    }
    if (value.size === 0) {
      ctx.addIssue({ code: 'custom', message: `The file is empty. Choose a ${ALLOWED_TYPES_LABEL} file.` });
      return z.NEVER;
    }
    return value;
  }),
});

/** The edit form: the metadata of one document. */
export const documentEditSchema = documentMetadataSchema.extend({ documentId: hiddenId });

/** The direct upload's first step, sent as JSON by the upload form. */
export function uploadIntentSchema(message: string) {
  return z.object({
    patientId: z.uuid(message),
    name: z.string({ error: message }).max(1000, message),
    size: z.number({ error: message }).int(message).nonnegative(message),
    declaredType: z.string({ error: message }).max(100, message),
    metadata: z.unknown().optional(),
  }, { error: message });
}
