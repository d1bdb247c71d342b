import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTemplateSchema } from '@/lib/engagement/templates/template-forms';
import { checkTemplateText, fillPlaceholders, PLACEHOLDER_NAMES, placeholdersIn, SAMPLE_VALUES } from '@/lib/engagement/templates/placeholders';
import { renderTemplateMessage } from '@/lib/engagement/templates/render';
import { anyUnicode, hostileString, leaksIn, zodDefaultIn } from '../support/hostile';

/**
 * Issue 21 point 7, bad input for message templates (campaigns and automations): unknown
 * placeholders, unclosed braces, nested and recursive placeholders, placeholders that would name
 * health data or another patient, huge templates, and HTML or script in the values. The check
 * names every problem in words and never throws, in bounded time; filling is one pass (a value
 * that looks like a placeholder stays text); the email's HTML escapes every value.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 60);
const SEED = 2125;
const CARE_EMAIL = { channel: 'email', purpose: 'care' } as const;
const MARKETING_EMAIL = { channel: 'email', purpose: 'marketing' } as const;
const CLINIC = { name: 'Sunrise <b>Clinic</b>', logoUrl: null, primaryColor: '#0f766e' };

const INJECTIONS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>", 'javascript:alert(1)', '</p><a href="https://evil.test">pay here</a>', '{{patient.firstName}}', '&lt;script&gt;', '\u202Egnp.exe'];

function timed<T>(fn: () => T): T {
  const started = performance.now();
  const value = fn();
  expect(performance.now() - started).toBeLessThan(1_500);
  return value;
}

describe('template text: named hostile cases', () => {
  it.each([
    ['{{patient.diagnosis}}'], ['{{appointment.service}}'], ['{{appointment.reason}}'], ['{{form.name}}'], ['{{form.answers}}'], ['{{order.items}}'], ['{{invoice.lines}}'],
    ['{{patient.lastName}}'], ['{{patient.dateOfBirth}}'], ['{{patient.notes}}'], ['{{otherPatient.firstName}}'], ['{{constructor.name}}'], ['{{toString.call}}'],
  ])('%s is unknown: named in words and never filled', (placeholder) => {
    const problems = checkTemplateText(`Hello ${placeholder}`, CARE_EMAIL);
    expect(problems.map((p) => p.code)).toContain('unknown');
    expect(problems.find((p) => p.code === 'unknown')!.message).toContain('Unknown placeholder');
    expect(fillPlaceholders(`Hello ${placeholder}`, { ...SAMPLE_VALUES.en, [placeholder.slice(2, -2)]: 'LEAK' })).not.toContain('LEAK');
  });

  it.each([['{{patient.1.firstName}}'], ['{{patients[2].firstName}}'], ['{{patient.__proto__}}'], ['{{ patient.firstName | raw }}'], ['{{{patient.firstName}}}'], ['{{patient.{{clinic.name}}}}'], ['{{{{patient.firstName}}}}'], ['{{'], ['}}'], ['{{patient.firstName'], ['{patient.firstName}'], ['{{ }}']])(
    '%s is malformed: named in words',
    (text) => {
      const problems = checkTemplateText(`Hi ${text} there`, CARE_EMAIL);
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(leaksIn(p.message)).toEqual([]);
    },
  );

  it('a marketing template may not carry a visit’s, a form’s or money placeholders', () => {
    for (const name of PLACEHOLDER_NAMES.filter((n) => !['patient.firstName', 'clinic.name', 'clinic.phone', 'portal.url', 'unsubscribe.url'].includes(n))) {
      expect(checkTemplateText(`{{${name}}}`, MARKETING_EMAIL).map((p) => p.code), name).toContain('not-allowed');
    }
  });

  it.each([
    ['10,000 unclosed openings', '{{'.repeat(5_000)],
    ['10,000 stray closings', '}}'.repeat(5_000)],
    ['braces 5,000 deep', `${'{'.repeat(5_000)}patient.firstName${'}'.repeat(5_000)}`],
    ['2,000 single-brace look-alikes', '{patient.firstName} '.repeat(500)],
    ['2,000 unknown placeholders', Array.from({ length: 2_000 }, (_, i) => `{{patient.x${i}}}`).join('')],
    ['unclosed openings across one long line', `${'{{patient.firstName '.repeat(500)}`],
  ])('%s: checked in bounded time, in a bounded number of words', (_name, text) => {
    const problems = timed(() => checkTemplateText(text, CARE_EMAIL));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.message.length).toBeLessThan(400);
  });

  it.each([['{{'.repeat(5_000)], ['}}'.repeat(5_000)], [Array.from({ length: 500 }, (_, i) => `{{patient.x${i}}}`).join('')]])('a body of thousands of problems gets a field error of a few sentences, not one per problem (%#)', (enBody) => {
    const parsed = createTemplateSchema.safeParse({ name: 'T', channel: 'email', purpose: 'care', enSubject: 'Hi', enBody, esSubject: '', esBody: '' });
    expect(parsed.success).toBe(false);
    const message = parsed.error!.issues.find((i) => i.path[0] === 'enBody')!.message;
    // Each distinct sentence once, at most five of them, then how many more.
    expect(message.length).toBeLessThan(2_000);
  });

  it('a form of 20,000-character bodies is refused in words, in bounded time', () => {
    const parsed = timed(() => createTemplateSchema.safeParse({ name: 'T', channel: 'email', purpose: 'care', enSubject: 'Hi', enBody: '{{'.repeat(10_000), esSubject: '', esBody: '' }));
    expect(parsed.success).toBe(false);
    for (const issue of parsed.error!.issues) expect(zodDefaultIn(issue.message)).toBe(false);
  });
});

describe('filling and rendering', () => {
  it('values are filled in one pass: a value that looks like a placeholder stays as written', () => {
    const values = { 'patient.firstName': '{{clinic.name}}', 'clinic.name': '{{patient.firstName}}' };
    expect(fillPlaceholders('{{patient.firstName}} / {{clinic.name}}', values)).toBe('{{clinic.name}} / {{patient.firstName}}');
  });

  it.each(INJECTIONS.map((v) => [v]))('a value %j is escaped in the email’s HTML (body, subject and the clinic’s name)', (value) => {
    const message = renderTemplateMessage({
      template: { channel: 'email', purpose: 'care', content: { en: { subject: 'For {{patient.firstName}}', body: `Dear {{patient.firstName}},\n\nSee {{portal.url}}\n\n<script>alert(2)</script>` } } },
      language: 'en',
      values: { ...SAMPLE_VALUES.en, 'patient.firstName': value, 'portal.url': value },
      clinic: CLINIC,
    });
    if (message.channel !== 'email') throw new Error('expected an email');
    // Escaped, the words stay as text ("&lt;img … onerror="): no element or attribute comes from a value.
    expect(message.html).not.toMatch(/<script|<img|<svg|<b>Clinic|href="javascript:|href="https:\/\/evil/i);
    expect(message.subject).not.toMatch(/[\r\n]/);
  });
});

const templateText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...PLACEHOLDER_NAMES.map((n) => `{{${n}}}`), '{{', '}}', '{', '}', '{{{', '}}}', '{{ patient.firstName }}', '{{patient.fristName}}', '{{patient.diagnosis}}', '{{a.b}}', '{{__proto__.x}}', '\n', '\n\n', ' ') },
      { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
      { weight: 1, arbitrary: anyUnicode },
      { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('templates (property)', () => {
  it('checking never throws and names each problem in words; a text without problems uses only allowed placeholders', () => {
    fc.assert(
      fc.property(templateText, fc.constantFrom(CARE_EMAIL, MARKETING_EMAIL, { channel: 'sms', purpose: 'care' } as const), (text, options) => {
        const problems = checkTemplateText(text, options);
        for (const p of problems) expect(leaksIn(p.message)).toEqual([]);
        if (problems.length === 0) for (const name of placeholdersIn(text)) expect(PLACEHOLDER_NAMES as string[]).toContain(name);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('rendering any text with hostile values never throws, and the HTML carries no markup from them', () => {
    fc.assert(
      fc.property(templateText, fc.constantFrom(...INJECTIONS), hostileString, (body, injection, other) => {
        const values = Object.fromEntries(PLACEHOLDER_NAMES.map((n, i) => [n, i % 2 ? injection : other.slice(0, 500)]));
        const message = renderTemplateMessage({ template: { channel: 'email', purpose: 'marketing', content: { en: { subject: 'News {{patient.firstName}}', body: body || 'x' } } }, language: 'en', values, clinic: CLINIC });
        if (message.channel !== 'email') throw new Error('expected an email');
        expect(message.html).not.toMatch(/<script|<img|<svg|href="javascript:/i);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });
});
