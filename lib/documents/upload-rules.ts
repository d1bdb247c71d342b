import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

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

/** The fields staff fill in for a document, on upload and on edit. */
export const documentMetadataSchema = z.object({
  typeId: z.uuid({ error: 'Choose a document type.' }),
  title: withoutControlChars(z.string()).trim().min(1, 'Enter a title.').max(200, 'Use at most 200 characters.'),
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
