import type { ActionState } from '@/lib/actions/result';
import { declaredTypeFor, formatBytes, isAllowedDocumentType, SERVER_ACTION_MAX_BYTES } from '@/lib/documents/file-rules';
import type { InboxMessages } from '@/lib/i18n/messages/inbox';
import { hasControlCharacters } from '@/lib/validation/text';
import { isSubmittedFile, MAX_BODY_CHARS, MAX_FILES_PER_MESSAGE, MAX_SUBJECT_CHARS } from './types';

/**
 * The portal inbox form's checks, shared by the browser (to save a round trip) and the server
 * action (which runs them again; the lib then checks the bytes). Answers a catalog key and its
 * values so each side words it in the patient's language. Browser-safe.
 */
export const MAX_ATTACHMENT_BYTES_TOTAL = SERVER_ACTION_MAX_BYTES; // one request: Vercel's 4.5 MB limit
export { MAX_BODY_CHARS, MAX_FILES_PER_MESSAGE, MAX_SUBJECT_CHARS };

export type InboxField = 'subject' | 'body' | 'files';
export interface InboxProblem {
  field: InboxField;
  key: keyof InboxMessages;
  vars?: Record<string, string | number>;
}

/** What the compose and reply forms show after their action ran. */
export interface InboxFormState extends ActionState {
  fieldErrors?: Partial<Record<InboxField, string>>;
  /** Changes on every success, so the form can tell a new success from the last one. */
  sentAt?: number;
}

/** The catalogue's words for a key, in whichever language the caller has (server `t`, or the page's messages). */
export type InboxText = (key: keyof InboxMessages, vars?: Record<string, string | number>) => string;

/**
 * The form's answer to its problems: each field's first problem under the field, and the one
 * problem (or "check the fields") above the form. Null when there is none.
 */
export function inboxProblemState(problems: readonly (InboxProblem | null)[], text: InboxText): InboxFormState | null {
  const found = problems.filter((p): p is InboxProblem => p !== null);
  if (found.length === 0) return null;
  const fieldErrors: InboxFormState['fieldErrors'] = {};
  for (const p of found) fieldErrors[p.field] ??= text(p.key, p.vars);
  return { ok: false, fieldErrors, message: found.length > 1 ? text('checkFields') : fieldErrors[found[0]!.field] };
}

type FileLike = { name: string; size: number; type: string };

/** Files a form really carries: an untouched file input still sends one empty, nameless entry. */
export function chosenFiles<F extends FileLike>(entries: readonly unknown[]): F[] {
  return entries.filter((e): e is F => typeof e === 'object' && e !== null && 'size' in e && 'name' in e && isSubmittedFile(e as F));
}

export function checkAttachments(files: readonly FileLike[]): InboxProblem | null {
  if (files.length > MAX_FILES_PER_MESSAGE) return { field: 'files', key: 'errorTooManyFiles', vars: { max: MAX_FILES_PER_MESSAGE } };
  for (const file of files) {
    if (file.size === 0) return { field: 'files', key: 'errorFileEmpty', vars: { name: file.name } };
    if (!isAllowedDocumentType(declaredTypeFor(file))) return { field: 'files', key: 'errorFileType', vars: { name: file.name } };
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > MAX_ATTACHMENT_BYTES_TOTAL) {
    return { field: 'files', key: 'errorFilesTooLarge', vars: { size: formatBytes(total), max: formatBytes(MAX_ATTACHMENT_BYTES_TOTAL) } };
  }
  return null;
}

/** A message may be only files; then the text can stay empty. */
export function checkBody(body: string, hasFiles = false): InboxProblem | null {
  const text = body.trim();
  if (text === '' && !hasFiles) return { field: 'body', key: 'errorEmptyBody' };
  if (hasControlCharacters(text)) return { field: 'body', key: 'errorControlCharacters' };
  // Characters as Postgres counts them (code points), not UTF-16 units.
  const count = [...text].length;
  if (count > MAX_BODY_CHARS) return { field: 'body', key: 'errorBodyTooLong', vars: { max: MAX_BODY_CHARS, count } };
  return null;
}

export function checkSubject(subject: string): InboxProblem | null {
  const text = subject.trim();
  if (text === '') return { field: 'subject', key: 'errorEmptySubject' };
  if (hasControlCharacters(text)) return { field: 'subject', key: 'errorControlCharacters' };
  if ([...text].length > MAX_SUBJECT_CHARS) return { field: 'subject', key: 'errorSubjectTooLong', vars: { max: MAX_SUBJECT_CHARS } };
  return null;
}

export function attachmentsHintVars(): Record<string, string | number> {
  return { count: MAX_FILES_PER_MESSAGE, size: formatBytes(MAX_ATTACHMENT_BYTES_TOTAL) };
}
