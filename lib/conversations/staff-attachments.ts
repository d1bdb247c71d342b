import { ALLOWED_TYPES_LABEL, formatBytes } from '@/lib/documents/file-rules';
import { checkAttachments, chosenFiles, MAX_ATTACHMENT_BYTES_TOTAL, MAX_FILES_PER_MESSAGE } from './attachment-rules';

/**
 * The staff forms' attachment check, in the EMR's English: the portal's rules (attachment-rules.ts)
 * worded for staff. The browser's check only saves a round trip (the server checks the bytes).
 * Files travel with the message in one server action, so together they must fit its request limit.
 */
export function staffAttachmentProblem(form: FormData): string | null {
  const problem = checkAttachments(chosenFiles(form.getAll('files')));
  if (!problem) return null;
  const name = String(problem.vars?.name ?? '');
  switch (problem.key) {
    case 'errorTooManyFiles': return `Attach at most ${MAX_FILES_PER_MESSAGE} files to one message.`;
    case 'errorFileEmpty': return `“${name}” is empty. Choose a ${ALLOWED_TYPES_LABEL} file.`;
    case 'errorFileType': return `“${name}” is not a ${ALLOWED_TYPES_LABEL} file.`;
    default:
      return `The files add up to ${problem.vars?.size}; a message can carry up to ${formatBytes(MAX_ATTACHMENT_BYTES_TOTAL)}. Upload larger files to the patient’s Documents instead.`;
  }
}
