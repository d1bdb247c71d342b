import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { automations, billingSettings, coupons, formResponses, formTemplates, messageTemplates, products } from '@/db/schema';
import { checkAnswers } from '@/lib/clinic-forms/answers';
import type { FormField } from '@/lib/clinic-forms/definition';
import { MAX_FIELDS } from '@/lib/clinic-forms/definition-schema';
import { fromResponseItems, type ResponseItem } from '@/lib/clinic-forms/response-items';
import { getTemplate } from '@/lib/clinic-forms/templates';
import { checkCoupon } from '@/lib/commerce/checkout';
import { checkTemplateText } from '@/lib/engagement/templates/placeholders';
import { describeOutcome, diffSnapshots, formData, hostFor, invokeAction, safeJson, signIn, snapshotTenants, type Outcome, type RequestSpec } from '../support/action-harness';
import { hostileNumberText, hostileString, hostileValue, leaksIn, stringsIn, zodDefaultIn } from '../support/hostile';
import { createStaffContext } from '../support/staff-context';
import { assign, CONTACT_FORM, formsClinic } from './forms-fill-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Issue 21 point 7, bad input for the second wave's schemas through the real actions, past the
 * ids (random FormData in bad-input-actions rarely gets there): the form builder's save and
 * publish with definitions deep, wide, cyclic and of the wrong types; the portal's autosave and
 * submit with answers of the wrong type; product prices and coupon amounts as typed in every
 * wrong way; coupon codes that look like another. Every call: no throw but Next's redirect (a
 * throw is a 500), no internals and no zod wording in the answer, nothing written on refusal
 * (the clinic's rows compared before and after), and a value stored is the value meant.
 */

const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 8);
const SEED = 2126;

const formsActions = await import('@/app/t/[tenant]/crm/(app)/forms/actions');
const portalForms = await import('@/app/t/[tenant]/portal/(app)/forms/actions');
const productActions = await import('@/app/t/[tenant]/crm/(app)/products/actions');
const couponActions = await import('@/app/t/[tenant]/crm/(app)/coupons/actions');
const automationActions = await import('@/app/t/[tenant]/crm/(app)/automations/actions');
const templateActions = await import('@/app/t/[tenant]/crm/(app)/templates/actions');

type Clinic = Awaited<ReturnType<typeof formsClinic>>;
let clinic: Clinic;
let staffReq: RequestSpec;
let portalReq: RequestSpec;

/**
 * A clinic of its own for each part: a submitted form is filed after the answer (a document
 * written a moment later), which must not show as a write in the next part's before/after.
 */
async function freshClinic(): Promise<void> {
  clinic = await formsClinic();
  const admin = await createStaffContext(clinic.tenant, 'admin');
  staffReq = { host: hostFor(clinic.tenant.slug), cookies: (await signIn('staff', { tenantId: clinic.tenant.id, subjectId: admin.actor.id })).cookies, path: '/crm' };
  portalReq = {
    host: hostFor(clinic.tenant.slug),
    cookies: (await signIn('portal', { tenantId: clinic.tenant.id, subjectId: clinic.maria.account.id, selectedPatientId: clinic.leo.id })).cookies,
    path: '/portal/forms',
  };
  await getDb().insert(billingSettings).values({ tenantId: clinic.tenant.id, paymentsEnabled: true, gateway: 'test' }).onConflictDoNothing();
}

/** The answer's words (messages and field errors; the echo of what was typed left out), each checked. */
function answerOf(outcome: Outcome, where: string): Record<string, unknown> {
  if (outcome.kind === 'threw') throw new Error(`${where}: threw (a 500): ${describeOutcome(outcome)}`);
  if (outcome.kind !== 'returned') return {};
  const value = (outcome.value ?? {}) as Record<string, unknown>;
  const { values: _echo, answers: _answers, signatures: _signatures, ...said } = value;
  for (const text of stringsIn(said)) {
    expect(leaksIn(text), `${where}: ${text.slice(0, 200)}`).toEqual([]);
    expect(zodDefaultIn(text), `${where}: ${text.slice(0, 200)}`).toBe(false);
  }
  return value;
}

/** Runs a call and says what it changed in the clinic's rows (sessions' last-seen aside). */
async function changes(call: () => Promise<Outcome>): Promise<{ outcome: Outcome; changed: string[] }> {
  const before = await snapshotTenants([clinic.tenant.id]);
  const outcome = await call();
  const after = await snapshotTenants([clinic.tenant.id]);
  const changed = diffSnapshots(before, after)
    .filter((c) => !['auth_sessions', 'audit_log'].includes(c.key.split(':')[0]!))
    .map((c) => `${c.kind} ${c.key} ${c.columns.join(',')}`);
  return { outcome, changed };
}

const refused = (value: Record<string, unknown>) => value.ok !== true;

// ---- The form builder ------------------------------------------------------------------------------

describe('form builder: save and publish with hostile definitions', () => {
  let templateId: string;

  beforeAll(async () => {
    await freshClinic();
    const created = await invokeAction(staffReq, formsActions.createFormAction, {}, formData({ kind: 'questionnaire', title: 'Bad input' }));
    expect(created.kind, describeOutcome(created)).toBe('redirect');
    templateId = (created as { location: string }).location.split('/').at(-1)!;
  });

  const question = (linkId: string, extra: Partial<FormField> = {}): FormField => ({ linkId, type: 'short_text', label: `Q ${linkId}`, required: false, ...extra });
  const definitionOf = (fields: unknown) => ({ title: 'Bad input', kind: 'questionnaire', fields });
  /** As JSON text: JSON.stringify itself overflows the stack on an object 10,000 deep. */
  function nested(depth: number): string {
    const open = Array.from({ length: depth }, (_, i) => `{"linkId":"s${i}","type":"section","label":"S","required":false,"fields":[`).join('');
    return `{"title":"Bad input","kind":"questionnaire","fields":[${open}${JSON.stringify(question('leaf'))}${']}'.repeat(depth)}]}`;
  }
  const revision = async () => (await getDb().select({ r: formTemplates.draftRevision }).from(formTemplates).where(eq(formTemplates.id, templateId)))[0]!.r;
  const save = async (definition: unknown) => {
    const r = await revision();
    return invokeAction(staffReq, formsActions.saveFormDraftAction, {}, formData({ templateId, revision: String(r), definition: typeof definition === 'string' ? definition : JSON.stringify(definition) }));
  };

  it.each([
    ['sections 1,000 deep', () => nested(1_000)],
    ['sections 10,000 deep', () => nested(10_000)],
    [`${MAX_FIELDS + 1} fields`, () => definitionOf(Array.from({ length: MAX_FIELDS + 1 }, (_, i) => question(`q${i}`)))],
    ['10,000 fields', () => definitionOf(Array.from({ length: 10_000 }, (_, i) => question(`q${i}`)))],
    ['a 100,000-character label', () => definitionOf([question('a', { label: 'x'.repeat(100_000) })])],
    ['fields that are a string', () => definitionOf('fields')],
    ['a field of the wrong types everywhere', () => definitionOf([{ linkId: 7, type: ['text'], label: null, required: 'yes', options: {}, showWhen: 'a' }])],
    ['a condition operator that does not exist', () => definitionOf([question('a'), question('b', { showWhen: { question: 'a', operator: 'matches' as never, values: ['.*'] } })])],
    ['a kind that does not exist', () => ({ ...definitionOf([question('a')]), kind: 'prescription' })],
    ['not JSON', () => '{"title":'],
    ['JSON null', () => 'null'],
  ])('%s: refused in words, nothing written', async (_name, make) => {
    const { outcome, changed } = await changes(() => save(make()));
    const value = answerOf(outcome, _name);
    expect(refused(value), describeOutcome(outcome)).toBe(true);
    expect(changed).toEqual([]);
  }, 60_000);

  it('cyclic, self and dangling conditions and duplicate ids: saved as a draft with the problems named, never published, the builder still opens it', async () => {
    const fields = [
      question('a', { showWhen: { question: 'b', operator: 'answered', values: [] } }),
      question('b', { showWhen: { question: 'a', operator: 'answered', values: [] } }),
      question('self', { showWhen: { question: 'self', operator: 'equals', values: ['x'] } }),
      question('ghost', { showWhen: { question: 'nobody', operator: 'one_of', values: ['x'] } }),
      question('a'),
    ];
    const value = answerOf(await save(definitionOf(fields)), 'cyclic');
    expect(value.ok).toBe(true);
    expect((value.problems as string[]).join(' ')).toMatch(/does not come before it/);
    expect((value.problems as string[]).join(' ')).toMatch(/share the id/);

    const { outcome, changed } = await changes(async () => invokeAction(staffReq, formsActions.publishFormAction, {}, formData({ templateId, revision: String(await revision()) })));
    expect(refused(answerOf(outcome, 'publish')), describeOutcome(outcome)).toBe(true);
    expect(changed).toEqual([]);
    const admin = await createStaffContext(clinic.tenant, 'admin');
    expect((await getTemplate(getDb(), admin, templateId)).definition.fields).toHaveLength(5);
  }, 60_000);

  it('an imported questionnaire nested 2,000 deep is refused in words, nothing written', async () => {
    let item: unknown = { linkId: 'leaf', type: 'string', text: 'Q' };
    for (let i = 0; i < 2_000; i++) item = { linkId: `g${i}`, type: 'group', text: 'G', item: [item] };
    const json = JSON.stringify({ resourceType: 'Questionnaire', status: 'draft', title: 'Deep', item: [item] });
    const { outcome, changed } = await changes(() => invokeAction(staffReq, formsActions.importFormAction, {}, formData({ json })));
    expect(refused(answerOf(outcome, 'import')), describeOutcome(outcome)).toBe(true);
    expect(changed).toEqual([]);
  }, 60_000);
});

// ---- The portal's autosave and submit ------------------------------------------------------------------

describe('portal forms: answers of the wrong type', () => {
  let assignmentId: string;
  const FIELDS = ['email', 'phone', 'city', 'smokes', 'packs', 'notes', 'card'];
  const definition = CONTACT_FORM;

  beforeAll(async () => {
    await freshClinic();
    assignmentId = (await assign(clinic.tenant.id, clinic.leo.id, clinic.contactTemplate)).id;
  });

  const current = async () => {
    const [row] = await getDb().select().from(formResponses).where(and(eq(formResponses.tenantId, clinic.tenant.id), eq(formResponses.assignmentId, assignmentId)));
    return row;
  };

  const wrongAnswer: fc.Arbitrary<unknown> = fc.oneof(
    hostileValue,
    fc.constantFrom(42, -1, 1e308, 2.5, true, 'true', 'yes', ['a@b.co'], { value: 'x' }, Array.from({ length: 20_000 }, () => 'x'), 'x'.repeat(20_000), '2026-02-30', '0000-00-00'),
    fc.constantFrom('00000000-0000-0000-0000-000000000000', '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c'), // an attachment id from nowhere
  );

  it('autosave (property): never a 500 nor zod’s words; what is stored passes the form’s own checks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...FIELDS, '__proto__', 'sign', 'ghost'), wrongAnswer, { minKeys: 1, maxKeys: 5 }), async (answers) => {
        const revision = (await current())?.revision ?? 0;
        const outcome = await invokeAction(portalReq, portalForms.saveFormAnswersCall, { assignmentId, revision, answers });
        answerOf(outcome, `autosave ${safeJson(answers).slice(0, 300)}`);
        const row = await current();
        if (!row) return;
        const stored = fromResponseItems(definition, row.items as ResponseItem[]);
        // What is stored is what the form accepts: checking it again finds no problem and keeps it all.
        const again = checkAnswers(definition, stored, { final: false });
        expect(again.problems).toEqual({});
        expect(again.answers).toEqual(stored);
      }),
      { numRuns: RUNS * 3, seed: SEED },
    );
  }, 120_000);

  it('autosave with a body that is not an object, or answers that are not a record: refused in words, nothing written', async () => {
    for (const input of [null, 'answers', [], { assignmentId, revision: 'x', answers: {} }, { assignmentId, revision: 0, answers: [] }, { assignmentId, revision: 0, answers: 'x' }, { assignmentId: 42, revision: 0, answers: {} }]) {
      const { outcome, changed } = await changes(() => invokeAction(portalReq, portalForms.saveFormAnswersCall, input));
      expect(refused(answerOf(outcome, safeJson(input))), describeOutcome(outcome)).toBe(true);
      expect(changed).toEqual([]);
    }
  }, 60_000);

  it('submit with an attachment id from elsewhere (a file never uploaded to this form): refused, nothing written', async () => {
    for (const card of ['00000000-0000-0000-0000-000000000000', '3f1c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c', '../../other/file']) {
      const revision = String((await current())?.revision ?? 0);
      const form = formData({
        assignmentId, revision, intent: 'submit', 'answer.email': 'maria@example.test', 'answer.smokes': 'false', 'answer.card': card,
        'signature.sign.name': 'Maria Lopez', 'signature.sign.role': 'parent',
      });
      const { outcome, changed } = await changes(() => invokeAction(portalReq, portalForms.fillFormAction, {}, form));
      const value = answerOf(outcome, card);
      expect(refused(value), describeOutcome(outcome)).toBe(true);
      expect(value.problems ?? {}, describeOutcome(outcome)).toMatchObject({ card: 'file' });
      expect(changed).toEqual([]);
    }
  }, 60_000);

  it('submit (property) with answers of the wrong type: refused in words, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.record({ email: fc.oneof(hostileString, fc.constant('maria@example.test')), smokes: fc.oneof(fc.constantFrom('true', 'false'), hostileString), packs: fc.oneof(hostileNumberText, hostileString), card: hostileString }), async (a) => {
        const revision = String((await current())?.revision ?? 0);
        const form = formData({
          assignmentId, revision, intent: 'submit', 'answer.email': a.email, 'answer.smokes': a.smokes, 'answer.packs': a.packs, 'answer.card': a.card,
          'signature.sign.name': 'Maria Lopez', 'signature.sign.drawing': '',
        });
        const { outcome, changed } = await changes(() => invokeAction(portalReq, portalForms.fillFormAction, {}, form));
        if (outcome.kind === 'redirect') return; // a valid submission (the arbitrary can make one): nothing to check here
        const value = answerOf(outcome, `submit ${safeJson(a).slice(0, 300)}`);
        expect(refused(value)).toBe(true);
        expect(changed).toEqual([]);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  }, 120_000);
});

// ---- Amounts and coupon codes ------------------------------------------------------------------------------

/** The cents a dollar amount means, by the strict rule (bad-input-money.unit.test.ts); null when it means none. */
function meant(text: string): number | null {
  const m = /^\s*(?:\$|US\$|USD)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{0,2}))?\s*$/i.exec(text);
  if (!m) return null;
  const whole = m[1]!.replaceAll(',', '');
  return whole.length > 9 ? null : Number(whole) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

const AMOUNTS = ['-1', '0', '1e308', '9007199254740993', 'Infinity', 'NaN', '10.005', '1e-3', '€10', '10 EUR', '١٠', '１０', '10,50', '1,000.50', '$1,200', '12.3', ' 7 '];

describe('amounts typed into the catalogue', () => {
  let n = 0;
  beforeAll(freshClinic);
  it.each(AMOUNTS.map((a) => [a]))('a product price of %j is refused in words with nothing written, or stored as meant', async (price) => {
    const name = `Kit ${++n}`;
    const { outcome, changed } = await changes(() => invokeAction(staffReq, productActions.createProductAction, {}, formData({
      currency: 'USD', name, description: '', kind: 'one_time', price, category: '', visibility: 'portal', position: '0',
    })));
    const value = answerOf(outcome, price);
    const [row] = await getDb().select({ unitAmount: products.unitAmount }).from(products).where(and(eq(products.tenantId, clinic.tenant.id), eq(products.name, name)));
    if (outcome.kind === 'returned' && refused(value)) {
      expect(changed).toEqual([]);
      expect(row).toBeUndefined();
    } else {
      expect(row?.unitAmount, describeOutcome(outcome)).toBe(meant(price));
    }
    // Every amount that means one is taken (the refusals above are not a form that refuses all).
    expect(row !== undefined, describeOutcome(outcome)).toBe(meant(price) !== null);
  }, 60_000);

  it.each(AMOUNTS.map((a) => [a]))('a coupon’s amount off of %j is refused in words with nothing written, or stored as meant', async (amount) => {
    const code = `AMT${++n}X`;
    const { outcome, changed } = await changes(() => invokeAction(staffReq, couponActions.createCouponAction, {}, formData({
      currency: 'USD', code, description: '', kind: 'amount', percent: '', amount, validFrom: '', validTo: '', appliesTo: 'all', maxRedemptions: '', perPatientLimit: '', subscriptionCycles: '',
    })));
    const value = answerOf(outcome, amount);
    const [row] = await getDb().select({ amountOff: coupons.amountOff }).from(coupons).where(and(eq(coupons.tenantId, clinic.tenant.id), eq(coupons.code, code)));
    if (outcome.kind === 'returned' && refused(value)) {
      expect(changed).toEqual([]);
      expect(row).toBeUndefined();
    } else {
      expect(row?.amountOff, describeOutcome(outcome)).toBe(meant(amount));
      expect(row!.amountOff!).toBeGreaterThan(0);
    }
    expect(row !== undefined, describeOutcome(outcome)).toBe((meant(amount) ?? 0) > 0);
  }, 60_000);
});

describe('coupon codes that look like another', () => {
  const LOOK_ALIKES = ['WЕLCOME10', 'ＷＥＬＣＯＭＥ１０', 'WELCOME\u200D10', 'WE\u0301LCOME10', '\u202EWELCOME10', 'WELCOMEⅠ0', '\u212AWELCOME10'];
  const couponForm = (code: string) => formData({
    currency: 'USD', code, description: '', kind: 'percent', percent: '10', amount: '', validFrom: '', validTo: '', appliesTo: 'all', maxRedemptions: '', perPatientLimit: '', subscriptionCycles: '',
  });

  beforeAll(async () => {
    await freshClinic();
    const outcome = await invokeAction(staffReq, couponActions.createCouponAction, {}, couponForm('WELCOME10'));
    expect(outcome.kind === 'redirect' || (outcome.kind === 'returned' && (outcome.value as { ok?: boolean }).ok), describeOutcome(outcome)).toBe(true);
  });

  it.each(LOOK_ALIKES.map((c) => [c]))('%j cannot be created beside WELCOME10 (refused in words, nothing written)', async (code) => {
    const { outcome, changed } = await changes(() => invokeAction(staffReq, couponActions.createCouponAction, {}, couponForm(code)));
    expect(refused(answerOf(outcome, code)), describeOutcome(outcome)).toBe(true);
    expect(changed).toEqual([]);
  }, 60_000);

  it('welcome10 in another case is the same code: refused as taken', async () => {
    const { outcome, changed } = await changes(() => invokeAction(staffReq, couponActions.createCouponAction, {}, couponForm('welcome10')));
    const value = answerOf(outcome, 'welcome10');
    expect(refused(value)).toBe(true);
    expect(JSON.stringify(value)).toMatch(/already has a coupon/);
    expect(changed).toEqual([]);
  }, 60_000);

  it.each(LOOK_ALIKES.map((c) => [c]))('%j redeems nothing at checkout (unknown code)', async (code) => {
    await expect(checkCoupon(getDb(), clinic.tenant.id, code, { productIds: [], patientId: null, currency: 'USD' })).rejects.toMatchObject({ code: 'coupon-unknown' });
  });
});

// ---- Automations and templates -------------------------------------------------------------------------------

describe('automation builder and message templates: hostile posts', () => {
  beforeAll(freshClinic);

  const post = (fields: Record<string, string | readonly string[]>) => invokeAction(staffReq, automationActions.automationBuilderAction, {}, formData(fields));
  const base = { intent: 'save', name: 'Reminder', trigger: 'appointment.booked', 'steps.0.kind': 'wait', 'steps.0.duration.amount': '1', 'steps.0.duration.unit': 'days' };

  it.each([
    ['an operator that does not exist', { ...base, 'filter.0.kind': 'event', 'filter.0.key': 'serviceId', 'filter.0.op': 'matches', 'filter.0.values': '.*' }],
    ['an event field named __proto__', { ...base, 'filter.0.kind': 'event', 'filter.0.key': '__proto__', 'filter.0.op': 'in', 'filter.0.values': 'x' }],
    ['an age of the wrong type', { ...base, 'filter.0.kind': 'age', 'filter.0.op': 'at_least', 'filter.0.years': '1e3' }],
    ['a wait of a year and two days', { ...base, 'steps.0.duration.amount': '367', 'steps.0.duration.unit': 'days' }],
    ['a wait of -1 days', { ...base, 'steps.0.duration.amount': '-1' }],
    ['10,000 filter conditions', { ...base, ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`filter.${i}.kind`, 'tag'])) }],
    ['10,000 values', { ...base, 'filter.0.kind': 'language', 'filter.0.values': Array.from({ length: 10_000 }, () => 'en') }],
    ['a 100,000-character name', { ...base, name: 'x'.repeat(100_000) }],
  ])('%s: never a 500, refused in words, nothing written', async (_name, fields) => {
    const { outcome, changed } = await changes(() => post(fields as Record<string, string | readonly string[]>));
    expect(refused(answerOf(outcome, _name)), describeOutcome(outcome)).toBe(true);
    expect(changed).toEqual([]);
  }, 60_000);

  it('a valid draft is saved (so the refusals above are not a builder that refuses everything)', async () => {
    const outcome = await post(base);
    expect(outcome.kind, describeOutcome(outcome)).toBe('redirect');
  }, 60_000);

  it.each([
    ['a condition kind that does not exist', { 'filter.0.kind': 'script', 'filter.0.op': 'in', 'steps.1.kind': 'exec', 'steps.1.url': 'file:///etc/passwd' }],
    ['prototype keys in the names', { 'steps.0.__proto__.kind': 'webhook', 'filter.__proto__.kind': 'event', 'steps.0.constructor.prototype': 'x', '__proto__.name': 'x', 'steps.__proto__': 'x' }],
  ])('%s: left out (the builder reads its own fields only), the rest saved as typed', async (_name, extra) => {
    const name = `Reminder ${Math.random().toString(36).slice(2, 8)}`;
    const outcome = await post({ ...base, name, ...extra });
    expect(outcome.kind, describeOutcome(outcome)).toBe('redirect');
    const [row] = await getDb().select().from(automations).where(and(eq(automations.tenantId, clinic.tenant.id), eq(automations.name, name)));
    expect(row!.filter).toEqual([]);
    expect(row!.steps).toEqual([{ kind: 'wait', duration: { amount: 1, unit: 'days' } }]);
  }, 60_000);

  const templateForm = (enBody: string, enSubject = 'Hello') => formData({ name: `T ${Math.random().toString(36).slice(2, 8)}`, channel: 'email', purpose: 'marketing', enSubject, enBody, esSubject: '', esBody: '' });

  it.each([
    ['an unknown placeholder', 'Hi {{patient.diagnosis}}'],
    ['a placeholder of another patient', 'Hi {{patient.1.firstName}}'],
    ['a visit’s placeholder in marketing', 'See you {{appointment.date}}'],
    ['an unclosed brace', 'Hi {{patient.firstName'],
    ['braces 5,000 deep', `${'{'.repeat(5_000)}patient.firstName${'}'.repeat(5_000)}`],
    ['5,000 unclosed openings', '{{'.repeat(5_000)],
    ['a 100,000-character body', 'x'.repeat(100_000)],
  ])('a template with %s: refused in words, nothing written', async (_name, body) => {
    const { outcome, changed } = await changes(() => invokeAction(staffReq, templateActions.createTemplateAction, {}, templateForm(body)));
    const { values: _echo, ...said } = answerOf(outcome, _name);
    expect(refused(said), describeOutcome(outcome)).toBe(true);
    // The words beside the field stay a few sentences, however many problems the text has.
    expect(JSON.stringify(said).length).toBeLessThan(5_000);
    expect(changed).toEqual([]);
  }, 60_000);

  it('a template with script in its words is stored as typed text, its placeholders all allowed', async () => {
    const outcome = await invokeAction(staffReq, templateActions.createTemplateAction, {}, templateForm('<script>alert(1)</script> Hi {{patient.firstName}}', '<img src=x onerror=alert(1)>'));
    expect(outcome.kind, describeOutcome(outcome)).toBe('redirect');
    const id = (outcome as { location: string }).location.split('/').at(-1)!.split('?')[0]!;
    const [row] = await getDb().select().from(messageTemplates).where(and(eq(messageTemplates.tenantId, clinic.tenant.id), eq(messageTemplates.id, id)));
    const en = (row!.content as Record<string, { body: string }>).en!;
    expect(checkTemplateText(en.body, { channel: 'email', purpose: 'marketing' })).toEqual([]);
  }, 60_000);
});
