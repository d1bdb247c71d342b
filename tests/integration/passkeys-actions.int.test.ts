import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { renderToReadableStream } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, authChallenges, operatorChallenges, passkeys, platformOperators, portalAccounts, smsCodeSends, staffUsers, tenantDomains } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { encryptField } from '@/lib/crypto/field-encryption';
import type { PasskeyFormState } from '@/lib/identity/passkeys/form-state';
import { hashPassword } from '@/lib/identity/password-hash';
import { generateTotpSecret } from '@/lib/identity/totp';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { browserSession } from '../support/browser-session';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';
import { SoftwareAuthenticator } from '../support/software-authenticator';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Passkeys through the actions the pages post to, on real hosts (the harness's Host header): the
 * account pages add a passkey for the host they are open on, and each sign-in offers it at the
 * second step, staff and operators instead of the authenticator code, patients (where the clinic
 * accepts passkeys) instead of the SMS code, which is then sent only on request. Auth.js is not
 * in the harness: a step that succeeds leaves its attempt verified, which is what Auth.js consumes.
 */

const { staffSignInAction } = await import('@/app/t/[tenant]/staff/actions');
const emrAccount = await import('@/app/t/[tenant]/emr/(app)/account/actions');
const crmAccount = await import('@/app/t/[tenant]/crm/(app)/account/actions');
const { operatorSignInAction } = await import('@/app/platform/console/actions');
const consoleAccount = await import('@/app/platform/console/(app)/account/actions');
const { portalSignInAction } = await import('@/app/t/[tenant]/portal/(public)/sign-in/actions');
const portalSettings = await import('@/app/t/[tenant]/portal/(app)/settings/passkey-actions');
const { default: settingsPage } = await import('@/app/t/[tenant]/portal/(app)/settings/page');

const T0 = new Date('2026-09-02T09:00:00Z');
const PASSWORD = 'Lantern-harbour-73';
const CHALLENGE_COOKIE = 'cb.challenge';
const EXPIRED = 'Your sign-in attempt has expired. Please start again.';

beforeEach(() => {
  setClockForTests(() => T0);
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

type AccountActions = { passkeyOptionsAction: unknown; addPasskeyAction: unknown; renamePasskeyAction: unknown; removePasskeyAction: unknown };
type Act = (prev: PasskeyFormState, form: FormData) => Promise<PasskeyFormState>;

function answer(outcome: Outcome): PasskeyFormState {
  if (outcome.kind !== 'returned') throw new Error(`expected an answer, got ${outcome.kind}`);
  return outcome.value as PasskeyFormState;
}

/** "Add a passkey" as the page does it: options, the browser's credential, then the add. */
async function addThroughPage(actions: AccountActions, req: { host: string; cookies: Record<string, string> }, authenticator: SoftwareAuthenticator, name = '') {
  const started = answer(await invokeAction(req, actions.passkeyOptionsAction as Act, {}, formData({})));
  if (!started.ok || !started.options) return started;
  const origin = `http://${req.host}`;
  const response = authenticator.register(started.options, { origin });
  return answer(await invokeAction(req, actions.addPasskeyAction as Act, {}, formData({ response, name })));
}

async function staffMember(clinic: { id: string; levelId: Record<string, string> }) {
  const email = `staff-${randomBytes(3).toString('hex')}@example.test`;
  const [user] = await getDb().insert(staffUsers).values({
    tenantId: clinic.id, email, fullName: 'Petra Passkey', accessLevelId: clinic.levelId.admin!, status: 'active',
    passwordHash: await hashPassword(PASSWORD), totpSecretEnc: encryptField(generateTotpSecret()), totpEnrolledAt: T0,
  }).returning();
  return user!;
}

describe('staff', () => {
  it('adds a passkey on the account page (bound to the host it is open on) and uses it as the second factor there only', async () => {
    const clinic = await createTestTenant();
    const user = await staffMember(clinic);
    const host = hostFor(clinic.slug);
    const { cookies } = await signIn('staff', { tenantId: clinic.id, subjectId: user.id });
    const authenticator = new SoftwareAuthenticator();

    // The same page in both areas.
    expect(await addThroughPage(emrAccount, { host, cookies }, authenticator, 'Office key')).toEqual({ ok: true, message: 'Passkey added: Office key.' });
    expect(await addThroughPage(crmAccount, { host, cookies }, new SoftwareAuthenticator())).toEqual({ ok: true, message: 'Passkey added: Passkey on this device.' });
    const rows = await getDb().select().from(passkeys).where(and(eq(passkeys.tenantId, clinic.id), eq(passkeys.subjectId, user.id)));
    expect(rows.map((r) => [r.name, r.rpId, r.subjectKind])).toEqual(expect.arrayContaining([['Office key', `${clinic.slug}.localhost`, 'staff'], ['Passkey on this device', `${clinic.slug}.localhost`, 'staff']]));

    // A bad name is refused with the field's message (a key of the passkeys catalogue, which the form translates).
    const second = rows.find((r) => r.name === 'Passkey on this device')!;
    expect(answer(await invokeAction({ host, cookies }, emrAccount.renamePasskeyAction as Act, {}, formData({ passkeyId: second.id, name: ' ' })))).toMatchObject({ ok: false, fieldErrors: { name: 'errNameRequired' } });
    expect(answer(await invokeAction({ host, cookies }, emrAccount.renamePasskeyAction as Act, {}, formData({ passkeyId: second.id, name: 'Phone' })))).toEqual({ ok: true, message: 'Name saved.' });
    expect(answer(await invokeAction({ host, cookies }, crmAccount.removePasskeyAction as Act, {}, formData({ passkeyId: second.id })))).toEqual({ ok: true, message: 'Passkey removed.' });

    // Sign-in: the password, then the passkey is offered beside the authenticator code.
    const b = browserSession(host);
    const post = (fields: Record<string, string>) => b.post(staffSignInAction, { area: 'emr', next: '/emr', ...fields });
    await post({ intent: 'credentials', email: user.email, password: PASSWORD });
    const offered = b.state as { step: string; passkey: { rpId: string; challenge: string; allowCredentials: { id: string }[] } };
    expect(offered).toMatchObject({ step: 'totp', smsFallback: false, passkey: { rpId: `${clinic.slug}.localhost`, userVerification: 'required' } });
    expect(offered.passkey.allowCredentials).toHaveLength(1);

    // A passkey that fails (from another page's origin): said so, with new options for another try.
    await post({ intent: 'passkey', response: authenticator.assert(offered.passkey, { origin: 'http://evil.localhost:3000' }) });
    const retry = b.state as typeof offered & { message: string };
    expect(retry).toMatchObject({ step: 'totp', message: 'That passkey could not be used to sign in here. Try again, or enter the code from your authenticator app.' });
    expect(retry.passkey.challenge).not.toBe(offered.passkey.challenge);

    const challengeId = b.jar[CHALLENGE_COOKIE]!;
    await post({ intent: 'passkey', response: authenticator.assert(retry.passkey, { origin: `http://${host}` }) });
    // Verified: Auth.js (absent here) would now consume the attempt and sign the person in.
    expect(b.state).toEqual({ step: 'credentials', message: EXPIRED });
    const [attempt] = await getDb().select().from(authChallenges).where(eq(authChallenges.id, challengeId));
    expect(attempt!.verifiedAt).toEqual(T0);
    expect(attempt!.codeAttempts).toBe(2);
    const audit = await getDb().select({ action: auditLog.action }).from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.actorId, user.id)));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.passkey_added', 'auth.passkey_renamed', 'auth.passkey_removed', 'auth.passkey_failed']));

    // The clinic's custom domain: the passkey was made on the subdomain, so none is offered there.
    const custom = `staff-${randomBytes(3).toString('hex')}.example.test`;
    await getDb().insert(tenantDomains).values({ tenantId: clinic.id, kind: 'custom', hostname: custom, verificationToken: 't', verifiedAt: T0 });
    const elsewhere = browserSession(`${custom}:3000`);
    await elsewhere.post(staffSignInAction, { area: 'emr', intent: 'credentials', email: user.email, password: PASSWORD });
    expect(elsewhere.state).toEqual({ step: 'totp', smsFallback: false });
  });

  it('another clinic’s staff on its own host cannot use the account actions on this one', async () => {
    const clinic = await createTestTenant();
    const other = await createTestTenant();
    const outsider = await staffMember(other);
    const { cookies } = await signIn('staff', { tenantId: other.id, subjectId: outsider.id });
    const outcome = await invokeAction({ host: hostFor(clinic.slug), cookies }, emrAccount.passkeyOptionsAction as Act, {}, formData({}));
    expect(outcome.kind).not.toBe('returned');
    expect(await getDb().select().from(passkeys).where(eq(passkeys.tenantId, clinic.id))).toHaveLength(0);
  });
});

describe('operators', () => {
  it('add a passkey on the console and use it instead of the code', async () => {
    const [operator] = await getDb().insert(platformOperators).values({
      email: `op-${randomBytes(3).toString('hex')}@example.test`, fullName: 'Olga Operator', passwordHash: await hashPassword(PASSWORD),
      totpSecretEnc: encryptField(generateTotpSecret()), active: true,
    }).returning();
    const host = 'localhost:3000';
    const { cookies } = await signIn('operator', { tenantId: null, subjectId: operator!.id });
    const authenticator = new SoftwareAuthenticator();
    expect(await addThroughPage(consoleAccount, { host, cookies }, authenticator, 'Console key')).toEqual({ ok: true, message: 'Passkey added: Console key.' });

    const b = browserSession(host);
    await b.post(operatorSignInAction, { intent: 'credentials', email: operator!.email, password: PASSWORD });
    const offered = b.state as { step: string; passkey: { rpId: string } };
    expect(offered).toMatchObject({ step: 'totp', passkey: { rpId: 'localhost' } });
    const challengeId = b.jar[CHALLENGE_COOKIE]!;
    await b.post(operatorSignInAction, { intent: 'passkey', response: authenticator.assert(offered.passkey as never, { origin: `http://${host}` }) });
    expect(b.state).toMatchObject({ step: 'credentials', message: EXPIRED });
    const [attempt] = await getDb().select().from(operatorChallenges).where(eq(operatorChallenges.id, challengeId));
    expect(attempt!.verifiedAt).toEqual(T0);
  });
});

describe('patients', () => {
  async function patient(settings: { portalPasskeysAllowed: boolean }) {
    const clinic = await createTestTenant({ settings });
    const email = `pk.${randomBytes(3).toString('hex')}@example.test`;
    const fixture = await createPortalAccount(clinic, { email, phone: uniquePhone(), password: PASSWORD });
    const host = hostFor(clinic.slug);
    const { cookies } = await signIn('portal', { tenantId: clinic.id, subjectId: fixture.account.id, selectedPatientId: fixture.patient.id });
    return { clinic, email, host, cookies, ...fixture };
  }

  const codesSent = async (challengeId: string) => (await getDb().select().from(smsCodeSends).where(eq(smsCodeSends.challengeId, challengeId))).length;

  it('where the clinic accepts passkeys: added in settings, offered first at sign-in with no SMS, the SMS only on request', async () => {
    const p = await patient({ portalPasskeysAllowed: true });
    const authenticator = new SoftwareAuthenticator();
    expect(await addThroughPage(portalSettings, { host: p.host, cookies: p.cookies }, authenticator, 'Mi teléfono')).toEqual({ ok: true, message: 'Passkey added: Mi teléfono.' });

    const b = browserSession(p.host, { 'x-forwarded-for': '198.51.100.40' });
    await b.post(portalSignInAction, { intent: 'credentials', identifier: p.email, password: PASSWORD });
    const offered = b.state as { step: string; passkey: { rpId: string } };
    expect(offered).toMatchObject({ step: 'passkey', passkey: { rpId: `${p.clinic.slug}.localhost` } });
    const challengeId = b.jar[CHALLENGE_COOKIE]!;
    expect(await codesSent(challengeId)).toBe(0);

    await b.post(portalSignInAction, { intent: 'passkey', response: authenticator.assert(offered.passkey as never, { origin: 'http://evil.localhost:3000' }) });
    const retry = b.state as typeof offered & { message: string };
    expect(retry).toMatchObject({ step: 'passkey', message: 'That passkey could not be used to sign in here. Try again, or get a code by SMS.' });
    await b.post(portalSignInAction, { intent: 'passkey', response: authenticator.assert(retry.passkey as never, { origin: `http://${p.host}` }) });
    expect(b.state).toEqual({ step: 'credentials', message: EXPIRED });
    const [attempt] = await getDb().select().from(authChallenges).where(eq(authChallenges.id, challengeId));
    expect(attempt!.verifiedAt).toEqual(T0);
    expect(JSON.parse(attempt!.payload!)).toMatchObject({ method: 'passkey' });
    expect(await codesSent(challengeId)).toBe(0);

    // Another sign-in where the patient asks for the SMS instead: the usual code step follows.
    const c = browserSession(p.host, { 'x-forwarded-for': '198.51.100.41' });
    await c.post(portalSignInAction, { intent: 'credentials', identifier: p.email, password: PASSWORD });
    expect(c.state).toMatchObject({ step: 'passkey' });
    await c.post(portalSignInAction, { intent: 'send-sms' });
    expect(c.state).toEqual({ step: 'code', maskedPhone: `•••• ${p.account.phone.slice(-4)}`, resendAt: T0.getTime() + 60_000 });
    expect(await codesSent(c.jar[CHALLENGE_COOKIE]!)).toBe(1);
    // The passkey step cannot be posted again once the code is the way (it would be a new try, counted).
    await c.post(portalSignInAction, { intent: 'restart' });
    expect(c.state).toEqual({ step: 'credentials' });
    await c.post(portalSignInAction, { intent: 'passkey', response: '{}' });
    expect(c.state).toEqual({ step: 'credentials', message: EXPIRED });
  });

  it('settings lists each passkey with its address; the add button needs JavaScript and says so', async () => {
    const p = await patient({ portalPasskeysAllowed: true });
    await getDb().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, p.account.id));
    expect(await addThroughPage(portalSettings, { host: p.host, cookies: p.cookies }, new SoftwareAuthenticator(), 'Portátil')).toMatchObject({ ok: true, message: 'Llave de acceso agregada: Portátil.' });
    const render = async () => {
      const outcome = await invokeAction({ host: p.host, cookies: p.cookies }, async () => {
        const stream = await renderToReadableStream(await settingsPage({ params: Promise.resolve({ tenant: p.clinic.slug }), searchParams: Promise.resolve({}) }));
        await stream.allReady;
        return new Response(stream).text();
      });
      if (outcome.kind !== 'returned') throw new Error(`page did not render: ${outcome.kind}`);
      return String(outcome.value);
    };
    const html = await render();
    expect(html).toContain('Llaves de acceso');
    expect(html).toContain('Portátil');
    expect(html).toContain(`${p.clinic.slug}.localhost`);
    expect(html).toContain('Nunca');
    // Drawn on the server (and so without JavaScript): the button disabled, the sentence why.
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*>Agregar una llave de acceso<\/button>/);
    expect(html).toContain('Para agregar una llave de acceso hace falta JavaScript');

    // A clinic that asks for the SMS code every time: no section for a patient without passkeys.
    const other = await patient({ portalPasskeysAllowed: false });
    const outcome = await invokeAction({ host: other.host, cookies: other.cookies }, async () => {
      const stream = await renderToReadableStream(await settingsPage({ params: Promise.resolve({ tenant: other.clinic.slug }), searchParams: Promise.resolve({}) }));
      await stream.allReady;
      return new Response(stream).text();
    });
    expect(outcome.kind === 'returned' && String(outcome.value)).not.toContain('Passkeys');
  });

  it('where the clinic asks for the SMS code at every sign-in: no passkey can be added, and one made earlier is not offered', async () => {
    const p = await patient({ portalPasskeysAllowed: false });
    expect(await addThroughPage(portalSettings, { host: p.host, cookies: p.cookies }, new SoftwareAuthenticator())).toEqual({
      ok: false, message: 'Your clinic asks for an SMS code at every sign-in, so passkeys cannot be used here. You can still remove the ones you added.',
    });
    // One made while the clinic still accepted them.
    const authenticator = new SoftwareAuthenticator();
    const options = { challenge: 'AAAA', rp: { id: `${p.clinic.slug}.localhost` }, user: { id: 'AAAA' } };
    JSON.parse(authenticator.register(options, { origin: `http://${p.host}` }));
    const credential = authenticator.credentials[0]!;
    await getDb().insert(passkeys).values({
      tenantId: p.clinic.id, subjectKind: 'portal_account', subjectId: p.account.id, name: 'Old', credentialId: credential.id.toString('base64url'),
      publicKey: credential.cose.toString('base64url'), rpId: `${p.clinic.slug}.localhost`,
    });

    const b = browserSession(p.host, { 'x-forwarded-for': '198.51.100.42' });
    await b.post(portalSignInAction, { intent: 'credentials', identifier: p.email, password: PASSWORD });
    expect(b.state).toMatchObject({ step: 'code', maskedPhone: `•••• ${p.account.phone.slice(-4)}` });
    expect(await codesSent(b.jar[CHALLENGE_COOKIE]!)).toBe(1);
    // A passkey posted anyway is refused (and counted as a try); the code step's way stays.
    await b.post(portalSignInAction, { intent: 'passkey', response: authenticator.assert({ challenge: 'AAAA', rpId: `${p.clinic.slug}.localhost` }, { origin: `http://${p.host}` }) });
    expect(b.state).toMatchObject({ step: 'code', maskedPhone: `•••• ${p.account.phone.slice(-4)}`, message: 'That passkey could not be used to sign in here. Try again, or get a code by SMS.' });
    expect(b.state).not.toHaveProperty('passkey', expect.anything());
    const [attempt] = await getDb().select().from(authChallenges).where(eq(authChallenges.id, b.jar[CHALLENGE_COOKIE]!));
    expect(attempt!.verifiedAt).toBeNull();
  });
});
