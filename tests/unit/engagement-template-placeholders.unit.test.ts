import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '@/lib/engagement/events';
import {
  checkTemplateText, fillPlaceholders, PLACEHOLDER_NAMES, PLACEHOLDERS, placeholdersFor, placeholdersForTrigger, placeholdersIn, SAMPLE_VALUES, triggerScope,
} from '@/lib/engagement/templates/placeholders';

/**
 * The placeholder catalogue and its checks (issue 18 point 9): `{{scope.name}}` read from a text,
 * an unknown name refused with its name, malformed braces refused, marketing limited to what
 * carries no health information, and each trigger offering only the placeholders it has values for.
 */

const care = { channel: 'email', purpose: 'care' } as const;
const marketing = { channel: 'email', purpose: 'marketing' } as const;
const messages = (text: string, options: Parameters<typeof checkTemplateText>[1] = care) => checkTemplateText(text, options).map((p) => p.message);
const codes = (text: string, options: Parameters<typeof checkTemplateText>[1] = care) => checkTemplateText(text, options).map((p) => `${p.code} ${p.text}`);

describe('reading placeholders', () => {
  it('finds each name once, in order, with or without spaces inside the braces', () => {
    expect(placeholdersIn('Hi {{patient.firstName}}, see {{ portal.url }} — {{patient.firstName}} again; {{clinic.name}}')).toEqual([
      'patient.firstName', 'portal.url', 'clinic.name',
    ]);
    expect(placeholdersIn('No placeholders, {single} or { braces }.')).toEqual([]);
  });

  it('fills each with its value once: a value that looks like a placeholder stays as it is', () => {
    expect(fillPlaceholders('Hi {{patient.firstName}} at {{ clinic.name }}', { 'patient.firstName': '{{clinic.name}}', 'clinic.name': 'Sunrise' }))
      .toBe('Hi {{clinic.name}} at Sunrise');
    // A placeholder with no value (a clinic without a phone) is empty, not left in braces.
    expect(fillPlaceholders('Call {{clinic.phone}}.', {})).toBe('Call .');
  });
});

describe('checking a template’s text', () => {
  it('accepts every care placeholder in a care email, without a trigger', () => {
    const all = PLACEHOLDER_NAMES.filter((n) => n !== 'unsubscribe.url').map((n) => `{{${n}}}`).join(' ');
    expect(checkTemplateText(all, care)).toEqual([]);
  });

  it('names an unknown placeholder, and the one it probably meant', () => {
    expect(messages('Hello {{patient.fristName}}')).toEqual(['Unknown placeholder {{patient.fristName}}: did you mean {{patient.firstName}}?']);
    expect(messages('Your {{appointment.service}} visit, {{patient.diagnosis}}')).toEqual([
      'Unknown placeholder {{appointment.service}}.',
      'Unknown placeholder {{patient.diagnosis}}.',
    ]);
    // The same unknown name twice is one problem.
    expect(codes('{{patient.lastName}} {{patient.lastName}}')).toEqual(['unknown {{patient.lastName}}']);
  });

  it('refuses braces that do not make a placeholder', () => {
    expect(codes('Hello {{ patient.firstName')).toEqual(['malformed {{ patient.firstName']);
    expect(messages('Hello {{ patient.firstName')[0]).toMatch(/^Unclosed placeholder/);
    expect(codes('Hello {{patient.firstName}, and {{clinic.name}}')).toEqual(['malformed {{patient.firstName}, and']);
    expect(codes('Hello patient.firstName}}')).toEqual(['malformed }}']);
    expect(codes('Hello {{}} and {{firstName}} and {{patient first}}')).toEqual([
      'malformed {{}}', 'malformed {{firstName}}', 'malformed {{patient first}}',
    ]);
    expect(codes('{{{patient.firstName}}}')).toEqual(['malformed {{{patient.firstName}}}']);
    expect(messages('Hi {patient.firstName}')).toEqual(['Placeholders take two braces: write {patient.firstName} as {{patient.firstName}}.']);
    // Braces in plain words are fine.
    expect(checkTemplateText('Use code {SPRING} or {braces}.', care)).toEqual([]);
  });

  it('lets marketing use only the first name, the clinic, the portal and the unsubscribe link', () => {
    expect(checkTemplateText('Hi {{patient.firstName}}, {{clinic.name}} ({{clinic.phone}}) {{portal.url}} {{unsubscribe.url}}', marketing)).toEqual([]);
    for (const name of ['appointment.date', 'appointment.provider', 'form.url', 'invoice.amountDue', 'order.status', 'subscription.url']) {
      expect(codes(`{{${name}}}`, marketing)).toEqual([`not-allowed {{${name}}}`]);
    }
    expect(messages('{{appointment.time}}', marketing)[0]).toMatch(/^\{\{appointment\.time\}\} cannot be used in a marketing template/);
    expect(placeholdersFor(marketing)).toEqual(['patient.firstName', 'clinic.name', 'clinic.phone', 'portal.url', 'unsubscribe.url']);
  });

  it('keeps the unsubscribe link to marketing email', () => {
    expect(messages('{{unsubscribe.url}}', care)).toEqual(['{{unsubscribe.url}} is only for marketing email: care messages have no unsubscribe link.']);
    expect(messages('{{unsubscribe.url}}', { channel: 'sms', purpose: 'marketing' })).toEqual(['{{unsubscribe.url}} is only for email: a text message is stopped by replying STOP.']);
    expect(placeholdersFor({ channel: 'sms', purpose: 'marketing' })).not.toContain('unsubscribe.url');
    expect(placeholdersFor(care)).not.toContain('unsubscribe.url');
  });

  it('with a trigger, refuses a placeholder that has no value for it', () => {
    expect(checkTemplateText('{{appointment.time}} {{appointment.cancelUrl}}', { ...care, trigger: 'appointment.booked' })).toEqual([]);
    expect(messages('{{invoice.number}}', { ...care, trigger: 'appointment.booked' })).toEqual(['{{invoice.number}} has no value for appointment.booked: it is for invoice events.']);
    expect(codes('{{appointment.date}} {{form.url}}', { ...care, trigger: 'form.submitted' })).toEqual(['not-allowed {{appointment.date}}']);
    expect(codes('{{order.status}}', { ...care, trigger: 'patient.created' })).toEqual(['not-allowed {{order.status}}']);
    expect(codes('{{appointment.date}}', { ...marketing, trigger: 'campaign' })).toEqual(['not-allowed {{appointment.date}}']);
  });
});

describe('placeholders per trigger', () => {
  it('maps every event of the catalogue to its scope (a new family of events must be placed here)', () => {
    const families = new Set(EVENT_NAMES.map((n) => n.split('.')[0]));
    expect([...families].sort()).toEqual(['appointment', 'document', 'form', 'invoice', 'message', 'order', 'patient', 'portal_account', 'subscription']);
    for (const name of EVENT_NAMES) {
      const scope = triggerScope(name);
      expect(scope === null || name.startsWith(`${scope}.`), name).toBe(true);
    }
  });

  it('offers the always-there ones to every event, and each scope to its own events only', () => {
    const always = ['patient.firstName', 'clinic.name', 'clinic.phone', 'portal.url'];
    expect(placeholdersForTrigger('patient.created')).toEqual(always);
    expect(placeholdersForTrigger('document.published')).toEqual(always);
    expect(placeholdersForTrigger('appointment.no_show')).toEqual([...always, 'appointment.date', 'appointment.time', 'appointment.location', 'appointment.provider', 'appointment.confirmUrl', 'appointment.cancelUrl']);
    // The automations' composite trigger (booked or moved) is an appointment one too.
    expect(placeholdersForTrigger('appointment.scheduled')).toEqual(placeholdersForTrigger('appointment.booked'));
    expect(placeholdersForTrigger('form.assigned')).toEqual([...always, 'form.dueDate', 'form.url']);
    expect(placeholdersForTrigger('invoice.overdue')).toEqual([...always, 'invoice.number', 'invoice.amountDue', 'invoice.dueDate', 'invoice.url']);
    expect(placeholdersForTrigger('order.status_changed')).toEqual([...always, 'order.number', 'order.status', 'order.url']);
    expect(placeholdersForTrigger('subscription.renewal_failed')).toEqual([...always, 'subscription.url']);
    expect(placeholdersForTrigger('campaign')).toEqual([...always, 'unsubscribe.url']);
  });

  it('has a description and a sample in each language for every placeholder, and no clinical name', () => {
    for (const name of PLACEHOLDER_NAMES) {
      expect(PLACEHOLDERS[name].description.length, name).toBeGreaterThan(10);
      expect(SAMPLE_VALUES.en[name], name).toBeTruthy();
      expect(SAMPLE_VALUES.es[name], name).toBeTruthy();
    }
    expect(PLACEHOLDER_NAMES.filter((n) => /service|diagnos|note|reason|product|title|condition|lastName|birth/i.test(n))).toEqual([]);
  });
});
