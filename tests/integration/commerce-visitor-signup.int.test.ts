import { randomBytes } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  auditLog, authChallenges, authSessions, commerceSettings, devOutboxMessages, patients, portalAccountPatients, portalAccounts, tenantSettings,
} from '@/db/schema';
import { lockRemainingSeconds, lockoutKey } from '@/lib/auth/lockout';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { completeVisitorSignup, resendVisitorSignupCode, startVisitorSignup, type VisitorSignupInput } from '@/lib/commerce/visitor-signup';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { protectNationalId } from '@/lib/patients/national-id';
import { PORTAL_ACCESS_POLICY } from '@/lib/portal-access/policy';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { cookieName, hostFor, invokeAction } from '../support/action-harness';
import { browserSession } from '../support/browser-session';
import { hostileFormValue, hostileString, leaksIn, stringsIn, toFormData, zodDefaultIn, type FormValue } from '../support/hostile';
import { FakeSms } from '../support/portal-fixtures';
import { commerceClinic } from './commerce-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
// Auth.js as far as the portal uses it: the credentials provider's authorize (lib/auth/portal-session.ts,
// which consumes the verified attempt and writes the session row), then the session cookie it would set.
vi.mock('next-auth', async () => {
  const harness = await import('../support/action-harness');
  const base = harness.nextAuthMock();
  type Provider = { options?: { id?: string; authorize?: (credentials: unknown) => Promise<{ sid?: string } | null> } };
  type Config = { providers: Provider[]; cookies: { sessionToken: { name: string } } };
  const NextAuth = (configOrFn: Config | ((req: undefined) => Config | Promise<Config>)) => ({
    ...base.default(configOrFn as never),
    signIn: async (provider: string, options: { challengeId: string }) => {
      const config = typeof configOrFn === 'function' ? await configOrFn(undefined) : configOrFn;
      const found = config.providers.find((p) => p.options?.id === provider);
      const user = await found?.options?.authorize?.({ challengeId: options.challengeId });
      if (!user?.sid) throw new Error('CredentialsSignin');
      const name = config.cookies.sessionToken.name;
      const cookie = await harness.sessionCookie('portal', user.sid);
      (await harness.nextHeadersMock().cookies()).set(name, cookie[name]!);
    },
  });
  return { ...base, default: NextAuth };
});

/**
 * A new visitor creates their portal account in the shop (issue 17), through the page's action as
 * the form posts it and through lib for the limits: the code is required, the clinic's records are
 * checked only after it, a possible existing patient or account gets one neutral sentence and
 * nothing is made, and a new visitor leaves with a patient record, an account, the link and a session.
 */

const { visitorSignupAction } = await import('@/app/t/[tenant]/portal/(public)/shop/join/actions');
const { default: ShopJoinPage } = await import('@/app/t/[tenant]/portal/(public)/shop/join/page');

const T0 = new Date('2026-05-04T09:00:00Z');
const PASSWORD = 'Granite-orchard-51';
const CHALLENGE_COOKIE = 'cb.challenge';
const NEUTRAL = 'It looks like you may already have an account with the clinic. Sign in, or set up access to your existing record.';
let now = T0;

beforeEach(() => {
  now = T0;
  setClockForTests(() => now);
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

let ipCounter = 0;
const nextIp = () => `198.51.100.${(++ipCounter % 250) + 1}`;
const browser = (slug: string, ip = nextIp()) => browserSession(hostFor(slug), { 'x-forwarded-for': ip });
const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function lastCode(phone: string): Promise<string> {
  const [sms] = await getDb().select().from(devOutboxMessages)
    .where(and(eq(devOutboxMessages.channel, 'sms'), eq(devOutboxMessages.recipient, phone)))
    .orderBy(desc(devOutboxMessages.createdAt))
    .limit(1);
  return /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1] ?? '';
}

/** What a visitor types, unique to this call. */
function visitor(overrides: Record<string, string> = {}) {
  const phone = uniquePhone();
  return {
    intent: 'details', firstName: 'Nora', lastName: `Quintero${randomBytes(2).toString('hex')}`, dateOfBirth: '04/12/1986',
    phone: `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`, email: uniqueEmail('nora'),
    password: PASSWORD, confirmPassword: PASSWORD, terms: 'on', next: '/portal/shop/checkout?product=p1', ...overrides,
  };
}
const e164 = (typed: string) => (typed.startsWith('+') ? typed : `+1${typed.replace(/\D/g, '')}`);

const patientsOf = (tenantId: string) => getDb().select().from(patients).where(eq(patients.tenantId, tenantId));
const accountsOf = (tenantId: string) => getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, tenantId));

describe('a new visitor on the shop', () => {
  it('registers with the SMS code: patient, account, self link and session, then on to the checkout', async () => {
    const clinic = await commerceClinic();
    const tenantId = clinic.tenant.id;
    const before = await patientsOf(tenantId);
    const b = browser(clinic.tenant.slug);
    const typed = visitor();
    const phone = e164(typed.phone);

    // The code is required: nothing to check without an attempt, and nothing is made.
    await b.post(visitorSignupAction, { intent: 'code', code: '123456' });
    expect(b.state).toMatchObject({ step: 'details', message: expect.stringMatching(/start again/i) });

    await b.post(visitorSignupAction, { ...typed, firstName: '', terms: '' });
    expect(b.state).toMatchObject({ step: 'details', values: expect.objectContaining({ email: typed.email }), fieldErrors: { firstName: 'errFirstName' } });
    await b.post(visitorSignupAction, { ...typed, terms: '' });
    expect(b.state).toMatchObject({ step: 'details', fieldErrors: { terms: 'errTerms' } });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();

    await b.post(visitorSignupAction, typed);
    expect(b.state).toEqual({ step: 'code', maskedPhone: `•••• ${phone.slice(-4)}`, resendAt: addSeconds(T0, 60).getTime() });
    expect(b.jar[CHALLENGE_COOKIE]).toMatch(/^[0-9a-f-]{36}$/);
    const [challenge] = await getDb().select().from(authChallenges).where(eq(authChallenges.tenantId, tenantId)).orderBy(desc(authChallenges.createdAt)).limit(1);
    // What was typed waits encrypted; the password only as a hash inside it.
    expect(challenge!.payload).not.toContain(typed.lastName);
    expect(challenge!.payload).not.toContain(typed.email);
    expect(challenge!.payload).not.toContain(PASSWORD);

    // A wrong code counts towards the phone's lockout.
    const code = await lastCode(phone);
    await b.post(visitorSignupAction, { intent: 'code', code: wrong(code) });
    expect(b.state).toMatchObject({ step: 'code', message: expect.stringMatching(/not correct/i) });
    expect(await patientsOf(tenantId)).toHaveLength(before.length);

    const outcome = await b.post(visitorSignupAction, { intent: 'code', code });
    expect(outcome).toMatchObject({ kind: 'redirect', location: '/portal/shop/checkout?product=p1' });

    const made = (await patientsOf(tenantId)).filter((p) => !before.some((o) => o.id === p.id));
    expect(made).toEqual([expect.objectContaining({
      firstName: 'Nora', lastName: typed.lastName, dateOfBirth: '1986-04-12', email: typed.email, phone, preferredLanguage: 'en',
      recordNumber: expect.stringMatching(/^[A-Z]{3}-\d+$/),
    })]);
    const patient = made[0]!;
    const [account] = (await accountsOf(tenantId)).filter((a) => a.email === typed.email);
    expect(account).toMatchObject({ phone, status: 'active', fullName: `Nora ${typed.lastName}` });
    expect(account!.phoneVerifiedAt).not.toBeNull();
    expect(await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, account!.id)))
      .toEqual([expect.objectContaining({ tenantId, patientId: patient.id, relationship: 'self' })]);
    const sessions = await getDb().select().from(authSessions).where(and(eq(authSessions.tenantId, tenantId), eq(authSessions.subjectId, account!.id)));
    expect(sessions).toEqual([expect.objectContaining({ kind: 'portal', selectedPatientId: patient.id, revokedAt: null })]);
    expect(b.jar[cookieName('portal')]).toBeTruthy();
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();

    // Audited as self-registration, with ids only; the typed details are gone from the attempt.
    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.patientId, patient.id)));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.code_sent', 'auth.code_failed', 'patient.created', 'commerce.visitor_registered']));
    expect(audit.find((a) => a.action === 'patient.created')).toMatchObject({ actorKind: 'patient', actorId: account!.id, details: { source: 'self_registration' } });
    for (const entry of audit) {
      const text = JSON.stringify(entry.details ?? {});
      for (const secret of [typed.lastName, typed.email, phone, '1986']) expect(text).not.toContain(secret);
    }
    const [spent] = await getDb().select().from(authChallenges).where(eq(authChallenges.id, challenge!.id));
    expect(spent!.completedAt).not.toBeNull();
    expect(spent!.payload).not.toContain('details');
  });

  it('sends a registered visitor only to a portal path of this site', async () => {
    const clinic = await commerceClinic();
    for (const [next, expected] of [['//evil.com', '/portal/shop/checkout'], ['https://evil.com/portal', '/portal/shop/checkout'], ['/portal/orders', '/portal/orders']] as const) {
      const b = browser(clinic.tenant.slug);
      const typed = visitor({ next });
      await b.post(visitorSignupAction, typed);
      const outcome = await b.post(visitorSignupAction, { intent: 'code', code: await lastCode(e164(typed.phone)) });
      expect(outcome, next).toMatchObject({ kind: 'redirect', location: expected });
    }
  });

  it('is not found when the shop is closed or not open to new visitors, or the portal is off', async () => {
    const closed = await commerceClinic({ shopEnabled: false });
    const members = await commerceClinic({ openToNewVisitors: false });
    const noPortal = await commerceClinic();
    await getDb().update(tenantSettings).set({ portalEnabled: false }).where(eq(tenantSettings.tenantId, noPortal.tenant.id));
    for (const clinic of [closed, members, noPortal]) {
      const host = hostFor(clinic.tenant.slug);
      const page = await invokeAction({ host }, ShopJoinPage, { params: Promise.resolve({ tenant: clinic.tenant.slug }), searchParams: Promise.resolve({}) });
      expect(page.kind, clinic.tenant.slug).toBe('not-found');
      for (const intent of ['details', 'code', 'resend', 'restart']) {
        const b = browser(clinic.tenant.slug);
        const outcome = await b.post(visitorSignupAction, { ...visitor(), intent, code: '123456' });
        expect(outcome.kind, intent).toBe('not-found');
      }
      expect(await getDb().select().from(authChallenges).where(eq(authChallenges.tenantId, clinic.tenant.id))).toHaveLength(0);
    }
    // Open: the page draws the form.
    const open = await commerceClinic();
    const page = await invokeAction({ host: hostFor(open.tenant.slug) }, ShopJoinPage, { params: Promise.resolve({ tenant: open.tenant.slug }), searchParams: Promise.resolve({ next: '//evil.com' }) });
    expect(page.kind).toBe('returned');

    // The shop closing between the two steps stops the second.
    const b = browser(open.tenant.slug);
    const typed = visitor();
    await b.post(visitorSignupAction, typed);
    await getDb().update(commerceSettings).set({ openToNewVisitors: false }).where(eq(commerceSettings.tenantId, open.tenant.id));
    expect((await b.post(visitorSignupAction, { intent: 'code', code: await lastCode(e164(typed.phone)) })).kind).toBe('not-found');
    expect((await accountsOf(open.tenant.id)).some((a) => a.email === typed.email)).toBe(false);
  });
});

describe('a visitor the clinic may already know', () => {
  async function expectNeutral(clinic: Awaited<ReturnType<typeof commerceClinic>>, typed: Record<string, string>, hidden: string[]) {
    const tenantId = clinic.tenant.id;
    const [patientsBefore, accountsBefore] = [await patientsOf(tenantId), await accountsOf(tenantId)];
    const b = browser(clinic.tenant.slug);
    await b.post(visitorSignupAction, typed);
    expect(b.state).toMatchObject({ step: 'code' });
    const outcome = await b.post(visitorSignupAction, { intent: 'code', code: await lastCode(e164(typed.phone!)) });
    expect(outcome.kind).toBe('returned');
    expect(b.state).toEqual({ step: 'may-have-account', message: NEUTRAL });
    for (const secret of hidden) expect(JSON.stringify(b.state)).not.toContain(secret);
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
    expect(b.jar[cookieName('portal')]).toBeUndefined();
    expect(await patientsOf(tenantId)).toHaveLength(patientsBefore.length);
    expect(await accountsOf(tenantId)).toHaveLength(accountsBefore.length);
    const [entry] = await getDb().select().from(auditLog)
      .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'commerce.visitor_registered'))).orderBy(desc(auditLog.id)).limit(1);
    expect(entry).toMatchObject({ outcome: 'failure' });
    return entry!;
  }

  async function patientOf(tenantId: string, values: Partial<typeof patients.$inferInsert> = {}) {
    const [row] = await getDb().insert(patients).values({
      tenantId, recordNumber: `P-${randomBytes(4).toString('hex')}`, firstName: 'Ignatius', lastName: `Wolfenden${randomBytes(2).toString('hex')}`,
      dateOfBirth: '1971-08-30', email: uniqueEmail('ignatius'), phone: uniquePhone(), ...values,
    }).returning();
    return row!;
  }

  it('makes nothing for the same phone and date of birth, and says only the neutral sentence', async () => {
    const clinic = await commerceClinic();
    const known = await patientOf(clinic.tenant.id, { dateOfBirth: '1986-04-12' });
    const typed = visitor({ phone: known.phone! });
    const entry = await expectNeutral(clinic, typed, [known.firstName, known.lastName, known.email!, known.recordNumber]);
    expect(entry).toMatchObject({ patientId: known.id, details: { reason: 'possible-existing-patient', match: 'phone-and-birth-date' } });
  });

  it('makes nothing for the same email and date of birth, or the same name and date of birth', async () => {
    const clinic = await commerceClinic();
    const byEmail = await patientOf(clinic.tenant.id, { dateOfBirth: '1986-04-12' });
    expect(await expectNeutral(clinic, visitor({ email: byEmail.email!.toUpperCase() }), [byEmail.lastName]))
      .toMatchObject({ patientId: byEmail.id, details: { match: 'email-and-birth-date' } });
    const byName = await patientOf(clinic.tenant.id, { firstName: 'Nora', lastName: 'Quintero-Sol', dateOfBirth: '1986-04-12' });
    expect(await expectNeutral(clinic, visitor({ lastName: 'quintero-sol' }), [byName.email!]))
      .toMatchObject({ patientId: byName.id, details: { match: 'name-and-birth-date' } });
  });

  it('answers an email another account signs in with in the same words, and never "taken"', async () => {
    const clinic = await commerceClinic();
    const email = uniqueEmail('taken');
    await getDb().insert(portalAccounts).values({ tenantId: clinic.tenant.id, fullName: 'Someone Else', email, phone: uniquePhone(), phoneVerifiedAt: T0, passwordHash: 'x', status: 'active' });
    const entry = await expectNeutral(clinic, visitor({ email }), ['Someone Else']);
    expect(entry).toMatchObject({ patientId: null, details: { reason: 'identifier-in-use' } });
  });

  it('registers a family member who shares a phone but not a date of birth', async () => {
    const clinic = await commerceClinic();
    const parent = await patientOf(clinic.tenant.id, { dateOfBirth: '1960-01-01' });
    const b = browser(clinic.tenant.slug);
    const typed = visitor({ phone: parent.phone! });
    await b.post(visitorSignupAction, typed);
    expect(await b.post(visitorSignupAction, { intent: 'code', code: await lastCode(parent.phone!) })).toMatchObject({ kind: 'redirect' });
    expect((await patientsOf(clinic.tenant.id)).filter((p) => p.phone === parent.phone)).toHaveLength(2);
  });
});

describe('the clinic of the host', () => {
  it('creates the patient in the host’s clinic only, and checks only that clinic’s records', async () => {
    const a = await commerceClinic();
    const bClinic = await commerceClinic();
    const typed = visitor();
    const first = browser(a.tenant.slug);
    await first.post(visitorSignupAction, typed);
    const codeA = await lastCode(e164(typed.phone));

    // Clinic A's attempt is nothing on clinic B's host, even with A's cookie and code.
    const stranger = browserSession(hostFor(bClinic.tenant.slug), { 'x-forwarded-for': nextIp() });
    Object.assign(stranger.jar, first.jar);
    await stranger.post(visitorSignupAction, { intent: 'code', code: codeA });
    expect(stranger.state).toMatchObject({ step: 'details' });

    expect(await first.post(visitorSignupAction, { intent: 'code', code: codeA })).toMatchObject({ kind: 'redirect' });
    const inA = (await patientsOf(a.tenant.id)).filter((p) => p.email === typed.email);
    expect(inA).toHaveLength(1);
    expect(await getDb().select().from(patients).where(eq(patients.email, typed.email))).toEqual([expect.objectContaining({ tenantId: a.tenant.id })]);
    expect(await getDb().select().from(portalAccounts).where(eq(portalAccounts.email, typed.email))).toEqual([expect.objectContaining({ tenantId: a.tenant.id })]);

    // The same person in clinic B is new to B: A's records are not B's.
    now = addSeconds(T0, 120);
    const second = browser(bClinic.tenant.slug);
    await second.post(visitorSignupAction, typed);
    expect(await second.post(visitorSignupAction, { intent: 'code', code: await lastCode(e164(typed.phone)) })).toMatchObject({ kind: 'redirect' });
    const both = await getDb().select({ tenantId: patients.tenantId }).from(patients).where(eq(patients.email, typed.email));
    expect(both.map((p) => p.tenantId).sort()).toEqual([a.tenant.id, bClinic.tenant.id].sort());
  });
});

describe('limits (lib)', () => {
  const client = (ip: string) => ({ ip, userAgent: 'vitest' });
  const input = (overrides: Partial<VisitorSignupInput> = {}): VisitorSignupInput => ({
    firstName: 'Nora', lastName: 'Quintero', dateOfBirth: '04/12/1986', phone: uniquePhone(), email: uniqueEmail('nora'),
    password: PASSWORD, confirmPassword: PASSWORD, terms: 'on', language: 'en', ...overrides,
  });
  const profileOf = async (tenantId: string) => (await loadTenantProfile(getDb(), tenantId))!;

  it('limits sign-ups per address and codes per phone', async () => {
    const clinic = await commerceClinic();
    const profile = await profileOf(clinic.tenant.id);
    const sms = new FakeSms();
    const ip = nextIp();
    for (let i = 0; i < PORTAL_ACCESS_POLICY.perIpPerHour; i++) {
      expect(await startVisitorSignup(getDb(), profile, input(), client(ip), sms)).toMatchObject({ ok: true });
    }
    expect(await startVisitorSignup(getDb(), profile, input(), client(ip), sms)).toMatchObject({ ok: false, error: 'rate-limited' });
    // Refused details do not count, and are refused before the limit is asked.
    expect(await startVisitorSignup(getDb(), profile, input({ phone: '12' }), client(ip), sms)).toMatchObject({ ok: false, error: 'invalid-input' });
    const sent = sms.sent.length;

    // One phone number gets as many codes an hour as a person signing in, whatever the address.
    const phone = uniquePhone();
    for (let i = 0; i < AUTH_POLICY.codesPerHour; i++) {
      expect(await startVisitorSignup(getDb(), profile, input({ phone }), client(nextIp()), sms)).toMatchObject({ ok: true });
    }
    expect(await startVisitorSignup(getDb(), profile, input({ phone }), client(nextIp()), sms)).toMatchObject({ ok: false, error: 'too-many-codes' });
    expect(sms.sent.length).toBe(sent + AUTH_POLICY.codesPerHour);
    expect(sms.sent.filter((m) => m.to === phone)).toHaveLength(AUTH_POLICY.codesPerHour);
  });

  it('locks the phone after ten wrong codes, across resends', async () => {
    const clinic = await commerceClinic();
    const profile = await profileOf(clinic.tenant.id);
    const sms = new FakeSms();
    const phone = uniquePhone();
    const started = await startVisitorSignup(getDb(), profile, input({ phone }), client(nextIp()), sms);
    if (!started.ok) throw new Error(started.error);
    const attempt = started.challengeId;
    const who = client(nextIp());
    for (let i = 0; i < AUTH_POLICY.codeMaxAttempts - 1; i++) {
      expect(await completeVisitorSignup(getDb(), profile, attempt, wrong(sms.lastCode()), who)).toMatchObject({ ok: false, error: 'wrong-code' });
    }
    expect(await completeVisitorSignup(getDb(), profile, attempt, wrong(sms.lastCode()), who)).toMatchObject({ ok: false, error: 'too-many-attempts' });
    now = addSeconds(T0, 61);
    expect(await resendVisitorSignupCode(getDb(), profile, attempt, who, sms)).toMatchObject({ ok: true });
    for (let i = 0; i < AUTH_POLICY.failedSignInsBeforeLock - AUTH_POLICY.codeMaxAttempts - 1; i++) {
      expect(await completeVisitorSignup(getDb(), profile, attempt, wrong(sms.lastCode()), who)).toMatchObject({ ok: false, error: 'wrong-code' });
    }
    expect(await completeVisitorSignup(getDb(), profile, attempt, wrong(sms.lastCode()), who)).toMatchObject({ ok: false, error: 'locked' });
    expect(await lockRemainingSeconds(getDb(), lockoutKey('portal-signup', clinic.tenant.id, phone))).toBe(AUTH_POLICY.lockSeconds);
    // Locked: not even the right code, and no new attempt for that phone.
    expect(await completeVisitorSignup(getDb(), profile, attempt, sms.lastCode(), who)).toMatchObject({ ok: false, error: 'locked' });
    now = addSeconds(T0, 130);
    expect(await resendVisitorSignupCode(getDb(), profile, attempt, who, sms)).toMatchObject({ ok: false, error: 'too-many-codes' });
    expect(await startVisitorSignup(getDb(), profile, input({ phone }), client(nextIp()), sms)).toMatchObject({ ok: false, error: 'locked' });
    expect((await accountsOf(clinic.tenant.id)).filter((a) => a.phone === phone)).toHaveLength(0);
  });

  it('signs a national-ID clinic’s visitor up with the ID, and knows a patient by it', async () => {
    const clinic = await commerceClinic();
    await getDb().update(tenantSettings).set({ identificationMode: 'national_id', nationalIdLabel: 'SSN' }).where(eq(tenantSettings.tenantId, clinic.tenant.id));
    const profile = await profileOf(clinic.tenant.id);
    const sms = new FakeSms();
    const started = await startVisitorSignup(getDb(), profile, input({ identifier: '900-12-3456' }), client(nextIp()), sms);
    if (!started.ok) throw new Error(started.error);
    const done = await completeVisitorSignup(getDb(), profile, started.challengeId, sms.lastCode(), client(nextIp()));
    if (!done.ok || done.outcome !== 'registered') throw new Error(JSON.stringify(done));
    const ssn = protectNationalId('900123456');
    const [patient] = await getDb().select().from(patients).where(and(eq(patients.tenantId, clinic.tenant.id), eq(patients.id, done.patientId)));
    expect(patient).toMatchObject({ nationalIdHash: ssn.nationalIdHash, nationalIdLast4: '3456' });
    expect(await getDb().select({ hash: portalAccounts.nationalIdHash }).from(portalAccounts).where(inArray(portalAccounts.id, [done.accountId])))
      .toEqual([{ hash: ssn.nationalIdHash }]);

    // The same ID again, with every other detail new: the neutral answer.
    now = addSeconds(T0, 120);
    const again = await startVisitorSignup(getDb(), profile, input({ identifier: '900123456', firstName: 'Other', dateOfBirth: '01/01/1990' }), client(nextIp()), sms);
    if (!again.ok) throw new Error(again.error);
    expect(await completeVisitorSignup(getDb(), profile, again.challengeId, sms.lastCode(), client(nextIp()))).toEqual({ ok: true, outcome: 'may-have-account' });
  });
});

describe('hostile input on an open shop', () => {
  const FIELDS = ['firstName', 'lastName', 'dateOfBirth', 'phone', 'email', 'identifier', 'password', 'confirmPassword', 'terms', 'next', 'code'] as const;

  it('answers every step without a 500, a leak or zod’s own words, and makes no record', async () => {
    const clinic = await commerceClinic();
    const tenantId = clinic.tenant.id;
    const [patientsBefore, accountsBefore] = [(await patientsOf(tenantId)).length, (await accountsOf(tenantId)).length];
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('details', 'code', 'resend', 'restart', 'password', 'nonsense'),
      fc.constantFrom(...FIELDS),
      fc.oneof(hostileFormValue, hostileString),
      async (intent, field, value) => {
        const fields: Record<string, FormValue> = { ...visitor(), intent, [field]: value as FormValue };
        const outcome = await invokeAction({ host: hostFor(clinic.tenant.slug), headers: { 'x-forwarded-for': nextIp() } }, visitorSignupAction, { step: 'details' }, toFormData(fields));
        if (outcome.kind === 'threw') throw new Error(`${intent} ${field}: threw ${String((outcome.error as Error)?.stack ?? outcome.error)}`);
        // Nothing here can end in an account (no code was sent to these fields' phone): every step answers in place.
        if (outcome.kind !== 'returned') throw new Error(`${intent} ${field}: ${outcome.kind}`);
        const { values: _echoed, ...said } = outcome.value as Record<string, unknown>;
        for (const text of stringsIn(said)) {
          expect(leaksIn(text), text.slice(0, 200)).toEqual([]);
          expect(zodDefaultIn(text), text.slice(0, 200)).toBe(false);
        }
      },
    ), { numRuns: 120 });
    expect(await patientsOf(tenantId)).toHaveLength(patientsBefore);
    expect(await accountsOf(tenantId)).toHaveLength(accountsBefore);
  });
});
