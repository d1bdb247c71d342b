import type { TemplateContent } from '@/db/schema/automations';
import { contactChannels, contactPurposes, type ContactChannel, type ContactPurpose } from '@/db/schema/engagement';
import { STRICT_FORM } from '@/lib/billing/settings-forms';
import type { FieldErrors } from '@/lib/actions/result';
import { LOCALES, type Locale } from '@/lib/i18n/core';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';
import { checkTemplateText, fillPlaceholders, SAMPLE_VALUES, type TemplateTextProblem } from './placeholders';
import { MAX_SMS_SEGMENTS, smsAsSent, smsSegments } from './sms-segments';

/**
 * The message template form (CRM → Message templates), shared by the browser (react-hook-form)
 * and the server actions; browser-safe. One form for a new template and for an edit: the name,
 * the channel and purpose (chosen once: an automation or campaign relies on them), and the words
 * in English (always) and Spanish (optional). `checkTemplateContent` is the one check of the
 * words, run here as the person types and again by lib (templates.ts) when saving.
 */

export const TEMPLATE_LIMITS = { name: 120, subject: 200, body: 10_000 } as const;

export const CHANNEL_LABELS: Record<ContactChannel, string> = { email: 'Email', sms: 'SMS' };
export const PURPOSE_LABELS: Record<ContactPurpose, string> = { care: 'Care', marketing: 'Marketing' };
export const LANGUAGE_LABELS: Record<Locale, string> = { en: 'English', es: 'Spanish' };

/** The form field of one language's subject or body: `enSubject`, `esBody`. */
export function contentField(language: Locale, part: 'subject' | 'body'): string {
  return `${language}${part === 'subject' ? 'Subject' : 'Body'}`;
}

export interface TemplateWords {
  channel: ContactChannel;
  purpose: ContactPurpose;
  content: Partial<Record<Locale, TemplateContent>>;
}

/**
 * Field errors for a template's words, by form field: English is required, Spanish optional
 * (but whole); an email has a subject, an SMS has none and is at most MAX_SMS_SEGMENTS parts
 * with sample values filled in (links make a text long); every placeholder is checked for this
 * channel and purpose (an unknown one is named). Empty: the words can be saved.
 */
export function checkTemplateContent({ channel, purpose, content }: TemplateWords): FieldErrors {
  const errors: FieldErrors = {};
  for (const language of LOCALES) {
    const words = content[language];
    if (!words) {
      if (language === 'en') errors[contentField('en', 'body')] = 'Write the English text: every template has one.';
      continue;
    }
    const name = LANGUAGE_LABELS[language];
    const subjectField = contentField(language, 'subject');
    const bodyField = contentField(language, 'body');
    if (channel === 'sms') {
      if (words.subject) errors[subjectField] = 'A text message has no subject: leave it empty.';
    } else if (!words.subject?.trim()) {
      errors[subjectField] = `Write the ${name} subject.`;
    } else if (words.subject.length > TEMPLATE_LIMITS.subject) {
      errors[subjectField] = `Keep the subject to ${TEMPLATE_LIMITS.subject} characters or fewer.`;
    } else if (/[\r\n]/.test(words.subject)) {
      errors[subjectField] = 'Keep the subject on one line.';
    } else {
      const problems = checkTemplateText(words.subject, { channel, purpose });
      if (problems.length) errors[subjectField] = problemsText(problems);
    }
    if (!words.body.trim()) {
      errors[bodyField] = `Write the ${name} text.`;
      continue;
    }
    if (words.body.length > TEMPLATE_LIMITS.body) {
      errors[bodyField] = `Keep the text to ${TEMPLATE_LIMITS.body.toLocaleString('en-US')} characters or fewer.`;
      continue;
    }
    const problems = checkTemplateText(words.body, { channel, purpose });
    if (problems.length) {
      errors[bodyField] = problemsText(problems);
      continue;
    }
    if (channel === 'sms') {
      const count = smsSegments(sampleSms(words.body, purpose, language));
      if (count.segments > MAX_SMS_SEGMENTS) {
        errors[bodyField] = `This text is sent as ${count.segments} segments (${count.encoding}, with sample values); keep it to ${MAX_SMS_SEGMENTS}. Each segment is charged.`;
      }
    }
  }
  return errors;
}

/** Problems shown at once beside a field: a text of thousands of stray braces has as many problems. */
const PROBLEMS_SHOWN = 5;

/** A field's problems as its error: the first few, then how many more (each distinct sentence once). */
function problemsText(problems: readonly TemplateTextProblem[]): string {
  const messages = [...new Set(problems.map((p) => p.message))];
  const rest = messages.length - PROBLEMS_SHOWN;
  return [...messages.slice(0, PROBLEMS_SHOWN), ...(rest > 0 ? [`…and ${rest.toLocaleString('en-US')} more ${rest === 1 ? 'problem' : 'problems'} like these.`] : [])].join(' ');
}

/** An SMS as a patient would get it, with the sample values: what the CRM counts and shows. */
export function sampleSms(body: string, purpose: ContactPurpose, language: Locale): string {
  return smsAsSent(fillPlaceholders(body, SAMPLE_VALUES[language]), purpose, language);
}

const blank = (v: unknown) => (v === undefined || v === null ? '' : v);
/** A subject or body as typed; its length and placeholders are checkTemplateContent's (one message per field). */
const text = (max: number) => z.preprocess(blank, withoutControlChars(z.string({ error: 'Enter text.' })).max(max * 2, `Keep it to ${max.toLocaleString('en-US')} characters or fewer.`));

const name = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  withoutControlChars(z.string({ error: 'Name the template.' }))
    .min(1, 'Name the template, such as “Spring check-up offer”.')
    .max(TEMPLATE_LIMITS.name, `Keep the name to ${TEMPLATE_LIMITS.name} characters or fewer.`),
);

const fields = {
  name,
  channel: z.enum(contactChannels, { error: 'Choose email or SMS.' }),
  purpose: z.enum(contactPurposes, { error: 'Choose care or marketing.' }),
  enSubject: text(TEMPLATE_LIMITS.subject),
  enBody: text(TEMPLATE_LIMITS.body),
  esSubject: text(TEMPLATE_LIMITS.subject),
  esBody: text(TEMPLATE_LIMITS.body),
};

type Posted = { channel: ContactChannel; purpose: ContactPurpose; enSubject: string; enBody: string; esSubject: string; esBody: string };

/** The form's words as stored: a language with neither subject nor body is left out. */
export function contentFromForm(values: Posted): Partial<Record<Locale, TemplateContent>> {
  const content: Partial<Record<Locale, TemplateContent>> = {};
  for (const language of LOCALES) {
    const subject = language === 'en' ? values.enSubject : values.esSubject;
    const body = language === 'en' ? values.enBody : values.esBody;
    if (language !== 'en' && !subject.trim() && !body.trim()) continue;
    content[language] = values.channel === 'sms' && !subject.trim() ? { body: normaliseBody(body) } : { subject: subject.trim(), body: normaliseBody(body) };
  }
  return content;
}

/** Line endings as LF and no trailing spaces: what is counted and sent is what was meant. */
function normaliseBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');
}

function withContentCheck<S extends z.ZodType<Posted>>(schema: S): S {
  return schema.superRefine((values, ctx) => {
    const errors = checkTemplateContent({ channel: values.channel, purpose: values.purpose, content: contentFromForm(values) });
    for (const [path, message] of Object.entries(errors)) ctx.addIssue({ code: 'custom', path: [path], message });
  }) as S;
}

/** A template's id in a form: `messageTemplateId`, apart from the form builder's `templateId`. */
const messageTemplateId = z.uuid('This template no longer exists. Reload the page.');

/** "New template". */
export const createTemplateSchema = withContentCheck(z.strictObject(fields, STRICT_FORM));
export type CreateTemplateForm = z.output<typeof createTemplateSchema>;

/**
 * "Save" on a template: the same fields and its id. The channel and purpose are posted back as
 * shown (the browser's check needs them) and ignored by the save, which keeps the stored ones.
 */
export const updateTemplateSchema = withContentCheck(z.strictObject({ messageTemplateId, ...fields }, STRICT_FORM));
export type UpdateTemplateForm = z.output<typeof updateTemplateSchema>;

/** "Archive" and "Restore". */
export const templateIdSchema = z.strictObject({ messageTemplateId }, STRICT_FORM);

export const TEMPLATE_LIST_STATUSES = ['active', 'archived'] as const;
export type TemplateListStatus = (typeof TEMPLATE_LIST_STATUSES)[number];

/** /crm/templates?status=…: a bad value is the default, never an error. */
export function templateListStatus(value: unknown): TemplateListStatus {
  const v = Array.isArray(value) ? value[0] : value;
  return v === 'archived' ? 'archived' : 'active';
}
