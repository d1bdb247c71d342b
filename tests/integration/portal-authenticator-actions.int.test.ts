import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { renderToReadableStream } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { authChallenges, portalAccounts } from '@/db/schema';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { encryptField } from '@/lib/crypto/field-encryption';
import { currentTotp } from '@/lib/identity/totp';
import type { FormAction } from '@/lib/actions/result';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { confirmAuthenticatorEnrolment, getAuthenticatorStatus, startAuthenticatorEnrolment } from '@/lib/portal-access/authenticator';
import type { AuthenticatorFormState } from '@/lib/portal-access/authenticator-forms';
import { formData, hostFor, invokeAction, signIn } from '../support/action-harness';
import { browserSession } from '../support/browser-session';
import { createTestTenant } from '../support/factories';
import { portalAccountContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The authenticator app through its actions and page, as the forms post them: the sign-in page's
 * "Use my authenticator app instead" steps (what each answer shows, in the reader's language),
 * and the Settings section's forms (the QR code, the recovery codes in the one answer that made
 * them). The rules behind them are tested in portal-authenticator.int.test.ts.
 */

const { portalSignInAction } = await import('@/app/t/[tenant]/portal/(public)/sign-in/actions');
const { setPortalLanguageAction } = await import('@/app/t/[tenant]/portal/(public)/actions');
const settingsActions = await import('@/app/t/[tenant]/portal/(app)/settings/authenticator-actions');
const { default: settingsPage } = await import('@/app/t/[tenant]/portal/(app)/settings/page');

const T0 = new Date('2026-05-04T09:00:10Z');
const PASSWORD = 'Copper-kettle-64';
const CHALLENGE_COOKIE = 'cb.challenge';
let now = T0;

beforeEach(() => {
  now = T0;
  setClockForTests(() => now);
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

const browser = (slug: string) => browserSession(hostFor(slug), { 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250) + 1}` });
const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function patientOf(clinic: { id: string }, enrolled: boolean) {
  const email = `app.${randomBytes(3).toString('hex')}@example.test`;
  const fixture = await createPortalAccount(clinic, { email, phone: uniquePhone(), password: PASSWORD });
  const ctx = portalAccountContext(clinic, fixture.account.id);
  let secret = '';
  let codes: string[] = [];
  if (enrolled) {
    await startAuthenticatorEnrolment(getDb(), ctx);
    const status = await getAuthenticatorStatus(getDb(), ctx, 'x');
    if (status.state !== 'pending') throw new Error('not pending');
    secret = status.secret;
    const confirmed = await confirmAuthenticatorEnrolment(getDb(), ctx, { code: currentTotp(secret, now) });
    if (!confirmed.ok) throw new Error(confirmed.error);
    codes = confirmed.recoveryCodes;
    // The enrolling code's 30 seconds are spent.
    now = addSeconds(now, 30);
  }
  return { ...fixture, email, ctx, secret, codes };
}

describe('portal sign-in with the authenticator app', () => {
  it('offers the app at the code step, switches to it and back, and takes its code like the SMS code', async () => {
    const clinic = await createTestTenant({ settings: { portalTotpAllowed: true } });
    const p = await patientOf(clinic, true);
    const b = browser(clinic.slug);

    await b.post(portalSignInAction, { intent: 'credentials', identifier: p.email, password: PASSWORD });
    const codeStep = { step: 'code', maskedPhone: `•••• ${p.account.phone.slice(-4)}`, resendAt: addSeconds(now, 60).getTime(), appOffered: true };
    expect(b.state).toEqual(codeStep);

    await b.post(portalSignInAction, { intent: 'use-app' });
    expect(b.state).toMatchObject({ ...codeStep, step: 'app' });
    await b.post(portalSignInAction, { intent: 'app-code', code: ' ' });
    expect(b.state).toMatchObject({ step: 'app', fieldErrors: { code: 'Enter the 6-digit code from your app, or a recovery code such as abcde-23456.' } });
    await b.post(portalSignInAction, { intent: 'app-code', code: other(currentTotp(p.secret, now)) });
    expect(b.state).toMatchObject({
      step: 'app', fieldErrors: undefined,
      message: 'That code is not correct. Use the newest code in the app, or a recovery code you have not used. 4 tries left.',
    });

    await b.post(portalSignInAction, { intent: 'use-sms' });
    expect(b.state).toEqual({ ...codeStep, message: undefined, notice: undefined, fieldErrors: undefined, passwordProblems: undefined });
    await b.post(portalSignInAction, { intent: 'use-app' });
    expect(b.state).toMatchObject({ step: 'app' });

    // The right code: Auth.js takes over (the harness has no Auth.js, so the attempt cannot finish here).
    const challengeId = b.jar[CHALLENGE_COOKIE]!;
    await b.post(portalSignInAction, { intent: 'app-code', code: currentTotp(p.secret, now) });
    expect(b.state).toEqual({ step: 'credentials', message: 'Your sign-in attempt has expired. Please start again.' });
    const [row] = await getDb().select().from(authChallenges).where(eq(authChallenges.id, challengeId));
    expect(row!.verifiedAt).toEqual(now);
    expect(JSON.parse(row!.payload!)).toMatchObject({ method: 'authenticator_app' });
  });

  it('ends the attempt when its guesses are used up, and answers in the device’s language', async () => {
    const clinic = await createTestTenant({ settings: { portalTotpAllowed: true } });
    const p = await patientOf(clinic, true);
    const b = browser(clinic.slug);
    await b.post(setPortalLanguageAction, { language: 'es' });
    await b.post(portalSignInAction, { intent: 'credentials', identifier: p.email, password: PASSWORD });
    await b.post(portalSignInAction, { intent: 'use-app' });
    const wrong = other(currentTotp(p.secret, now));
    for (let i = 0; i < 4; i++) await b.post(portalSignInAction, { intent: 'app-code', code: wrong });
    expect(b.state).toMatchObject({ step: 'app', message: expect.stringContaining('Le queda 1 intento.') });
    await b.post(portalSignInAction, { intent: 'app-code', code: wrong });
    expect(b.state).toEqual({ step: 'credentials', message: 'Demasiados códigos incorrectos. Inicie sesión de nuevo.' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
  });

  it('does not offer the app to a patient without one, nor where the clinic does not allow it, whatever the page posts', async () => {
    const open = await createTestTenant({ settings: { portalTotpAllowed: true } });
    const without = await patientOf(open, false);
    const b = browser(open.slug);
    await b.post(portalSignInAction, { intent: 'credentials', identifier: without.email, password: PASSWORD });
    expect(b.state).not.toHaveProperty('appOffered');
    await b.post(portalSignInAction, { intent: 'use-app' });
    expect(b.state).toMatchObject({
      step: 'code', appOffered: false, message: 'Signing in with an authenticator app is not available for this account. Use the code we sent by SMS.',
    });

    const closed = await createTestTenant({ settings: { portalTotpAllowed: false } });
    const enrolledThere = await patientOf(closed, false);
    // Enrolled while the clinic allowed it, then turned off: kept, but not offered.
    await getDb().update(portalAccounts).set({ totpSecretEnc: encryptField('JBSWY3DPEHPK3PXP'), totpEnrolledAt: now }).where(eq(portalAccounts.id, enrolledThere.account.id));
    const c = browser(closed.slug);
    await c.post(portalSignInAction, { intent: 'credentials', identifier: enrolledThere.email, password: PASSWORD });
    expect(c.state).not.toHaveProperty('appOffered');
    await c.post(portalSignInAction, { intent: 'app-code', code: currentTotp('JBSWY3DPEHPK3PXP', now) });
    expect(c.state).toMatchObject({ step: 'code', appOffered: false, message: expect.stringContaining('not available') });

    // Without an attempt, back to the first step.
    const stranger = browser(open.slug);
    await stranger.post(portalSignInAction, { intent: 'use-app' });
    expect(stranger.state).toEqual({ step: 'credentials', message: 'Your sign-in attempt has expired. Please start again.' });
    await stranger.post(portalSignInAction, { intent: 'app-code', code: '123456' });
    expect(stranger.state).toEqual({ step: 'credentials', message: 'Your sign-in attempt has expired. Please start again.' });
  });
});

describe('the authenticator app in Settings', () => {
  async function settingsFor(enrolled: boolean, totpAllowed = true) {
    const clinic = await createTestTenant({ settings: { portalTotpAllowed: totpAllowed } });
    const p = await patientOf(clinic, enrolled);
    const { cookies } = await signIn('portal', { tenantId: clinic.id, subjectId: p.account.id });
    const req = { host: hostFor(clinic.slug), cookies };
    const post = async (action: FormAction<AuthenticatorFormState>, fields: Record<string, string> = {}) => {
      const outcome = await invokeAction(req, action, {}, formData(fields));
      if (outcome.kind !== 'returned') throw new Error(`action did not answer: ${outcome.kind}`);
      return outcome.value as Record<string, unknown>;
    };
    // Streamed, as Next renders it: another section of the page loads its own data (it suspends).
    const page = async () => {
      const outcome = await invokeAction(req, async () => {
        const stream = await renderToReadableStream(await settingsPage({ params: Promise.resolve({ tenant: clinic.slug }), searchParams: Promise.resolve({}) }));
        await stream.allReady;
        return new Response(stream).text();
      });
      if (outcome.kind !== 'returned') throw new Error(`page did not render: ${outcome.kind === 'threw' ? String(outcome.error) : outcome.kind}`);
      return String(outcome.value);
    };
    return { clinic, p, post, page };
  }

  it('sets the app up from the page: QR code and key, the first code, and the recovery codes in that answer only', async () => {
    const s = await settingsFor(false);
    expect(await s.page()).toContain('Set up an authenticator app');

    expect(await s.post(settingsActions.startAuthenticatorAction)).toEqual({ ok: true });
    const pending = await s.page();
    const status = await getAuthenticatorStatus(getDb(), s.p.ctx, 'x');
    if (status.state !== 'pending') throw new Error('not pending');
    expect(pending).toMatch(/role="img" aria-label="QR code to add this account to your authenticator app"[^>]*><svg/);
    expect(pending).toContain(status.secret.replace(/(.{4})(?=.)/g, '$1 '));

    expect(await s.post(settingsActions.confirmAuthenticatorAction, { code: '12' })).toMatchObject({ ok: false, fieldErrors: { code: 'Enter the 6-digit code from your app.' } });
    expect(await s.post(settingsActions.confirmAuthenticatorAction, { code: other(currentTotp(status.secret, now)) }))
      .toEqual({ fieldErrors: { code: 'That code is not correct. Check the time on your phone and use the newest code.' } });
    const confirmed = await s.post(settingsActions.confirmAuthenticatorAction, { code: currentTotp(status.secret, now) });
    expect(confirmed).toEqual({ ok: true, recoveryCodes: expect.any(Array), issuedAt: now.getTime() });
    expect(confirmed.recoveryCodes).toHaveLength(10);

    // The page afterwards: enrolled, the codes nowhere (they were in that one answer).
    const after = await s.page();
    expect(after).toContain('You have 10 unused recovery codes.');
    expect(after).not.toContain(status.secret.slice(0, 8));
    for (const code of confirmed.recoveryCodes as string[]) expect(after).not.toContain(code);
    expect(after).toContain('Make new recovery codes');
    expect(after).toContain('Remove the app');
  });

  it('makes new codes and removes the app with proof, in the words of the form', async () => {
    const s = await settingsFor(true);
    expect(await s.post(settingsActions.regenerateRecoveryCodesAction, { code: other(currentTotp(s.p.secret, now)) }))
      .toEqual({ fieldErrors: { code: 'That code is not correct. Check the time on your phone and use the newest code.' } });
    const fresh = await s.post(settingsActions.regenerateRecoveryCodesAction, { code: currentTotp(s.p.secret, now) });
    expect(fresh).toMatchObject({ ok: true, issuedAt: now.getTime() });

    expect(await s.post(settingsActions.removeAuthenticatorAction, {})).toEqual({ message: 'Enter your password or a code from the app.' });
    expect(await s.post(settingsActions.removeAuthenticatorAction, { password: 'Nope-nope-1' })).toEqual({ fieldErrors: { password: 'That is not your current password.' } });
    expect(await s.post(settingsActions.removeAuthenticatorAction, { password: PASSWORD })).toEqual({ ok: true, message: 'The authenticator app is removed. Its recovery codes no longer work.' });
    expect(await s.page()).toContain('No authenticator app is set up.');
  });

  it('is not on the page where the clinic does not offer the app, and its actions refuse', async () => {
    const s = await settingsFor(false, false);
    const html = await s.page();
    expect(html).not.toContain('Authenticator app');
    expect(await s.post(settingsActions.startAuthenticatorAction)).toEqual({ message: 'Your clinic does not offer signing in with an authenticator app.' });
  });

  it('refuses a caller who is not signed in', async () => {
    const clinic = await createTestTenant({ settings: { portalTotpAllowed: true } });
    const outcome = await invokeAction({ host: hostFor(clinic.slug) }, settingsActions.startAuthenticatorAction, {}, formData({}));
    expect(outcome).toMatchObject({ kind: 'redirect', location: '/portal/sign-in' });
  });
});
