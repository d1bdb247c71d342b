import { describe, expect, it } from 'vitest';
import { checkVisitorDetails, type VisitorSignupInput } from '@/lib/commerce/visitor-signup';
import { DEFAULT_AFTER_SIGNUP, safeNextPath, signupFieldTexts, visitorSignupSchema } from '@/lib/commerce/visitor-signup-forms';
import { placeholders } from '@/lib/i18n/core';
import { shopJoin } from '@/lib/i18n/messages/shop-join';
import { nationalIdLookupHash } from '@/lib/patients/national-id';

/** The shop's sign-up for new visitors: where it may send them after, and how it reads what they type. */

describe('safeNextPath', () => {
  it('keeps a portal path of this site, with its query', async () => {
    expect(safeNextPath('/portal/shop/checkout')).toBe('/portal/shop/checkout');
    expect(safeNextPath('/portal/shop/checkout?product=abc&coupon=WELCOME10')).toBe('/portal/shop/checkout?product=abc&coupon=WELCOME10');
    expect(safeNextPath('/portal')).toBe('/portal');
    expect(safeNextPath('/portal/orders#latest')).toBe('/portal/orders');
  });

  it('sends anything else to the checkout', async () => {
    for (const bad of [
      undefined, null, '', 'portal/shop', '//evil.com', '//evil.com/portal', '/\\evil.com', '/\\/evil.com/portal', '\\\\evil.com',
      'https://evil.com/portal', 'javascript:alert(1)', '/\t/evil.com', '/%0a/evil.com', '/emr', '/crm/products', '/portalx', '/portal-evil',
      '/portal/../emr', '/portal/%2e%2e/emr', '/portal/%2E%2E/crm', '/portal/shop/join', '/portal/shop/join?next=/portal',
      `/portal/${'a'.repeat(600)}`, '/portal/\u0000',
    ]) {
      expect(safeNextPath(bad), String(bad)).toBe(DEFAULT_AFTER_SIGNUP);
    }
    // Whatever it answers is a path on this site, never one a browser reads as another host.
    for (const odd of ['/portal//evil.com', '/portal/\\evil.com', '/portal/./x/../y']) {
      const path = safeNextPath(odd);
      expect(path.startsWith('/portal')).toBe(true);
      expect(path.startsWith('//')).toBe(false);
      expect(path).not.toContain('\\');
    }
  });
});

const base: VisitorSignupInput = {
  firstName: 'Nora', lastName: 'Quintero', dateOfBirth: '04/12/1986', phone: '(555) 555-0142', email: ' Nora.Q@Example.TEST ',
  password: 'Granite-orchard-51', confirmPassword: 'Granite-orchard-51', terms: 'on', language: 'en',
};
const us = { mode: 'email' as const, country: 'US' as const, today: '2026-06-01' };

describe('checkVisitorDetails', () => {
  it('stores the phone in E.164 in the clinic’s country, the date as ISO, the email lower-case', async () => {
    expect(await checkVisitorDetails(base, us)).toEqual({
      ok: true,
      details: { firstName: 'Nora', lastName: 'Quintero', dateOfBirth: '1986-04-12', email: 'nora.q@example.test', phone: '+15555550142', nationalId: null },
    });
    // A number without a country code is read in the clinic's country; with one, as typed.
    const hu = await checkVisitorDetails({ ...base, phone: '06 20 123 4567' }, { ...us, country: 'HU' });
    expect(hu.ok && hu.details.phone).toBe('+36201234567');
    const abroad = await checkVisitorDetails({ ...base, phone: '+44 7700 900123' }, us);
    expect(abroad.ok && abroad.details.phone).toBe('+447700900123');
  });

  it('names every problem at once, as catalogue keys (the password’s in the policy’s words)', async () => {
    const result = await checkVisitorDetails({ ...base, dateOfBirth: '02/30/1990', phone: '12', terms: undefined, password: 'quintero', confirmPassword: 'x' }, us);
    expect(result).toEqual({
      ok: false,
      problems: {
        dateOfBirth: 'errDateOfBirth', phone: 'errPhone', terms: 'errTerms',
        password: expect.arrayContaining(['Don’t use your name or email address in your password.']),
        confirmPassword: 'The two passwords don’t match. Type the same password in both fields.',
      },
    });
    for (const key of ['errDateOfBirth', 'errPhone', 'errTerms'] as const) expect(shopJoin.en[key]).toBeTruthy();
  });

  it('takes a date of birth between 1900 and today only', async () => {
    expect(await checkVisitorDetails({ ...base, dateOfBirth: '06/02/2026' }, us)).toMatchObject({ ok: false, problems: { dateOfBirth: 'errDateOfBirthRange' } });
    expect(await checkVisitorDetails({ ...base, dateOfBirth: '12/31/1899' }, us)).toMatchObject({ ok: false, problems: { dateOfBirth: 'errDateOfBirthRange' } });
    expect(await checkVisitorDetails({ ...base, dateOfBirth: '2026-06-01' }, us)).toMatchObject({ ok: true });
  });

  it('asks for the national ID in a national-ID clinic, and keeps it as patients do', async () => {
    const clinic = { ...us, mode: 'national_id' as const };
    expect(await checkVisitorDetails(base, clinic)).toMatchObject({ ok: false, problems: { identifier: 'errIdentifier' } });
    expect(await checkVisitorDetails({ ...base, identifier: '12' }, clinic)).toMatchObject({ ok: false, problems: { identifier: 'errIdentifierShape' } });
    const ok = await checkVisitorDetails({ ...base, identifier: '900-12-3456' }, clinic);
    if (!ok.ok) throw new Error('expected the details to pass');
    expect(ok.details.nationalId).toEqual({ nationalIdEnc: expect.stringMatching(/^v1\./), nationalIdHash: nationalIdLookupHash('900123456'), nationalIdLast4: '3456' });
    // An email clinic does not read it.
    expect(await checkVisitorDetails({ ...base, identifier: '900-12-3456' }, us)).toMatchObject({ ok: true, details: { nationalId: null } });
  });
});

describe('the sign-up form', () => {
  it('checks shape in the browser, with catalogue keys the page words', async () => {
    const parsed = visitorSignupSchema.safeParse({ firstName: '', lastName: 'A<b', dateOfBirth: '1986', phone: '', email: 'nope', password: '', confirmPassword: '' });
    expect(parsed.success).toBe(false);
    const errors = Object.fromEntries((parsed.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));
    expect(errors).toEqual({
      firstName: 'errFirstName', lastName: 'errLastName', dateOfBirth: 'errDateOfBirth', phone: 'errPhone', email: 'errEmail',
      password: 'errPasswordMissing', confirmPassword: 'errConfirmMissing',
    });
    const texts = signupFieldTexts(shopJoin.es, { clinic: 'Clínica Sol', identifier: 'SSN', callingCode: '1' });
    for (const key of Object.values(errors)) expect(texts[key], key).toBeTruthy();
    expect(texts.errPhone).toContain('+1');
    expect(texts.errIdentifier).toBe('Escriba su SSN.');
    expect(Object.values(texts).join(' ')).not.toMatch(/\{\w+\}/);
  });

  it('has every sentence in both languages with the same placeholders', async () => {
    for (const key of Object.keys(shopJoin.en) as (keyof typeof shopJoin.en)[]) {
      expect(shopJoin.es[key], key).toBeTruthy();
      expect(placeholders(shopJoin.es[key]), key).toEqual(placeholders(shopJoin.en[key]));
    }
  });
});
