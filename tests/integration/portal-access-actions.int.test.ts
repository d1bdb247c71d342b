import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { devOutboxMessages, patientPortalSettings, patients } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { hostFor } from '../support/action-harness';
import { browserSession } from '../support/browser-session';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The signed-out portal flows through their actions, as the forms post them: each step's answer
 * (the step the page shows, its messages, what it keeps), and the challenge cookie that carries
 * the attempt from one step to the next. The lib rules behind them have their own tests.
 */

const { portalSignInAction } = await import('@/app/t/[tenant]/portal/(public)/sign-in/actions');
const { claimAction } = await import('@/app/t/[tenant]/portal/(public)/claim/actions');
const { forgotPasswordAction } = await import('@/app/t/[tenant]/portal/(public)/forgot-password/actions');
const { resetLinkAction } = await import('@/app/t/[tenant]/portal/(public)/reset-password/[token]/actions');
const { activationAction } = await import('@/app/t/[tenant]/portal/(public)/activate/actions');
const { inviteAction } = await import('@/app/t/[tenant]/portal/(public)/invite/[token]/actions');
const { setPortalLanguageAction } = await import('@/app/t/[tenant]/portal/(public)/actions');

const T0 = new Date('2026-05-04T09:00:00Z');
const PASSWORD = 'Copper-kettle-64';
const CHALLENGE_COOKIE = 'cb.challenge';
let now = T0;

beforeEach(() => {
  now = T0;
  setClockForTests(() => now);
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

/** One browser on one clinic's host. */
const browser = (slug: string, ip = `198.51.100.${Math.floor(Math.random() * 250) + 1}`) => browserSession(hostFor(slug), { 'x-forwarded-for': ip });

async function lastCode(phone: string): Promise<string> {
  const [sms] = await getDb().select().from(devOutboxMessages)
    .where(and(eq(devOutboxMessages.channel, 'sms'), eq(devOutboxMessages.recipient, phone)))
    .orderBy(desc(devOutboxMessages.createdAt))
    .limit(1);
  return /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1] ?? '';
}

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('portal sign-in', () => {
  it('asks for what is missing, refuses a wrong password, then takes the code step by step', async () => {
    const clinic = await createTestTenant();
    const phone = uniquePhone();
    const { account } = await createPortalAccount(clinic, { email: uniqueEmail('rosa'), phone, password: PASSWORD });
    const b = browser(clinic.slug);

    await b.post(portalSignInAction, { intent: 'credentials', identifier: ' ', password: '' });
    expect(b.state).toEqual({ step: 'credentials', values: { identifier: ' ' }, fieldErrors: { identifier: 'Enter your email.', password: 'Enter your password.' } });

    await b.post(portalSignInAction, { intent: 'credentials', identifier: account.email!, password: 'Not-the-password1' });
    expect(b.state).toEqual({ step: 'credentials', values: { identifier: account.email }, message: 'The email or password is not correct. Check both and try again.' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();

    await b.post(portalSignInAction, { intent: 'credentials', identifier: account.email!, password: PASSWORD });
    expect(b.state).toEqual({ step: 'code', maskedPhone: `•••• ${phone.slice(-4)}`, resendAt: addSeconds(T0, 60).getTime() });
    expect(b.jar[CHALLENGE_COOKIE]).toMatch(/^[0-9a-f-]{36}$/);

    await b.post(portalSignInAction, { intent: 'code', code: '' });
    expect(b.state).toMatchObject({ step: 'code', fieldErrors: { code: 'Enter the 6 digits from the SMS.' } });
    await b.post(portalSignInAction, { intent: 'code', code: '12' });
    expect(b.state).toMatchObject({ step: 'code', fieldErrors: { code: 'Enter the 6 digits from the SMS.' } });
    await b.post(portalSignInAction, { intent: 'code', code: wrong(await lastCode(phone)) });
    expect(b.state).toMatchObject({ step: 'code', message: 'That code is not correct. 4 tries left.', fieldErrors: undefined });

    await b.post(portalSignInAction, { intent: 'resend' });
    expect(b.state).toMatchObject({ step: 'code', message: 'You can ask for a new code in 60 seconds.' });
    now = addSeconds(T0, 61);
    await b.post(portalSignInAction, { intent: 'resend' });
    expect(b.state).toMatchObject({ step: 'code', notice: 'We sent a new code.', message: undefined, resendAt: addSeconds(now, 60).getTime() });

    // The right code: Auth.js takes over (the harness has no Auth.js, so the attempt cannot finish here).
    const signedIn = await b.post(portalSignInAction, { intent: 'code', code: await lastCode(phone) });
    expect(signedIn).toMatchObject({ kind: 'returned', value: { step: 'credentials', message: 'Your sign-in attempt has expired. Please start again.' } });

    await b.post(portalSignInAction, { intent: 'restart' });
    expect(b.state).toEqual({ step: 'credentials' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
  });

  it('answers in the device’s language', async () => {
    const clinic = await createTestTenant();
    const b = browser(clinic.slug);
    await b.post(setPortalLanguageAction, { language: 'es' });
    expect(b.jar.cb_portal_lang).toBe('es');
    await b.post(portalSignInAction, { intent: 'credentials', identifier: '', password: '' });
    expect(b.state).toMatchObject({ fieldErrors: { identifier: 'Escriba su correo electrónico.' } });
    await b.post(setPortalLanguageAction, { language: 'fr' });
    expect(b.jar.cb_portal_lang).toBe('es');
  });
});

describe('automatic access (claim)', () => {
  it('answers an unknown identifier like a known one, and starts again on request', async () => {
    const clinic = await createTestTenant({ settings: { accessMode: 'automatic' } });
    const b = browser(clinic.slug);
    await b.post(claimAction, { intent: 'identifier', identifier: '' });
    expect(b.state).toEqual({ step: 'identifier', values: { identifier: '' }, fieldErrors: { identifier: 'Enter your email.' } });

    await b.post(claimAction, { intent: 'identifier', identifier: uniqueEmail('nobody') });
    expect(b.state).toEqual({ step: 'code', resendAt: addSeconds(T0, 60).getTime() });
    expect(b.jar[CHALLENGE_COOKIE]).toMatch(/^[0-9a-f-]{36}$/);
    await b.post(claimAction, { intent: 'code', code: '123456' });
    expect(b.state).toMatchObject({ step: 'code', message: 'That code is not correct. 4 tries left.' });
    await b.post(claimAction, { intent: 'resend' });
    expect(b.state).toMatchObject({ step: 'code', message: 'You can ask for a new code in 60 seconds.', notice: undefined });

    await b.post(claimAction, { intent: 'restart' });
    expect(b.state).toEqual({ step: 'identifier' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
  });

  it('takes a known patient from the code to the password and on to sign-in', async () => {
    const clinic = await createTestTenant({ settings: { accessMode: 'automatic' } });
    const phone = uniquePhone();
    const email = uniqueEmail('tomas');
    await getDb().insert(patients).values({
      tenantId: clinic.id, recordNumber: `P-${randomBytes(3).toString('hex')}`, firstName: 'Tomas', lastName: 'Ferreira', dateOfBirth: '1980-02-03', email, phone,
    });
    const b = browser(clinic.slug);
    await b.post(claimAction, { intent: 'identifier', identifier: email });
    expect(b.state).toEqual({ step: 'code', resendAt: addSeconds(T0, 60).getTime() });
    await b.post(claimAction, { intent: 'code', code: await lastCode(phone) });
    expect(b.state).toEqual({ step: 'password' });
    await b.post(claimAction, { intent: 'password', password: PASSWORD, confirmPassword: 'Something-else-1' });
    expect(b.state).toEqual({ step: 'password', fieldErrors: { confirmPassword: 'The two passwords don’t match. Type the same password in both fields.' } });
    const done = await b.post(claimAction, { intent: 'password', password: PASSWORD, confirmPassword: PASSWORD });
    expect(done).toMatchObject({ kind: 'redirect', location: '/portal/sign-in?reason=activated' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();

    // The same person again: told only after the code that an account exists.
    now = addSeconds(T0, 120);
    await b.post(claimAction, { intent: 'identifier', identifier: email });
    await b.post(claimAction, { intent: 'code', code: await lastCode(phone) });
    expect(b.state).toEqual({ step: 'account-exists', message: 'You already have a portal account. Sign in, or use “Forgot password” if you don’t remember your password.' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
  });
});

describe('forgot password and the emailed link', () => {
  it('sends the code, checks it and sets the new password', async () => {
    const clinic = await createTestTenant();
    const phone = uniquePhone();
    const { account } = await createPortalAccount(clinic, { email: uniqueEmail('ines'), phone, password: PASSWORD });
    const b = browser(clinic.slug);
    await b.post(forgotPasswordAction, { intent: 'email-link', identifier: 'not an email' });
    expect(b.state).toEqual({ step: 'identifier', values: { identifier: 'not an email' }, fieldErrors: { identifier: 'Enter a valid email address.' } });
    await b.post(forgotPasswordAction, { intent: 'email-link', identifier: account.email! });
    expect(b.state).toEqual({ step: 'link-sent', notice: 'If we have an account with that email, we sent it a link to reset the password. The link expires in 1 hour.' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();

    await b.post(forgotPasswordAction, { intent: 'identifier', identifier: account.email! });
    expect(b.state).toEqual({ step: 'code', resendAt: addSeconds(T0, 60).getTime() });
    now = addSeconds(T0, 61);
    await b.post(forgotPasswordAction, { intent: 'resend' });
    expect(b.state).toMatchObject({ step: 'code', notice: 'If we have an account for you, we sent a new code.' });
    await b.post(forgotPasswordAction, { intent: 'code', code: await lastCode(phone) });
    expect(b.state).toEqual({ step: 'password' });
    await b.post(forgotPasswordAction, { intent: 'password', password: 'short', confirmPassword: 'short' });
    expect(b.state).toMatchObject({ step: 'password', passwordProblems: expect.arrayContaining(['Use at least 8 characters.']) });
    const done = await b.post(forgotPasswordAction, { intent: 'password', password: 'Fresh-meadow-93', confirmPassword: 'Fresh-meadow-93' });
    expect(done).toMatchObject({ kind: 'redirect', location: '/portal/sign-in?reason=password-reset' });
  });

  it('closes a reset or invitation page whose token does not parse', async () => {
    const clinic = await createTestTenant();
    const b = browser(clinic.slug);
    await b.post(resetLinkAction, { intent: 'start', token: 'short' });
    expect(b.state).toEqual({ step: 'closed', message: 'This link is not valid. Check that you opened the whole link from the email.' });
    await b.post(inviteAction, { intent: 'new', token: 'x'.repeat(43), password: PASSWORD, confirmPassword: PASSWORD });
    expect(b.state).toEqual({ step: 'closed', message: 'This link is not valid. Check that you opened the whole link from the email.' });
    await b.post(inviteAction, { intent: 'existing', token: 'short', currentPassword: '' });
    expect(b.state).toEqual({ step: 'closed', message: 'This link is not valid. Check that you opened the whole link from the email.' });
    await b.post(inviteAction, { intent: 'new', token: 'x'.repeat(43), password: 'x'.repeat(2000), confirmPassword: '' });
    expect(b.state).toEqual({ step: 'password', fieldErrors: { password: 'That is too long.' } });
  });
});

describe('printed activation', () => {
  it('keeps what was typed, counts wrong details and carries the found record to the next step', async () => {
    const clinic = await createTestTenant();
    const phone = uniquePhone();
    const [patient] = await getDb().insert(patients).values({
      tenantId: clinic.id, recordNumber: `P-${randomBytes(3).toString('hex')}`, firstName: 'Lucia', lastName: 'Brandt', dateOfBirth: '1962-11-05', phone,
      email: uniqueEmail('lucia'),
    }).returning();
    await getDb().insert(patientPortalSettings).values({ tenantId: clinic.id, patientId: patient!.id, accessEnabled: true, portalCode: '314159' });
    const b = browser(clinic.slug);

    await b.post(activationAction, { intent: 'details', portalCode: '31', firstInitial: '', lastInitial: 'B', dateOfBirth: '11/05/1962' });
    expect(b.state).toEqual({
      step: 'details',
      values: { portalCode: '31', firstInitial: '', lastInitial: 'B', dateOfBirth: '11/05/1962' },
      fieldErrors: { portalCode: 'The portal ID is 6 digits, as printed on your instructions.', firstInitial: 'Enter the first letter of your first name.' },
    });
    await b.post(activationAction, { intent: 'details', portalCode: '314159', firstInitial: 'X', lastInitial: 'B', dateOfBirth: '11/05/1962' });
    expect(b.state).toMatchObject({ step: 'details', values: { portalCode: '314159' }, message: expect.stringContaining('4 tries left before you have to wait an hour.') });

    await b.post(activationAction, { intent: 'details', portalCode: '314 159', firstInitial: 'l', lastInitial: 'B', dateOfBirth: '11/05/1962' });
    // Nothing from the record but the masked phone before the SMS code: the email is typed.
    expect(b.state).toEqual({ step: 'credentials', values: { identifier: '' }, maskedPhone: `•••• ${phone.slice(-4)}` });
    await b.post(activationAction, { intent: 'credentials', identifier: patient!.email!, password: PASSWORD, confirmPassword: 'nope' });
    expect(b.state).toEqual({
      step: 'credentials', values: { identifier: patient!.email }, maskedPhone: `•••• ${phone.slice(-4)}`,
      fieldErrors: { confirmPassword: 'The two passwords don’t match. Type the same password in both fields.' },
      message: undefined, notice: undefined, passwordProblems: undefined,
    });
    await b.post(activationAction, { intent: 'credentials', identifier: patient!.email!, password: PASSWORD, confirmPassword: PASSWORD });
    expect(b.state).toMatchObject({ step: 'code', maskedPhone: `•••• ${phone.slice(-4)}`, resendAt: addSeconds(T0, 60).getTime(), fieldErrors: undefined });
    const done = await b.post(activationAction, { intent: 'code', code: await lastCode(phone) });
    // Auth.js is not in this harness, so the session cannot start and the new account is sent to
    // sign in; with it, activation ends signed in (portal-activation-sign-in.int.test.ts).
    expect(done).toMatchObject({ kind: 'redirect', location: '/portal/sign-in?reason=activated' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
  });

  it('goes back to the details when the attempt is gone', async () => {
    const clinic = await createTestTenant();
    const b = browser(clinic.slug);
    await b.post(activationAction, { intent: 'credentials', identifier: 'a@b.test', password: PASSWORD, confirmPassword: PASSWORD });
    expect(b.state).toEqual({ step: 'details', message: 'Your sign-in attempt has expired. Please start again.' });
    await b.post(activationAction, { intent: 'resend' });
    expect(b.state).toEqual({ step: 'details', message: 'Your sign-in attempt has expired. Please start again.' });
    await b.post(activationAction, { intent: 'nonsense' });
    expect(b.state).toEqual({ step: 'details' });
  });
});
