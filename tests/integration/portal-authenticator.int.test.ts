import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, authChallenges, portalAccounts, rateLimits, recoveryCodes, tenantSettings } from '@/db/schema';
import { completeVerifiedChallenge } from '@/lib/auth/challenges';
import { normalizeIdentifier } from '@/lib/auth/identifiers';
import { lockoutKey } from '@/lib/auth/lockout';
import { startPortalSignIn, verifyPortalSignInCode } from '@/lib/auth/portal-sign-in';
import { authenticatorOffered, verifyPortalSignInAppCode } from '@/lib/auth/portal-sign-in-authenticator';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { currentTotp } from '@/lib/identity/totp';
import {
  cancelAuthenticatorEnrolment,
  confirmAuthenticatorEnrolment,
  getAuthenticatorStatus,
  regenerateRecoveryCodes,
  removeAuthenticator,
  startAuthenticatorEnrolment,
} from '@/lib/portal-access/authenticator';
import { loadTenantProfile, type TenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { portalAccountContext } from '../support/portal-context';
import { FakeSms, createPortalAccount } from '../support/portal-fixtures';

/**
 * The patient's authenticator app (issue 19 point 2) through lib/, on a real database with the
 * clock under the test's control: enrolment in Settings, recovery codes, removal, and the code
 * at sign-in in place of the SMS code, with the SMS step's attempts and lockout.
 */

const T0 = new Date('2026-03-02T09:00:10Z');
const CLIENT = { ip: '203.0.113.9', userAgent: 'vitest' };
const PASSWORD = 'Lantern-harbour-77';
const ISSUER = 'Test clinic';

let current = T0;
const advance = (seconds: number) => {
  current = addSeconds(current, seconds);
};
beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
});
afterEach(() => setClockForTests(undefined));

const db = () => getDb();
const other = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

interface Clinic {
  id: string;
  slug: string;
  profile: TenantProfile;
  sms: FakeSms;
}

async function clinic(totpAllowed = true): Promise<Clinic> {
  const tenant = await createTestTenant({ settings: { portalTotpAllowed: totpAllowed } });
  return { id: tenant.id, slug: tenant.slug, profile: (await loadTenantProfile(db(), tenant.id))!, sms: new FakeSms() };
}

async function reloadProfile(c: Clinic): Promise<void> {
  c.profile = (await loadTenantProfile(db(), c.id))!;
}

async function patient(c: Clinic) {
  const email = `app-${randomBytes(4).toString('hex')}@example.test`;
  const phone = `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
  const fixture = await createPortalAccount({ id: c.id }, { email, phone, password: PASSWORD });
  return { ...fixture, email, ctx: portalAccountContext({ id: c.id }, fixture.account.id) };
}

type Patient = Awaited<ReturnType<typeof patient>>;

/** Enrols the app as the patient would in Settings; returns its secret and the recovery codes. */
async function enrol(c: Clinic, p: Patient): Promise<{ secret: string; codes: string[] }> {
  expect(await startAuthenticatorEnrolment(db(), p.ctx)).toEqual({ ok: true });
  const status = await getAuthenticatorStatus(db(), p.ctx, ISSUER);
  if (status.state !== 'pending') throw new Error(`expected a pending enrolment, got ${status.state}`);
  const confirmed = await confirmAuthenticatorEnrolment(db(), p.ctx, { code: currentTotp(status.secret, current) });
  if (!confirmed.ok) throw new Error(`enrolment refused: ${confirmed.error}`);
  return { secret: status.secret, codes: confirmed.recoveryCodes };
}

/** Password accepted (an SMS code on its way): the attempt's id. */
async function startSignIn(c: Clinic, p: Patient): Promise<string> {
  const started = await startPortalSignIn(db(), c.profile, { identifier: p.email, password: PASSWORD }, CLIENT, c.sms);
  if (!started.ok) throw new Error(`sign-in did not start: ${started.error}`);
  return started.challengeId;
}

const appCode = (c: Clinic, challengeId: string, code: string) => verifyPortalSignInAppCode(db(), c.profile, challengeId, code, CLIENT);

async function challengeRow(id: string) {
  const [row] = await db().select().from(authChallenges).where(eq(authChallenges.id, id));
  return row!;
}

async function audit(c: Clinic, action: string) {
  return db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.id), eq(auditLog.action, action)));
}

describe('enrolling the app in Settings', () => {
  it('shows a QR code and key, enrols only with the first right code, and hands out ten recovery codes once', async () => {
    const c = await clinic();
    const p = await patient(c);
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toEqual({ allowed: true, state: 'off' });

    expect(await startAuthenticatorEnrolment(db(), p.ctx)).toEqual({ ok: true });
    const pending = await getAuthenticatorStatus(db(), p.ctx, ISSUER);
    if (pending.state !== 'pending') throw new Error('not pending');
    expect(pending.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(pending.qrSvg).toContain('<svg');
    // The same secret on every visit until it is confirmed; stored encrypted.
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toMatchObject({ state: 'pending', secret: pending.secret });
    const [stored] = await db().select().from(portalAccounts).where(eq(portalAccounts.id, p.account.id));
    expect(stored!.totpSecretEnc).not.toContain(pending.secret);
    expect(stored!.totpEnrolledAt).toBeNull();

    // Not enrolled yet: sign-in does not offer it.
    const attempt = await startSignIn(c, p);
    expect(await authenticatorOffered(db(), c.profile, attempt)).toBe(false);
    expect(await appCode(c, attempt, currentTotp(pending.secret, current))).toEqual({ ok: false, error: 'app-unavailable' });

    expect(await confirmAuthenticatorEnrolment(db(), p.ctx, { code: other(currentTotp(pending.secret, current)) })).toEqual({ ok: false, error: 'wrong-code' });
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toMatchObject({ state: 'pending' });

    const confirmed = await confirmAuthenticatorEnrolment(db(), p.ctx, { code: currentTotp(pending.secret, current) });
    if (!confirmed.ok) throw new Error(confirmed.error);
    expect(confirmed.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.recoveryCodes).size).toBe(10);
    for (const code of confirmed.recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toEqual({ allowed: true, state: 'on', enrolledAt: current, recoveryCodesLeft: 10 });

    // Only keyed hashes are kept.
    const rows = await db().select().from(recoveryCodes).where(eq(recoveryCodes.subjectId, p.account.id));
    expect(rows).toHaveLength(10);
    const dump = JSON.stringify(rows);
    for (const code of confirmed.recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace('-', ''));
    }

    // Once enrolled, neither a second start nor a confirm changes anything.
    expect(await startAuthenticatorEnrolment(db(), p.ctx)).toEqual({ ok: false, error: 'already-enrolled' });
    expect(await confirmAuthenticatorEnrolment(db(), p.ctx, { code: currentTotp(pending.secret, current) })).toEqual({ ok: false, error: 'no-enrolment' });
    await cancelAuthenticatorEnrolment(db(), p.ctx);
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toMatchObject({ state: 'on' });

    const enrolled = await audit(c, 'auth.totp_enrolled');
    expect(enrolled.map((r) => [r.outcome, r.actorId])).toEqual(expect.arrayContaining([['failure', p.account.id], ['success', p.account.id]]));
    expect(JSON.stringify(enrolled)).not.toContain(confirmed.recoveryCodes[0]!);
    expect(await audit(c, 'auth.totp_enrolment_started')).toHaveLength(1);
  });

  it('cancels a set-up that never got its code, and refuses all of it where the clinic does not offer the app', async () => {
    const c = await clinic();
    const p = await patient(c);
    await startAuthenticatorEnrolment(db(), p.ctx);
    await cancelAuthenticatorEnrolment(db(), p.ctx);
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toEqual({ allowed: true, state: 'off' });
    expect(await confirmAuthenticatorEnrolment(db(), p.ctx, { code: '123456' })).toEqual({ ok: false, error: 'no-enrolment' });

    const closed = await clinic(false);
    const q = await patient(closed);
    expect(await getAuthenticatorStatus(db(), q.ctx, ISSUER)).toEqual({ allowed: false, state: 'off' });
    expect(await startAuthenticatorEnrolment(db(), q.ctx)).toEqual({ ok: false, error: 'not-allowed' });
    expect(await confirmAuthenticatorEnrolment(db(), q.ctx, { code: '123456' })).toEqual({ ok: false, error: 'not-allowed' });
  });

  it('limits wrong codes per account, as passwords are', async () => {
    const c = await clinic();
    const p = await patient(c);
    await startAuthenticatorEnrolment(db(), p.ctx);
    const status = await getAuthenticatorStatus(db(), p.ctx, ISSUER);
    if (status.state !== 'pending') throw new Error('not pending');
    const wrong = other(currentTotp(status.secret, current));
    for (let i = 0; i < 10; i++) expect(await confirmAuthenticatorEnrolment(db(), p.ctx, { code: wrong })).toEqual({ ok: false, error: 'wrong-code' });
    // Even the right code waits now.
    expect(await confirmAuthenticatorEnrolment(db(), p.ctx, { code: currentTotp(status.secret, current) })).toMatchObject({ ok: false, error: 'too-many-attempts' });
    advance(15 * 60);
    expect(await confirmAuthenticatorEnrolment(db(), p.ctx, { code: currentTotp(status.secret, current) })).toMatchObject({ ok: true });
  });
});

describe('signing in with the app', () => {
  it('takes the app code instead of the SMS code, records how, and refuses the same code again', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { secret } = await enrol(c, p);

    const first = await startSignIn(c, p);
    expect(c.sms.sent).toHaveLength(1);
    expect(await authenticatorOffered(db(), c.profile, first)).toBe(true);
    // The code that confirmed the enrolment is spent: it cannot sign in.
    expect(await appCode(c, first, currentTotp(secret, current))).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });

    advance(30);
    const code = currentTotp(secret, current);
    expect(await appCode(c, first, `${code.slice(0, 3)} ${code.slice(3)}`)).toEqual({ ok: true, method: 'authenticator_app' });
    const verified = await challengeRow(first);
    expect(verified.verifiedAt).toEqual(current);
    expect(JSON.parse(verified.payload!)).toMatchObject({ method: 'authenticator_app' });
    // The SMS code of the attempt dies with it; Auth.js consumes the attempt exactly once.
    expect(verified.codeHash).toBeNull();
    expect(await completeVerifiedChallenge(db(), first, { tenantId: c.id, purposes: ['portal_sign_in'] })).toMatchObject({ subjectId: p.account.id });
    expect(await completeVerifiedChallenge(db(), first, { tenantId: c.id, purposes: ['portal_sign_in'] })).toBeNull();

    // Someone who saw the code over the patient's shoulder, within its 30 seconds.
    advance(5);
    const second = await startSignIn(c, p);
    expect(await appCode(c, second, code)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    expect((await challengeRow(second)).verifiedAt).toBeNull();
  });

  it('counts wrong codes towards the same five guesses as the SMS code and the identifier’s lockout', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { secret } = await enrol(c, p);
    advance(30);
    const key = `fail:${lockoutKey('portal', c.id, normalizeIdentifier(c.profile.portal.identificationMode, p.email))}`;
    const failures = async () => (await db().select().from(rateLimits).where(eq(rateLimits.key, key)))[0]?.count ?? 0;

    const attempt = await startSignIn(c, p);
    const before = await failures();
    const wrong = other(currentTotp(secret, current));
    expect(await appCode(c, attempt, wrong)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    expect(await appCode(c, attempt, 'abcde-23456')).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 3 });
    expect(await failures()).toBe(before + 2);
    // The SMS code has the guesses that are left.
    expect(await verifyPortalSignInCode(db(), c.id, attempt, other(c.sms.lastCode()), CLIENT)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 2 });
    expect(await appCode(c, attempt, wrong)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 1 });
    expect(await appCode(c, attempt, wrong)).toEqual({ ok: false, error: 'too-many-attempts' });
    // Out of guesses: even the right code is refused on this attempt.
    expect(await appCode(c, attempt, currentTotp(secret, current))).toEqual({ ok: false, error: 'too-many-attempts' });
    // What cannot be a code costs no guess.
    expect(await appCode(c, attempt, 'hello')).toEqual({ ok: false, error: 'malformed' });
    const failed = await audit(c, 'auth.code_failed');
    expect(failed.filter((r) => (r.details as { method?: string } | null)?.method === 'authenticator')).toHaveLength(5);
  });

  it('locks the identifier at the tenth failure, app codes included', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { secret } = await enrol(c, p);
    advance(30);
    for (let i = 0; i < 8; i++) {
      expect(await startPortalSignIn(db(), c.profile, { identifier: p.email, password: 'Wrong-password-1' }, CLIENT, c.sms)).toMatchObject({ ok: false });
    }
    const attempt = await startSignIn(c, p);
    const wrong = other(currentTotp(secret, current));
    expect(await appCode(c, attempt, wrong)).toMatchObject({ ok: false, error: 'wrong-code' });
    expect(await appCode(c, attempt, wrong)).toMatchObject({ ok: false, error: 'locked' });
    // The attempt is over, and the right code does not reopen it.
    expect(await appCode(c, attempt, currentTotp(secret, current))).toEqual({ ok: false, error: 'no-attempt' });
    expect(await startPortalSignIn(db(), c.profile, { identifier: p.email, password: PASSWORD }, CLIENT, c.sms)).toMatchObject({ ok: false, error: 'locked' });
    expect(await audit(c, 'auth.locked')).toHaveLength(1);
  });

  it('takes each recovery code once, however it is typed', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { codes } = await enrol(c, p);

    const first = await startSignIn(c, p);
    expect(await appCode(c, first, ` ${codes[3]!.toUpperCase().replace('-', ' ')} `)).toEqual({ ok: true, method: 'recovery_code' });
    expect(JSON.parse((await challengeRow(first)).payload!)).toMatchObject({ method: 'recovery_code' });
    const used = await audit(c, 'auth.recovery_code_used');
    expect(used).toHaveLength(1);
    expect(used[0]).toMatchObject({ actorId: p.account.id, details: { area: 'portal', left: 9 } });
    expect(JSON.stringify(used)).not.toContain(codes[3]!);
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toMatchObject({ state: 'on', recoveryCodesLeft: 9 });

    const second = await startSignIn(c, p);
    expect(await appCode(c, second, codes[3]!)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    expect(await appCode(c, second, codes[4]!)).toEqual({ ok: true, method: 'recovery_code' });
  });

  it('lets two sign-ins racing with one recovery code have it once', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { codes } = await enrol(c, p);
    const a = await startSignIn(c, p);
    advance(61);
    const b = await startSignIn(c, p);
    const results = await Promise.all([appCode(c, a, codes[0]!), appCode(c, b, codes[0]!)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('is neither offered nor accepted where the clinic turned the app off, and the app is kept', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { secret, codes } = await enrol(c, p);
    await db().update(tenantSettings).set({ portalTotpAllowed: false }).where(eq(tenantSettings.tenantId, c.id));
    await reloadProfile(c);
    advance(30);

    const attempt = await startSignIn(c, p);
    expect(await authenticatorOffered(db(), c.profile, attempt)).toBe(false);
    expect(await appCode(c, attempt, currentTotp(secret, current))).toEqual({ ok: false, error: 'app-unavailable' });
    expect(await appCode(c, attempt, codes[0]!)).toEqual({ ok: false, error: 'app-unavailable' });
    // No guess was spent: the SMS code still has all five.
    expect(await verifyPortalSignInCode(db(), c.id, attempt, other(c.sms.lastCode()), CLIENT)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });

    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toMatchObject({ allowed: false, state: 'on', recoveryCodesLeft: 10 });
    expect(await regenerateRecoveryCodes(db(), p.ctx, { code: currentTotp(secret, current) })).toEqual({ ok: false, error: 'not-allowed' });

    // Turned on again, the same app works.
    await db().update(tenantSettings).set({ portalTotpAllowed: true }).where(eq(tenantSettings.tenantId, c.id));
    await reloadProfile(c);
    const again = await startSignIn(c, p);
    expect(await appCode(c, again, currentTotp(secret, current))).toEqual({ ok: true, method: 'authenticator_app' });
  });

  it('never takes a code of another account, nor an attempt of another clinic', async () => {
    const c = await clinic();
    const alice = await patient(c);
    const bob = await patient(c);
    const aliceApp = await enrol(c, alice);
    await enrol(c, bob);
    advance(30);

    const bobAttempt = await startSignIn(c, bob);
    expect(await appCode(c, bobAttempt, currentTotp(aliceApp.secret, current))).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    expect(await appCode(c, bobAttempt, aliceApp.codes[0]!)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 3 });
    // Alice's code and recovery code were not spent by that.
    const aliceAttempt = await startSignIn(c, alice);
    expect(await appCode(c, aliceAttempt, aliceApp.codes[0]!)).toEqual({ ok: true, method: 'recovery_code' });

    const elsewhere = await clinic();
    const aliceAgain = await startSignIn(c, alice);
    expect(await verifyPortalSignInAppCode(db(), elsewhere.profile, aliceAgain, currentTotp(aliceApp.secret, current), CLIENT)).toEqual({ ok: false, error: 'no-attempt' });
    expect(await authenticatorOffered(db(), elsewhere.profile, aliceAgain)).toBe(false);
  });
});

describe('recovery codes and removing the app', () => {
  it('makes a new set with a current code, and the old set stops working', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { secret, codes } = await enrol(c, p);
    advance(30);
    expect(await regenerateRecoveryCodes(db(), p.ctx, { code: other(currentTotp(secret, current)) })).toEqual({ ok: false, error: 'wrong-code' });
    const fresh = await regenerateRecoveryCodes(db(), p.ctx, { code: currentTotp(secret, current) });
    if (!fresh.ok) throw new Error(fresh.error);
    expect(fresh.recoveryCodes).toHaveLength(10);
    expect(fresh.recoveryCodes.some((code) => codes.includes(code))).toBe(false);
    // The code that made them is spent.
    expect(await regenerateRecoveryCodes(db(), p.ctx, { code: currentTotp(secret, current) })).toEqual({ ok: false, error: 'wrong-code' });

    const attempt = await startSignIn(c, p);
    expect(await appCode(c, attempt, codes[0]!)).toMatchObject({ ok: false, error: 'wrong-code' });
    expect(await appCode(c, attempt, fresh.recoveryCodes[0]!)).toEqual({ ok: true, method: 'recovery_code' });
    expect(await audit(c, 'auth.recovery_codes_regenerated')).toEqual(expect.arrayContaining([
      expect.objectContaining({ outcome: 'success' }), expect.objectContaining({ outcome: 'failure' }),
    ]));
  });

  it('removes the app only with the password or a current code, and its codes with it', async () => {
    const c = await clinic();
    const p = await patient(c);
    const { secret, codes } = await enrol(c, p);
    advance(30);
    expect(await removeAuthenticator(db(), p.ctx, {})).toEqual({ ok: false, error: 'no-proof' });
    expect(await removeAuthenticator(db(), p.ctx, { password: 'Not-my-password-1' })).toEqual({ ok: false, error: 'wrong-password' });
    expect(await removeAuthenticator(db(), p.ctx, { code: other(currentTotp(secret, current)) })).toEqual({ ok: false, error: 'wrong-code' });
    // A recovery code is not proof here (it is for signing in without the phone).
    expect(await removeAuthenticator(db(), p.ctx, { code: codes[0]! })).toEqual({ ok: false, error: 'wrong-code' });
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toMatchObject({ state: 'on' });

    expect(await removeAuthenticator(db(), p.ctx, { code: currentTotp(secret, current) })).toEqual({ ok: true });
    expect(await getAuthenticatorStatus(db(), p.ctx, ISSUER)).toEqual({ allowed: true, state: 'off' });
    expect(await db().select().from(recoveryCodes).where(eq(recoveryCodes.subjectId, p.account.id))).toHaveLength(0);
    const [row] = await db().select().from(portalAccounts).where(eq(portalAccounts.id, p.account.id));
    expect(row).toMatchObject({ totpSecretEnc: null, totpEnrolledAt: null, totpLastStep: null });
    expect(await removeAuthenticator(db(), p.ctx, { password: PASSWORD })).toEqual({ ok: false, error: 'not-enrolled' });

    const attempt = await startSignIn(c, p);
    expect(await appCode(c, attempt, codes[1]!)).toEqual({ ok: false, error: 'app-unavailable' });

    // Enrolled again, the password is enough.
    advance(30);
    await enrol(c, p);
    expect(await removeAuthenticator(db(), p.ctx, { password: PASSWORD })).toEqual({ ok: true });
    const removed = await audit(c, 'auth.totp_removed');
    expect(removed.filter((r) => r.outcome === 'success').map((r) => (r.details as { proof: string }).proof)).toEqual(expect.arrayContaining(['code', 'password']));
    expect(removed.filter((r) => r.outcome === 'failure')).toHaveLength(3);
  });

  it('answers only for the account of the session', async () => {
    const c = await clinic();
    const alice = await patient(c);
    const { secret } = await enrol(c, alice);
    advance(30);
    // Another clinic's session naming Alice's account id finds nothing to change.
    const elsewhere = await clinic();
    const intruder = portalAccountContext({ id: elsewhere.id }, alice.account.id);
    expect(await getAuthenticatorStatus(db(), intruder, ISSUER)).toEqual({ allowed: true, state: 'off' });
    expect(await removeAuthenticator(db(), intruder, { code: currentTotp(secret, current) })).toEqual({ ok: false, error: 'not-enrolled' });
    expect(await regenerateRecoveryCodes(db(), intruder, { code: currentTotp(secret, current) })).toEqual({ ok: false, error: 'not-enrolled' });
    expect(await startAuthenticatorEnrolment(db(), intruder)).toMatchObject({ ok: false });
    expect(await getAuthenticatorStatus(db(), alice.ctx, ISSUER)).toMatchObject({ state: 'on', recoveryCodesLeft: 10 });
  });
});
