import 'server-only';
import { RuleError } from '@/lib/kernel/errors';
import { z } from '@/lib/validation/zod';
import { chosenFiles } from './attachment-rules';
import { MAX_BODY_CHARS, MAX_SUBJECT_CHARS, type Refusal } from './types';

/** The EMR's message forms as posted, and their refusals in the sentences staff read. */

export const NOT_AVAILABLE = 'This conversation or patient is not available to you. It may have been removed, or the clinic’s messaging policy limits you to your assigned patients.';
export const CHOOSE_ASSIGNEE = 'Choose a staff member or “Unassigned”.';

/** The picked files; an untouched file input submits one empty, nameless entry. */
const files = z.unknown().optional().transform((v) => chosenFiles<File>(Array.isArray(v) ? v : v === undefined ? [] : [v]));

/** A ticked checkbox: "on" as posted, true as JSON; absent when not ticked. */
const checkbox = z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean());

export const startSchema = z.object({
  patientId: z.uuid('Choose a patient.'),
  subject: z.string({ error: 'Enter a subject.' }).trim().min(1, 'Enter a subject.').max(MAX_SUBJECT_CHARS, `A subject can be at most ${MAX_SUBJECT_CHARS} characters.`),
  body: z.string({ error: 'Write a message.' }).trim().min(1, 'Write a message.').max(MAX_BODY_CHARS, `A message can be at most ${MAX_BODY_CHARS} characters.`),
  files,
  hiddenFromProxies: checkbox,
});

export const replySchema = z.object({
  conversationId: z.uuid('This conversation is not available to you.'),
  body: z.string({ error: 'Write a reply or attach a file.' }).max(MAX_BODY_CHARS, `A message can be at most ${MAX_BODY_CHARS} characters.`),
  files,
});

// A form without the field unassigns, as the "Unassigned" choice does.
export const assignSchema = z.object({
  conversationId: z.uuid(CHOOSE_ASSIGNEE),
  staffId: z.union([z.uuid(CHOOSE_ASSIGNEE), z.literal('')], { error: CHOOSE_ASSIGNEE }).default(''),
});

export const statusSchema = z.object({ conversationId: z.uuid(NOT_AVAILABLE), to: z.enum(['open', 'closed'], NOT_AVAILABLE) });

export const proxyVisibilitySchema = z.object({ conversationId: z.uuid(NOT_AVAILABLE), hidden: z.enum(['true', 'false'], NOT_AVAILABLE) });

export const deleteSchema = z.object({ conversationId: z.uuid(NOT_AVAILABLE), messageId: z.uuid(NOT_AVAILABLE) });

/** What staff read for a messaging refusal; the lib's own sentence unless the EMR words it better. */
const STAFF_WORDING: Partial<Record<Refusal['error'], string>> = {
  closed: 'Reopen the conversation first.',
  'too-late': 'Messages can be deleted only within 5 minutes of sending. Send a correction as a new message instead.',
  'not-author': 'Only the author can delete a message.',
};

export class MessageRefusedError extends RuleError {
  constructor(readonly refusal: Refusal) {
    const message = STAFF_WORDING[refusal.error] ?? refusal.message;
    super(refusal.error, message, refusal.field ? { [refusal.field]: message } : undefined);
    this.name = 'MessageRefusedError';
  }
}

/** A field of a message form to fix, worded as the form shows it. */
export class MessageFieldError extends RuleError {
  constructor(field: 'body', message: string) {
    super(`${field}-invalid`, message, { [field]: message });
    this.name = 'MessageFieldError';
  }
}
