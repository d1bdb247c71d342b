import { describe, expect, it } from 'vitest';
import type { TemplateContent } from '@/db/schema';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '@/lib/engagement/unsubscribe';
import { SAMPLE_VALUES } from '@/lib/engagement/templates/placeholders';
import { pickTemplateLanguage, renderTemplate, renderTemplateMessage } from '@/lib/engagement/templates/render';

/**
 * Rendering a template (issue 18 point 9): values are plain text, escaped in the HTML part; the
 * patient's language when the template has it, else English; the unsubscribe link left for the
 * dispatcher; the email drawn in the clinic's layout with its closing note.
 */

const clinic = { name: 'Sunrise Family Clinic', logoUrl: null, primaryColor: '#0f766e' };
const CONFIRM = 'https://sunrise.carebridge.test/portal/visit/v1.abc?intent=confirm';
const values = { ...SAMPLE_VALUES.en, 'patient.firstName': 'Maria', 'appointment.confirmUrl': CONFIRM };

function email(content: Record<string, TemplateContent>, options: { purpose?: 'care' | 'marketing'; language?: string | null; values?: Record<string, string> } = {}) {
  const message = renderTemplateMessage({
    template: { channel: 'email', purpose: options.purpose ?? 'care', content },
    language: options.language ?? 'en',
    values: options.values ?? values,
    clinic,
  });
  if (message.channel !== 'email') throw new Error('expected an email');
  return message;
}

describe('renderTemplate', () => {
  it('fills the subject and the body, and leaves the unsubscribe link to the dispatcher', () => {
    expect(renderTemplate({ subject: 'Hi {{patient.firstName}}', body: 'From {{clinic.name}}. Stop: {{unsubscribe.url}}' }, values)).toEqual({
      subject: 'Hi Maria',
      body: `From Sunrise Family Clinic. Stop: ${UNSUBSCRIBE_URL_PLACEHOLDER}`,
    });
    // Even a value that tries to set the link cannot.
    expect(renderTemplate({ body: '{{unsubscribe.url}}' }, { 'unsubscribe.url': 'https://evil.test' }).body).toBe(UNSUBSCRIBE_URL_PLACEHOLDER);
    expect(renderTemplate({ body: 'SMS' }, values)).toEqual({ body: 'SMS' });
  });
});

describe('the language', () => {
  const both = { en: { subject: 'Your visit', body: 'Hello {{patient.firstName}}' }, es: { subject: 'Su cita', body: 'Hola, {{patient.firstName}}' } };
  const english = { en: both.en };

  it('is the patient’s when the template has it, else English', () => {
    expect(pickTemplateLanguage(both, 'es')).toBe('es');
    expect(pickTemplateLanguage(both, 'es-MX')).toBe('es');
    expect(pickTemplateLanguage(both, 'fr')).toBe('en');
    expect(pickTemplateLanguage(both, null)).toBe('en');
    expect(pickTemplateLanguage(english, 'es')).toBe('en');
  });

  it('chooses the words and the closing note together', () => {
    const es = email(both, { language: 'es' });
    expect(es).toMatchObject({ language: 'es', subject: 'Su cita' });
    expect(es.text).toBe('Hola, Maria\n\nEste es un mensaje automático de Sunrise Family Clinic.');
    expect(es.html).toContain('lang="es"');
    const fallback = email(english, { language: 'es' });
    expect(fallback).toMatchObject({ language: 'en', subject: 'Your visit' });
    expect(fallback.text).toBe('Hello Maria\n\nThis is an automatic message from Sunrise Family Clinic.');
  });
});

describe('the email', () => {
  it('escapes values in the HTML part and keeps them as typed in the text part', () => {
    const message = email({ en: { subject: 'For {{patient.firstName}}', body: 'Hello {{patient.firstName}}' } }, { values: { ...values, 'patient.firstName': '<b>Ann</b> & "Co"' } });
    expect(message.subject).toBe('For <b>Ann</b> & "Co"');
    expect(message.text).toContain('Hello <b>Ann</b> & "Co"');
    expect(message.html).not.toContain('<b>Ann</b>');
    expect(message.html).toContain('Hello &lt;b>Ann&lt;/b> &amp; &quot;Co&quot;</p>');
  });

  it('draws paragraphs at blank lines and a link at the end of a line as a link', () => {
    const message = email({ en: { subject: 'Visit', body: 'Hello {{patient.firstName}},\n\nYour visit is {{appointment.date}}.\nPlease confirm: {{appointment.confirmUrl}}\n\n{{portal.url}}' } });
    expect(message.text).toBe([
      'Hello Maria,', '', 'Your visit is Tuesday, March 2, 2027.', `Please confirm: ${CONFIRM}`, '', SAMPLE_VALUES.en['portal.url'], '',
      'This is an automatic message from Sunrise Family Clinic.',
    ].join('\n'));
    expect(message.html).toContain(`href="${CONFIRM}"`);
    expect(message.html).toContain(`href="${SAMPLE_VALUES.en['portal.url']}"`);
    expect(message.html.match(/<p /g)?.length).toBeGreaterThanOrEqual(3);
    // The clinic's layout: its name in the header.
    expect(message.html).toContain('Sunrise Family Clinic');
  });

  it('does not make a link of a value that is not an http(s) address', () => {
    const message = email({ en: { subject: 'x', body: 'Confirm: {{appointment.confirmUrl}}' } }, { values: { ...values, 'appointment.confirmUrl': 'javascript:alert(1)' } });
    expect(message.html).not.toContain('href="javascript');
    expect(message.text).toContain('Confirm: javascript:alert(1)');
  });

  it('puts the unsubscribe link at the foot of a marketing email, or where the text placed it', () => {
    const offer = email({ en: { subject: 'Spring', body: 'Hi {{patient.firstName}}, spring check-ups are open.' } }, { purpose: 'marketing' });
    expect(offer.text).toBe([
      'Hi Maria, spring check-ups are open.', '',
      'You are receiving this because you agreed to hear from Sunrise Family Clinic.',
      `To stop receiving these emails, unsubscribe: ${UNSUBSCRIBE_URL_PLACEHOLDER}`,
    ].join('\n'));
    expect(offer.html).toContain(`href="${UNSUBSCRIBE_URL_PLACEHOLDER}"`);
    expect(offer.html).not.toContain('carebridge.invalid');

    const placed = email({ en: { subject: 'Spring', body: 'Offers.\nNo more offers: {{unsubscribe.url}}' } }, { purpose: 'marketing' });
    expect(placed.text.split(UNSUBSCRIBE_URL_PLACEHOLDER)).toHaveLength(2);
    expect(placed.text).toContain(`No more offers: ${UNSUBSCRIBE_URL_PLACEHOLDER}`);
    expect(placed.html).toContain(`href="${UNSUBSCRIBE_URL_PLACEHOLDER}"`);
    expect(placed.html).not.toContain('carebridge.invalid');

    // A care email has no unsubscribe link at all.
    expect(email({ en: { subject: 'x', body: 'Visit soon.' } }).html).not.toContain(UNSUBSCRIBE_URL_PLACEHOLDER);
  });
});

describe('the SMS', () => {
  it('is the filled text, with how to stop when it is marketing', () => {
    const sms = (purpose: 'care' | 'marketing', language = 'en') => renderTemplateMessage({
      template: { channel: 'sms', purpose, content: { en: { body: '{{clinic.name}}: hello {{patient.firstName}}. ' }, es: { body: '{{clinic.name}}: hola, {{patient.firstName}}.' } } },
      language, values, clinic,
    });
    expect(sms('care')).toEqual({ channel: 'sms', language: 'en', text: 'Sunrise Family Clinic: hello Maria.' });
    expect(sms('marketing')).toEqual({ channel: 'sms', language: 'en', text: 'Sunrise Family Clinic: hello Maria.\nReply STOP to opt out.' });
    expect(sms('marketing', 'es')).toEqual({ channel: 'sms', language: 'es', text: 'Sunrise Family Clinic: hola, Maria.\nResponda STOP para darse de baja.' });
  });
});
