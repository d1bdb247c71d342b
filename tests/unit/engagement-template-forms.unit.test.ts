import { describe, expect, it } from 'vitest';
import { checkTemplateContent, contentFromForm, createTemplateSchema, updateTemplateSchema } from '@/lib/engagement/templates/template-forms';

/**
 * The template form's one schema (browser and server): field errors on the field that holds the
 * problem, naming the placeholder; English required, Spanish optional but whole; SMS without a
 * subject and within ten segments.
 */

const form = { name: ' Spring offer ', channel: 'email', purpose: 'marketing', enSubject: 'Hello {{patient.firstName}}', enBody: 'Spring is here.', esSubject: '', esBody: '' };
const errors = (input: Record<string, unknown>, schema: typeof createTemplateSchema | typeof updateTemplateSchema = createTemplateSchema) => {
  const parsed = schema.safeParse(input);
  return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
};

describe('the template form', () => {
  it('takes a marketing email in English only and trims the name', () => {
    const parsed = createTemplateSchema.parse(form);
    expect(parsed.name).toBe('Spring offer');
    expect(contentFromForm(parsed)).toEqual({ en: { subject: 'Hello {{patient.firstName}}', body: 'Spring is here.' } });
  });

  it('names an unknown placeholder on its field', () => {
    expect(errors({ ...form, enBody: 'Hi {{patient.fristName}}' })).toEqual({ enBody: 'Unknown placeholder {{patient.fristName}}: did you mean {{patient.firstName}}?' });
    expect(errors({ ...form, enSubject: 'Your {{appointment.date}} visit' })).toEqual({ enSubject: expect.stringMatching(/^\{\{appointment\.date\}\} cannot be used in a marketing template/) });
    expect(errors({ ...form, esSubject: 'Hola', esBody: 'Hola {{ patient.firstName' })).toEqual({ esBody: expect.stringMatching(/^Unclosed placeholder/) });
  });

  it('needs English, and a whole Spanish version when one is started', () => {
    expect(errors({ ...form, enSubject: '', enBody: '  ' })).toEqual({ enSubject: 'Write the English subject.', enBody: 'Write the English text.' });
    expect(errors({ ...form, esSubject: 'Primavera' })).toEqual({ esBody: 'Write the Spanish text.' });
    expect(errors({ ...form, esBody: 'Llegó la primavera.' })).toEqual({ esSubject: 'Write the Spanish subject.' });
    expect(contentFromForm(createTemplateSchema.parse({ ...form, esSubject: 'Primavera', esBody: 'Llegó.\r\n' }))).toEqual({
      en: { subject: 'Hello {{patient.firstName}}', body: 'Spring is here.' },
      es: { subject: 'Primavera', body: 'Llegó.' },
    });
  });

  it('gives a text message no subject and at most ten segments, counted with sample values', () => {
    const sms = { ...form, channel: 'sms', purpose: 'care', enSubject: '', enBody: 'Visit at {{appointment.time}}.' };
    expect(contentFromForm(createTemplateSchema.parse(sms))).toEqual({ en: { body: 'Visit at {{appointment.time}}.' } });
    expect(errors({ ...sms, enSubject: 'Hi' })).toEqual({ enSubject: 'A text message has no subject: leave it empty.' });
    expect(errors({ ...sms, enBody: 'a'.repeat(1530) })).toEqual({});
    expect(errors({ ...sms, enBody: 'a'.repeat(1531) })).toEqual({ enBody: expect.stringMatching(/^This text is sent as 11 segments \(GSM-7, with sample values\); keep it to 10/) });
    // Ten links fill ten segments once they are real addresses, although the text is short.
    expect(errors({ ...sms, enBody: Array(10).fill('{{appointment.confirmUrl}}').join(' ') })).toEqual({ enBody: expect.stringMatching(/^This text is sent as 1\d segments/) });
    expect(errors({ ...sms, enBody: '{{unsubscribe.url}}', purpose: 'marketing' })).toEqual({ enBody: expect.stringMatching(/only for email/) });
  });

  it('refuses a field it does not have, and a name of only spaces', () => {
    expect(errors({ ...form, tenantId: 'x' })).toEqual({ undefined: expect.stringMatching(/sent a field it does not have/) });
    expect(errors({ ...form, name: '   ' })).toEqual({ name: expect.stringMatching(/^Name the template/) });
    expect(errors({ ...form, messageTemplateId: 'nope' }, updateTemplateSchema)).toEqual({ messageTemplateId: 'This template no longer exists. Reload the page.' });
  });

  it('checks stored content the same way (the save in lib runs this)', () => {
    expect(checkTemplateContent({ channel: 'email', purpose: 'care', content: {} })).toEqual({ enBody: 'Write the English text: every template has one.' });
    expect(checkTemplateContent({ channel: 'email', purpose: 'care', content: { en: { subject: 'a\nb', body: 'x' } } })).toEqual({ enSubject: 'Keep the subject on one line.' });
  });
});
