import * as z from 'zod/mini';
import '@/lib/validation/zod-mini';
import { CONTROL_CHARACTERS } from '@/lib/validation/text';
import { answerFields, type FormDefinition, type FormField } from './definition';
import { isAnswered, visibleFields, type AnswerValue, type Answers } from './enable-when';

// The rules for answers, written once for the browser (react-hook-form's resolver in the filling
// page) and the server (autosave and submit). Each field's value is checked by a zod schema built
// from the field; required and shown/hidden come from the definition and the other answers.

export const answerProblems = [
  'required',
  'too_long',
  'control_characters',
  'number',
  'integer',
  'min',
  'max',
  'date',
  'option',
  'email',
  'phone',
  'file',
] as const;
export type AnswerProblem = (typeof answerProblems)[number];

export const SHORT_TEXT_MAX = 500;
export const LONG_TEXT_MAX = 5000;
const PHONE = /^\+?[0-9 ().-]{6,24}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const text = (max: number) =>
  z.string().check(
    z.maxLength(max, 'too_long'),
    z.refine((value) => !CONTROL_CHARACTERS.test(value), 'control_characters'),
  );

/** The check of one answered field's value; problems are the messages, as codes. */
export function fieldSchema(field: FormField): z.ZodMiniType<unknown> {
  switch (field.type) {
    case 'short_text':
      return text(SHORT_TEXT_MAX);
    case 'long_text':
      return text(LONG_TEXT_MAX);
    case 'email':
      return z.string().check(z.maxLength(254, 'too_long'), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email'));
    case 'phone':
      return z.string().check(
        z.regex(PHONE, 'phone'),
        z.refine((value) => value.replace(/\D/g, '').length >= 6, 'phone'),
      );
    case 'number': {
      const checks = [z.refine<number>((n) => Number.isFinite(n), 'number')];
      if (field.integer) checks.push(z.refine<number>((n) => Number.isInteger(n), 'integer'));
      if (field.min !== undefined) checks.push(z.refine<number>((n) => n >= field.min!, 'min'));
      if (field.max !== undefined) checks.push(z.refine<number>((n) => n <= field.max!, 'max'));
      return z.number('number').check(...checks);
    }
    case 'date':
      return z.string().check(z.refine(isCalendarDate, 'date'));
    case 'single_choice': {
      const codes = new Set((field.options ?? []).map((o) => o.code));
      return z.string().check(z.refine((code) => codes.has(code), 'option'));
    }
    case 'multiple_choice': {
      const codes = new Set((field.options ?? []).map((o) => o.code));
      return z.array(z.string()).check(z.refine((list) => list.every((code) => codes.has(code)) && new Set(list).size === list.length, 'option'));
    }
    case 'yes_no':
      return z.boolean('option');
    case 'file':
      return z.string().check(z.regex(ID, 'file'));
    case 'signature':
    case 'display':
    case 'section':
      // Signatures are given with the submission (signature.ts); display text and sections hold nothing.
      return z.never();
  }
}

function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export interface AnswerCheck {
  /** Problems by linkId (shown fields only). */
  problems: Record<string, AnswerProblem>;
  /** The answers of shown fields, typed; hidden fields' answers and empty answers are left out. */
  answers: Answers;
}

/**
 * Checks answers against the form. While filling (`final: false`) a required field may be empty;
 * on submit (`final: true`) every shown required field must be answered. Answers to fields that
 * are hidden by a condition are dropped: the patient cannot see them, so they are not theirs.
 */
export function checkAnswers(definition: FormDefinition, raw: Answers, { final }: { final: boolean }): AnswerCheck {
  const visible = visibleFields(definition, raw);
  const problems: Record<string, AnswerProblem> = {};
  const answers: Answers = {};
  for (const field of answerFields(definition)) {
    if (!visible.has(field.linkId) || field.type === 'signature') continue;
    const value = raw[field.linkId];
    if (!isAnswered(value)) {
      if (final && field.required) problems[field.linkId] = 'required';
      continue;
    }
    const parsed = fieldSchema(field).safeParse(typeof value === 'string' ? value.trim() : value);
    if (parsed.success) answers[field.linkId] = parsed.data as AnswerValue;
    else problems[field.linkId] = problemOf(parsed.error.issues[0]?.message);
  }
  return { problems, answers };
}

function problemOf(message: string | undefined): AnswerProblem {
  return (answerProblems as readonly string[]).includes(message ?? '') ? (message as AnswerProblem) : 'option';
}

/**
 * Answers from what a form posts (every value text): numbers and yes/no are read as such,
 * multiple choices gathered. Text that is not a number stays text, so the check says "number"
 * rather than the answer vanishing. Keys that are not fields of the form are ignored.
 */
export function answersFromEntries(definition: FormDefinition, entries: Iterable<[string, string]>, prefix = 'answer.'): Answers {
  const fields = new Map(answerFields(definition).map((field) => [field.linkId, field]));
  const answers: Answers = {};
  for (const [name, rawValue] of entries) {
    if (!name.startsWith(prefix)) continue;
    const field = fields.get(name.slice(prefix.length));
    if (!field) continue;
    answers[field.linkId] = readPosted(field, rawValue, answers[field.linkId]);
  }
  return answers;
}

/** One posted value of a field, given what was read for the field so far (multiple choices repeat). */
export function readPosted(field: FormField, raw: string, previous: AnswerValue): AnswerValue {
  const value = raw.trim();
  switch (field.type) {
    case 'multiple_choice':
      return value === '' ? (previous ?? []) : [...(Array.isArray(previous) ? previous : []), value];
    case 'number': {
      if (value === '') return null;
      const n = Number(value.replace(',', '.'));
      return Number.isFinite(n) ? n : value;
    }
    case 'yes_no':
      return value === 'true' ? true : value === 'false' ? false : value === '' ? null : value;
    default:
      return value === '' ? null : raw;
  }
}
