import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkAnswers } from '@/lib/clinic-forms/answers';
import type { FormDefinition } from '@/lib/clinic-forms/definition';
import type { Answers } from '@/lib/clinic-forms/enable-when';
import { answersResolver, PROBLEM_MESSAGE_KEYS, saveAnswersSchema } from '@/lib/clinic-forms/fill-rules';
import { canonicalJson, consentTextFor, defaultSignerRole, drawingPngBase64, readSignature, signatureContentHash } from '@/lib/clinic-forms/signature';
import { STARTER_TEMPLATES } from '@/lib/clinic-forms/starter-templates';
import { forms } from '@/lib/i18n/messages/forms';

const intake = STARTER_TEMPLATES.find((s) => s.key === 'general-intake')!.definition;

describe('canonical JSON for signature hashes', () => {
  it('sorts keys at every depth, keeps array order, drops undefined members, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], e: undefined, 'é': 'x', Z: 'y' })).toBe('{"Z":"y","a":[3,{"c":null,"d":true}],"b":1,"é":"x"}');
    expect(canonicalJson([undefined, 'a'])).toBe('[null,"a"]');
    expect(canonicalJson('line\nbreak "quoted"')).toBe('"line\\nbreak \\"quoted\\""');
  });

  it('gives the same text for the same content whatever the key order', () => {
    const a = { consentText: 'I agree.', items: [{ linkId: 'x', answer: [{ valueString: 'y' }] }], versionId: 'v1' };
    const b = { versionId: 'v1', items: [{ answer: [{ valueString: 'y' }], linkId: 'x' }], consentText: 'I agree.' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it('refuses values JSON cannot say exactly', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });

  it('hashes exactly the consent text, the answers and the version', () => {
    const content = { consentText: 'I agree.', items: [{ linkId: 'q', answer: [{ valueBoolean: true }] }], versionId: '00000000-0000-4000-8000-000000000001' };
    const expected = createHash('sha256')
      .update('{"consentText":"I agree.","items":[{"answer":[{"valueBoolean":true}],"linkId":"q"}],"versionId":"00000000-0000-4000-8000-000000000001"}', 'utf8')
      .digest('hex');
    expect(signatureContentHash(content)).toBe(expected);
    expect(signatureContentHash({ ...content, consentText: 'I agree!' })).not.toBe(expected);
    expect(signatureContentHash({ ...content, items: [{ linkId: 'q', answer: [{ valueBoolean: false }] }] })).not.toBe(expected);
    expect(signatureContentHash({ ...content, versionId: '00000000-0000-4000-8000-000000000002' })).not.toBe(expected);
  });
});

describe('signatures', () => {
  it('shows the display text before the signature with its label as the consent statement', () => {
    expect(consentTextFor(intake, 'consent_signature')).toBe(
      'I consent to examination and treatment by the clinic’s providers. The information I gave is true to the best of my knowledge, and I will tell the clinic if it changes.\n\nI agree to the statement above.',
    );
    expect(consentTextFor(intake, 'nope')).toBe('');
  });

  it('defaults who signs from the account’s relationship to the patient', () => {
    expect(defaultSignerRole('self')).toBe('patient');
    expect(defaultSignerRole('parent')).toBe('guardian');
    expect(defaultSignerRole('guardian')).toBe('guardian');
    expect(defaultSignerRole('caregiver')).toBe('representative');
    expect(defaultSignerRole('spouse')).toBe('representative');
  });

  it('keeps a drawn signature only when it is a PNG within the size cap', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]).toString('base64');
    expect(drawingPngBase64(`data:image/png;base64,${png}`)).toBe(png);
    expect(drawingPngBase64(png)).toBe(png);
    expect(drawingPngBase64(Buffer.from('GIF89a'.padEnd(100, 'x')).toString('base64'))).toBeNull();
    expect(drawingPngBase64('not base64!')).toBeNull();
    expect(drawingPngBase64('A'.repeat(300_004))).toBeNull();
  });

  it('accepts the typed name alone (the keyboard alternative) and refuses a missing name, an unknown role or a broken drawing', () => {
    expect(readSignature({ name: '  Maria   Lopez ', role: 'guardian' })).toEqual({ value: { name: 'Maria Lopez', role: 'guardian', drawingPng: null } });
    expect(readSignature({ name: 'M', role: 'patient' })).toEqual({ problem: 'signature_name' });
    expect(readSignature({ name: 'Maria\u0000', role: 'patient' })).toEqual({ problem: 'signature_name' });
    expect(readSignature({ name: 'Maria Lopez', role: 'owner' })).toEqual({ problem: 'signature_role' });
    expect(readSignature({ name: 'Maria Lopez', role: 'patient', drawing: 'data:image/png;base64,AAAA' })).toEqual({ problem: 'signature_drawing' });
  });
});

const everyType: FormDefinition = {
  title: 'Every type',
  kind: 'intake',
  fields: [
    { linkId: 'name', type: 'short_text', label: 'Name', required: true },
    { linkId: 'story', type: 'long_text', label: 'Story', required: false },
    { linkId: 'age', type: 'number', label: 'Age', required: true, min: 0, max: 120, integer: true },
    { linkId: 'born', type: 'date', label: 'Born', required: false },
    { linkId: 'colour', type: 'single_choice', label: 'Colour', required: true, options: [{ code: 'red', label: 'Red' }, { code: 'blue', label: 'Blue' }] },
    { linkId: 'pets', type: 'multiple_choice', label: 'Pets', required: false, options: [{ code: 'cat', label: 'Cat' }, { code: 'dog', label: 'Dog' }] },
    { linkId: 'smokes', type: 'yes_no', label: 'Smokes', required: true },
    { linkId: 'packs', type: 'number', label: 'Packs a day', required: true, showWhen: { question: 'smokes', operator: 'equals', values: ['true'] } },
    { linkId: 'mail', type: 'email', label: 'Email', required: false },
    { linkId: 'tel', type: 'phone', label: 'Phone', required: false },
    { linkId: 'card', type: 'file', label: 'Card', required: false },
    { linkId: 'sign', type: 'signature', label: 'I agree', required: true },
  ],
};

describe('the browser’s resolver', () => {
  const cases: Answers[] = [
    {},
    { name: 'Ann', age: 40, colour: 'red', smokes: false },
    { name: 'Ann', age: 40.5, colour: 'green', smokes: true },
    { name: 'x'.repeat(501), age: -1, born: '2026-02-30', pets: ['cat', 'cat'], smokes: true, packs: 'many', mail: 'nope', tel: '12', card: 'not-an-id' },
    { name: 'Ann\u0007', age: 121, colour: 'blue', smokes: 'maybe', pets: ['fish'], packs: 3 },
    { name: '  ', age: 30, colour: 'red', smokes: false, packs: 'hidden answers are dropped' },
  ];
  for (const final of [false, true]) {
    it.each(cases)(`gives exactly checkAnswers' problems (final: ${final}) for %j`, async (answers) => {
      const expected = checkAnswers(everyType, answers, { final });
      const result = await answersResolver(everyType, { final: () => final })(answers, undefined, { fields: {}, shouldUseNativeValidation: false });
      const problems = Object.fromEntries(Object.entries(result.errors).map(([linkId, error]) => [linkId, (error as { type: string }).type]));
      expect(problems).toEqual(expected.problems);
      if (Object.keys(expected.problems).length === 0) expect(result.values).toEqual(expected.answers);
    });
  }

  it('has a sentence in every portal language for every problem the page can show', () => {
    for (const key of Object.values(PROBLEM_MESSAGE_KEYS)) {
      expect(forms.en[key]).toBeTruthy();
      expect(forms.es[key]).toBeTruthy();
    }
  });
});

describe('the autosave’s input', () => {
  it('refuses bad input in the forms catalog’s words, never zod’s default English', () => {
    for (const input of [{}, { assignmentId: 1, revision: '1', answers: [] }, { assignmentId: 'x'.repeat(65), revision: -1, answers: null }, { assignmentId: 'a', revision: 1.5, answers: { ['k'.repeat(65)]: 1 } }]) {
      const parsed = saveAnswersSchema.safeParse(input);
      expect(parsed.success).toBe(false);
      for (const issue of parsed.error!.issues) expect(Object.keys(forms.en), issue.message).toContain(issue.message);
    }
    expect(saveAnswersSchema.safeParse({ assignmentId: 'a', revision: 0, answers: { q: 'x' } }).success).toBe(true);
  });
});
