import { describe, expect, it } from 'vitest';
import { couponFromForm, createCouponSchema, updateCouponSchema } from '@/lib/commerce/coupon-forms';
import { describePhases, firstPhaseAmount, type PhaseTextInput } from '@/lib/commerce/phase-text';
import { productImageTypeForFile, productImageUrl } from '@/lib/commerce/product-image-rules';
import { createProductSchema, productFromForm, readPhaseRows, readUploadRows, updateProductSchema } from '@/lib/commerce/product-forms';
import { parseRetryDays, parseTeams, shopSettingsFormValues, shopSettingsSchema } from '@/lib/commerce/settings-forms';

const phase = (position: number, unitAmount: number, cycles: number | null, intervalUnit: PhaseTextInput['intervalUnit'] = 'month', intervalCount = 1): PhaseTextInput => ({
  position, unitAmount, intervalUnit, intervalCount, cycles,
});

describe('describePhases', () => {
  it('says the issue’s example as a person would', () => {
    expect(describePhases([phase(0, 9900, 1), phase(1, 14900, null)], 'USD')).toBe('$99.00 for the first month, then $149.00 every month');
  });

  it('reads phases in position order, whatever order they come in', () => {
    expect(describePhases([phase(1, 14900, null), phase(0, 9900, 1)], 'USD')).toBe('$99.00 for the first month, then $149.00 every month');
  });

  it('says how often and for how long a phase of several payments charges, and when the subscription ends', () => {
    expect(describePhases([phase(0, 5000, 3)], 'USD')).toBe('$50.00 every month for 3 months, then the subscription ends');
    expect(describePhases([phase(0, 5000, 1)], 'USD')).toBe('$50.00 for one month, then the subscription ends');
    expect(describePhases([phase(0, 7900, 3), phase(1, 12900, 2, 'month', 3), phase(2, 19900, null, 'year')], 'USD'))
      .toBe('$79.00 every month for the first 3 months, then $129.00 every 3 months for the next 6 months, then $199.00 every year');
    expect(describePhases([phase(0, 1000, 2, 'week', 2), phase(1, 900, 1, 'day')], 'USD'))
      .toBe('$10.00 every 2 weeks for the first 4 weeks, then $9.00 for the next day, then the subscription ends');
    expect(describePhases([phase(0, 2500, null, 'week', 2)], 'USD')).toBe('$25.00 every 2 weeks');
  });

  it('formats in the clinic’s currency and says when there is nothing yet', () => {
    expect(describePhases([phase(0, 12000, null)], 'EUR')).toBe('€120.00 every month');
    expect(describePhases([], 'USD')).toBe('No billing phases yet');
    expect(firstPhaseAmount([phase(1, 14900, null), phase(0, 9900, 1)])).toBe(9900);
    expect(firstPhaseAmount([])).toBeNull();
  });
});

/** The product form as a browser posts it. */
const productForm = (values: Record<string, unknown> = {}) => ({
  currency: 'USD', name: ' Care plan ', description: '', category: '', kind: 'subscription', price: '',
  phasePrice: ['99', '149', ''], phaseUnit: ['month', 'month', 'month'], phaseCount: ['1', '1', '1'], phaseEnds: ['cycles', 'forever', 'forever'],
  phaseCycles: ['1', '', ''], visibility: 'portal', taxable: 'on', position: '',
  uploadId: ['', ''], uploadLabel: ['Photo ID', ''], uploadTypeId: ['', ''],
  ...values,
});

const firstIssue = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => result.error?.issues[0];

describe('the product form', () => {
  it('reads a subscription: phases in order from the filled rows, spare rows skipped, checkboxes and blanks', () => {
    const input = productFromForm(createProductSchema.parse(productForm()));
    expect(input).toEqual({
      name: 'Care plan', description: '', category: null, kind: 'subscription', unitAmount: null, visibility: 'portal', taxable: true, requiresShipping: false,
      position: 0, imageAlt: null, requiredFormIds: [],
      phases: [
        { position: 0, unitAmount: 9900, intervalUnit: 'month', intervalCount: 1, cycles: 1 },
        { position: 1, unitAmount: 14900, intervalUnit: 'month', intervalCount: 1, cycles: null },
      ],
      uploads: [{ id: null, label: 'Photo ID', documentTypeId: null }],
    });
  });

  it('reads a one-time product’s price and ignores the phase rows', () => {
    const input = productFromForm(createProductSchema.parse(productForm({ kind: 'one_time', price: '$1,200.50', phasePrice: ['x'] })));
    expect(input).toMatchObject({ kind: 'one_time', unitAmount: 120050, phases: [] });
    expect(firstIssue(createProductSchema.safeParse(productForm({ kind: 'one_time', price: '12.345' })))).toMatchObject({ path: ['price'] });
    expect(firstIssue(createProductSchema.safeParse(productForm({ kind: 'one_time', price: '2000000' })))).toMatchObject({ path: ['price'], message: 'The price is more than a product can cost.' });
  });

  it('words each phase problem by its row', () => {
    const rows = (over: Partial<Record<'price' | 'unit' | 'count' | 'ends' | 'cycles', string>>[]) =>
      readPhaseRows(over.map((o) => ({ price: '10', unit: 'month', count: '1', ends: 'cycles', cycles: '1', ...o })), 'USD');
    expect(rows([{ ends: 'forever', cycles: '' }, {}])).toEqual({ error: 'Phase 1: only the last phase can repeat until cancelled. Give this one a number of payments.' });
    expect(rows([{}, { price: 'ten' }])).toEqual({ error: 'Phase 2: enter the price as an amount such as 99 or 99.50.' });
    expect(rows([{ unit: 'fortnight' }])).toEqual({ error: 'Phase 1: choose days, weeks, months or years.' });
    expect(rows([{ count: '0' }])).toMatchObject({ error: expect.stringMatching(/^Phase 1: enter how often/) });
    expect(rows([{ count: '366' }])).toMatchObject({ error: expect.stringMatching(/^Phase 1: enter how often/) });
    expect(rows([{ cycles: '' }])).toMatchObject({ error: expect.stringMatching(/^Phase 1: enter the number of payments/) });
    expect(rows([{ cycles: '1001' }])).toMatchObject({ error: expect.stringMatching(/^Phase 1: enter the number of payments/) });
    expect(rows([{ ends: 'sometimes' }])).toMatchObject({ error: expect.stringMatching(/^Phase 1: choose a number of payments/) });
    expect(rows(Array.from({ length: 11 }, () => ({})))).toEqual({ error: 'A subscription can have at most 10 phases.' });
    expect(rows([{ price: '', cycles: '' }])).toEqual({ error: 'Add at least one billing phase with a price.' });
    expect(rows([{}, { ends: 'forever', cycles: '7' }])).toMatchObject({ phases: [{ cycles: 1 }, { cycles: null }] });
    // The schema puts the row's words under "phases", where the form shows them.
    expect(firstIssue(createProductSchema.safeParse(productForm({ phaseEnds: ['forever', 'forever'] })))).toMatchObject({ path: ['phases'] });
  });

  it('reads upload rows: a label is needed, ids must be ids and once each', () => {
    const rows = (uploadId: string[], uploadLabel: string[], uploadTypeId: string[]) => readUploadRows({ uploadId, uploadLabel, uploadTypeId });
    const typeId = '3f1c1c2e-8a52-4d7b-9a0e-0d2b6f1e4c11';
    expect(rows(['', ''], ['', ''], ['', ''])).toEqual({ uploads: [] });
    expect(rows([''], [''], [typeId])).toEqual({ error: 'Upload 1: enter what the patient should upload, such as “Photo ID”.' });
    expect(rows([''], ['Photo ID'], ['nope'])).toEqual({ error: 'Upload 1: choose the document type from the list.' });
    expect(rows([typeId, typeId.toUpperCase()], ['A', 'B'], ['', ''])).toEqual({ error: 'Reload the page and try again.' });
    expect(rows([''], ['Photo\u0007 ID'], [''])).toMatchObject({ error: expect.stringMatching(/control characters/) });
    expect(rows([typeId.toUpperCase()], ['Photo ID'], [typeId.toUpperCase()])).toEqual({ uploads: [{ id: typeId, label: 'Photo ID', documentTypeId: typeId }] });
  });

  it('refuses fields it does not have, files where text belongs, and bad ids, in its own words', () => {
    const file = new File(['x'], 'x.pdf');
    expect(firstIssue(createProductSchema.safeParse({ ...productForm(), status: 'archived' }))!.message).toBe('This form sent a field it does not have. Reload the page and try again.');
    for (const field of ['name', 'description', 'category', 'kind', 'price', 'visibility', 'position', 'imageAlt', 'phasePrice', 'uploadLabel', 'requiredFormIds', 'currency']) {
      const issue = firstIssue(createProductSchema.safeParse(productForm({ [field]: file })));
      expect(issue?.message, field).toBeTruthy();
      expect(issue!.message, field).not.toMatch(/^Invalid|expected \w+, received/);
    }
    expect(firstIssue(updateProductSchema.safeParse({ ...productForm(), productId: 'x' }))!.message).toBe('This product no longer exists. Reload the page.');
    // Nothing ticked (react-hook-form's false) is no forms.
    expect(createProductSchema.parse(productForm({ requiredFormIds: false })).requiredFormIds).toEqual([]);
  });
});

const couponForm = (values: Record<string, unknown> = {}) => ({
  currency: 'USD', code: ' Welcome10 ', description: '', kind: 'percent', percent: '10', amount: '', validFrom: '', validTo: '',
  appliesTo: 'all', productIds: [], maxRedemptions: '', perPatientLimit: '', subscriptionCycles: '', ...values,
});

describe('the coupon form', () => {
  it('reads a percent as basis points, blanks as no limit, all products as null', () => {
    expect(couponFromForm(createCouponSchema.parse(couponForm()))).toEqual({
      code: 'Welcome10', description: null, kind: 'percent', percentBp: 1000, amountOff: null, validFrom: null, validTo: null, productIds: null,
      maxRedemptions: null, perPatientLimit: null, firstOrderOnly: false, subscriptionCycles: null,
    });
  });

  it('reads a fixed amount, dates, chosen products and limits', () => {
    const id = '3f1c1c2e-8a52-4d7b-9a0e-0d2b6f1e4c11';
    expect(couponFromForm(createCouponSchema.parse(couponForm({
      kind: 'amount', percent: 'ignored', amount: '15.5', validFrom: '2026-02-01', validTo: '2026-02-28', appliesTo: 'chosen', productIds: [id.toUpperCase(), id],
      maxRedemptions: '100', perPatientLimit: '2', subscriptionCycles: '1', firstOrderOnly: 'on',
    })))).toMatchObject({ kind: 'amount', percentBp: null, amountOff: 1550, validFrom: '2026-02-01', validTo: '2026-02-28', productIds: [id], maxRedemptions: 100, perPatientLimit: 2, subscriptionCycles: 1, firstOrderOnly: true });
  });

  it('refuses bad codes, values, dates, limits and an empty product choice beside their fields', () => {
    const issue = (values: Record<string, unknown>) => firstIssue(createCouponSchema.safeParse(couponForm(values)));
    expect(issue({ code: 'ab' })).toMatchObject({ path: ['code'] });
    expect(issue({ code: 'way-too-long-for-a-code-really-yes' })).toMatchObject({ path: ['code'] });
    expect(issue({ code: 'SPACE BAR' })).toMatchObject({ path: ['code'] });
    expect(issue({ percent: '0' })).toMatchObject({ path: ['percent'] });
    expect(issue({ percent: '100.5' })).toMatchObject({ path: ['percent'] });
    expect(issue({ kind: 'amount', amount: '0' })).toMatchObject({ path: ['amount'] });
    expect(issue({ validFrom: '2026-02-30' })).toMatchObject({ path: ['validFrom'] });
    expect(issue({ validFrom: '2026-03-02', validTo: '2026-03-01' })).toMatchObject({ path: ['validTo'], message: 'The last day must be on or after the first.' });
    expect(issue({ maxRedemptions: '0' })).toMatchObject({ path: ['maxRedemptions'] });
    expect(issue({ perPatientLimit: '1.5' })).toMatchObject({ path: ['perPatientLimit'] });
    expect(issue({ subscriptionCycles: '1001' })).toMatchObject({ path: ['subscriptionCycles'] });
    expect(issue({ appliesTo: 'chosen' })).toMatchObject({ path: ['productIds'] });
    expect(issue({ productIds: ['not-an-id'], appliesTo: 'chosen' })).toMatchObject({ path: ['productIds', 0], message: 'Choose the products from the list.' });
    expect(firstIssue(updateCouponSchema.safeParse(couponForm()))).toMatchObject({ path: ['couponId'] });
    // 100 % is a coupon that makes the line free; it is allowed.
    expect(couponFromForm(createCouponSchema.parse(couponForm({ percent: '100' }))).percentBp).toBe(10_000);
  });
});

describe('the shop options form', () => {
  it('reads retry days as a rising list of 1 to 6 days from 1 to 30', () => {
    expect(parseRetryDays('1, 3, 7')).toEqual([1, 3, 7]);
    expect(parseRetryDays(' 2 5 ')).toEqual([2, 5]);
    expect(parseRetryDays('1,2,3,4,5,6')).toEqual([1, 2, 3, 4, 5, 6]);
    for (const bad of ['', '3, 1', '1, 1', '0', '31', '1,2,3,4,5,6,7', '1.5', 'one']) expect(typeof parseRetryDays(bad), bad).toBe('string');
  });

  it('reads teams one per line, trimmed, each once in any case', () => {
    expect(parseTeams('Pharmacy\r\n  Support \n\n')).toEqual(['Pharmacy', 'Support']);
    expect(parseTeams('')).toEqual([]);
    expect(parseTeams('A\na')).toMatch(/listed twice/);
    expect(parseTeams('x'.repeat(61))).toMatch(/60 characters/);
    expect(parseTeams(Array.from({ length: 21 }, (_, i) => `T${i}`).join('\n'))).toMatch(/20 teams/);
  });

  it('round-trips the saved options through the form', () => {
    const saved = { shopEnabled: true, openToNewVisitors: false, allowSkip: true, allowPause: false, maxPauseDays: 30, allowReschedule: true, rescheduleWindowDays: 0, allowCancel: true, retryDays: [1, 3, 7], requirementsDueDays: 7, teams: ['Fulfilment', 'Support'] };
    expect(shopSettingsSchema.parse(shopSettingsFormValues(saved))).toEqual(saved);
    expect(firstIssue(shopSettingsSchema.safeParse({ ...shopSettingsFormValues(saved), maxPauseDays: '366' }))).toMatchObject({ path: ['maxPauseDays'] });
    expect(firstIssue(shopSettingsSchema.safeParse({ ...shopSettingsFormValues(saved), requirementsDueDays: '' }))).toMatchObject({ path: ['requirementsDueDays'] });
  });
});

describe('product picture names', () => {
  it('serves only the names uploads make, with the type from the extension the upload chose', () => {
    const file = '3f1c1c2e-8a52-4d7b-9a0e-0d2b6f1e4c11.webp';
    expect(productImageTypeForFile(file)).toBe('image/webp');
    expect(productImageTypeForFile('../x.png')).toBeNull();
    expect(productImageTypeForFile('3f1c1c2e-8a52-4d7b-9a0e-0d2b6f1e4c11.svg')).toBeNull();
    expect(productImageUrl(`tenant/products/${file}`)).toBe(`/api/commerce/product-images/${file}`);
    expect(productImageUrl(null)).toBeNull();
  });
});
