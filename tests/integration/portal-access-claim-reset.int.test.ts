import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { authChallenges, devOutboxMessages, patients, portalAccountPatients, portalAccounts, type IdentificationMode } from '@/db/schema';
import { lockRemainingSeconds, lockoutKey } from '@/lib/auth/lockout';
import { startPortalSignIn } from '@/lib/auth/portal-sign-in';
import { checkSession, createSession } from '@/lib/auth/session-store';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { protectNationalId } from '@/lib/patients/national-id';
import { completeClaim, resendClaimCode, startClaim, verifyClaimCode } from '@/lib/portal-access/claim';
import {
  completePasswordReset,
  inspectPasswordResetLink,
  requestPasswordResetLink,
  startPasswordReset,
  startPasswordResetFromLink,
  verifyPasswordResetCode,
} from '@/lib/portal-access/password-reset';
import { unlockPortalAccess } from '@/lib/portal-access/staff-admin';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { FakeSms, createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * Automatic access (seed 004) and forgot password: both answer an unknown identifier exactly as
 * a known one, send nothing for it, and end in an SMS code and a new password.
 */

const T0 = new Date('2026-03-02T09:00:00Z');
const PASSWORD = 'Copper-kettle-64';
const NEW_PASSWORD = 'Silver-birch-27';
let current = T0;
let ipCounter = 0;
let client = { ip: '192.0.2.1', userAgent: 'vitest' };

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
  client = { ip: `192.0.2.${++ipCounter}`, userAgent: 'vitest' };
  process.env.EMAIL_PROVIDER = 'outbox';
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;
const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function clinic(settings: { accessMode?: 'manual' | 'automatic'; identificationMode?: IdentificationMode } = {}) {
  const tenant = await createTestTenant({ settings: { accessMode: 'automatic', ...settings } });
  const profile = (await loadTenantProfile(getDb(), tenant.id))!;
  return { tenant, profile, sms: new FakeSms() };
}
type Clinic = Awaited<ReturnType<typeof clinic>>;

async function addPatient(c: Clinic, values: Partial<typeof patients.$inferInsert> & { nationalId?: string } = {}) {
  const { nationalId, ...rest } = values;
  const [row] = await getDb()
    .insert(patients)
    .values({
      tenantId: c.tenant.id, recordNumber: `P-${randomBytes(4).toString('hex')}`, firstName: 'Ignatius', lastName: 'Wolfenden',
      dateOfBirth: '1971-08-30', email: uniqueEmail('ignatius'), phone: uniquePhone(),
      ...(nationalId ? protectNationalId(nationalId) : {}), ...rest,
    })
    .returning();
  return row!;
}

const challengeCount = async (c: Clinic) => (await getDb().select().from(authChallenges).where(eq(authChallenges.tenantId, c.tenant.id))).length;

describe('automatic access (claim)', () => {
  it('sends a code to the phone on file, then creates the account with the chosen password', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const started = await startClaim(getDb(), c.profile, { identifier: ` ${patient.email!.toUpperCase()} ` }, client, c.sms);
    expect(started).toEqual({ ok: true, challengeId: expect.any(String), resendAvailableAt: addSeconds(T0, 60) });
    if (!started.ok) return;
    expect(c.sms.last().to).toBe(patient.phone);

    expect(await completeClaim(getDb(), c.profile, started.challengeId, { password: PASSWORD, confirmPassword: PASSWORD }, client))
      .toEqual({ ok: false, error: 'no-attempt' });
    expect(await verifyClaimCode(getDb(), c.profile, started.challengeId, c.sms.lastCode(), client)).toEqual({ ok: true });
    expect(await completeClaim(getDb(), c.profile, started.challengeId, { password: 'wolfenden', confirmPassword: 'x' }, client))
      .toMatchObject({ ok: false, error: 'invalid-input', problems: { password: expect.arrayContaining(['Don’t use your name or email address in your password.']), confirmPassword: expect.any(String) } });
    expect(await completeClaim(getDb(), c.profile, started.challengeId, { password: PASSWORD, confirmPassword: PASSWORD }, client)).toEqual({ ok: true });

    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id));
    expect(account).toMatchObject({ email: patient.email, phone: patient.phone });
    expect(await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, account!.id)))
      .toEqual([expect.objectContaining({ patientId: patient.id, relationship: 'self' })]);
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: patient.email!, password: PASSWORD }, client, c.sms)).toMatchObject({ ok: true });

    // A second claim for the same person is told, after the code, to sign in instead.
    current = addSeconds(T0, 120);
    const again = await startClaim(getDb(), c.profile, { identifier: patient.email! }, client, c.sms);
    if (!again.ok) throw new Error(again.error);
    expect(await verifyClaimCode(getDb(), c.profile, again.challengeId, c.sms.lastCode(), client)).toEqual({ ok: false, error: 'account-exists' });
  });

  it('finds the patient by national ID in a national-ID clinic', async () => {
    const c = await clinic({ identificationMode: 'national_id' });
    const patient = await addPatient(c, { nationalId: '900-77-4321' });
    const started = await startClaim(getDb(), c.profile, { identifier: '900 77 4321' }, client, c.sms);
    if (!started.ok) throw new Error(started.error);
    expect(await verifyClaimCode(getDb(), c.profile, started.challengeId, c.sms.lastCode(), client)).toEqual({ ok: true });
    expect(await completeClaim(getDb(), c.profile, started.challengeId, { password: PASSWORD, confirmPassword: PASSWORD }, client)).toEqual({ ok: true });
    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id));
    expect(account).toMatchObject({ nationalIdHash: patient.nationalIdHash, email: patient.email });
  });

  it('is refused in a clinic with manual access', async () => {
    const c = await clinic({ accessMode: 'manual' });
    const patient = await addPatient(c);
    expect(await startClaim(getDb(), c.profile, { identifier: patient.email! }, client, c.sms)).toEqual({ ok: false, error: 'not-available' });
    expect(c.sms.sent).toHaveLength(0);
  });

  it('answers an unknown identifier, or a patient without a phone, like a known one, sending nothing', async () => {
    const c = await clinic();
    const known = await addPatient(c);
    const noPhone = await addPatient(c, { phone: null });
    const real = await startClaim(getDb(), c.profile, { identifier: known.email! }, client, c.sms);
    const before = await challengeCount(c);
    const unknown = await startClaim(getDb(), c.profile, { identifier: uniqueEmail('nobody') }, client, c.sms);
    const phoneless = await startClaim(getDb(), c.profile, { identifier: noPhone.email! }, client, c.sms);
    for (const answer of [unknown, phoneless]) {
      expect(answer).toEqual({ ok: true, challengeId: expect.stringMatching(/^[0-9a-f-]{36}$/), resendAvailableAt: addSeconds(T0, 60) });
    }
    expect(real).toMatchObject({ ok: true });
    expect(c.sms.sent).toHaveLength(1);
    expect(await challengeCount(c)).toBe(before);
    if (!real.ok || !unknown.ok) return;

    // The code step answers alike too: tries left, the resend wait, then too many attempts.
    const wrong = otherCode(c.sms.lastCode());
    for (const id of [real.challengeId, unknown.challengeId]) {
      expect(await resendClaimCode(getDb(), c.profile, id, client, c.sms)).toEqual({ ok: false, error: 'resend-too-soon', retryAfterSeconds: 60 });
      for (let left = 4; left >= 1; left--) {
        expect(await verifyClaimCode(getDb(), c.profile, id, wrong, client)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: left });
      }
      expect(await verifyClaimCode(getDb(), c.profile, id, wrong, client)).toEqual({ ok: false, error: 'too-many-attempts' });
      expect(await verifyClaimCode(getDb(), c.profile, id, '12', client)).toEqual({ ok: false, error: 'malformed' });
    }
    current = addSeconds(T0, 61);
    expect(await resendClaimCode(getDb(), c.profile, unknown.challengeId, client, c.sms)).toEqual({ ok: true, resendAvailableAt: addSeconds(current, 60) });
    expect(c.sms.sent).toHaveLength(1);
  });
});

describe('forgot password', () => {
  async function account(c: Clinic) {
    return createPortalAccount({ id: c.tenant.id }, { email: uniqueEmail('reset'), phone: uniquePhone(), password: PASSWORD });
  }

  it('sets the new password, ends every session of the account and clears its lock', async () => {
    const c = await clinic({ accessMode: 'manual' });
    const { account: acct } = await account(c);
    const sessions = await Promise.all([1, 2].map(() => createSession(getDb(), { tenantId: c.tenant.id, kind: 'portal', subjectId: acct.id, idleTimeoutSeconds: 3600 })));
    // Ten wrong passwords lock sign-in.
    for (let i = 0; i < 10; i++) await startPortalSignIn(getDb(), c.profile, { identifier: acct.email!, password: `Wrong-${i}-password` }, client, c.sms);
    const signInKey = lockoutKey('portal', c.tenant.id, acct.email!);
    expect(await lockRemainingSeconds(getDb(), signInKey)).toBeGreaterThan(0);

    const started = await startPasswordReset(getDb(), c.profile, { identifier: acct.email! }, client, c.sms);
    if (!started.ok) throw new Error(started.error);
    expect(c.sms.last().to).toBe(acct.phone);
    expect(await verifyPasswordResetCode(getDb(), c.profile, started.challengeId, c.sms.lastCode(), client)).toEqual({ ok: true });
    expect(await completePasswordReset(getDb(), c.profile, started.challengeId, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, client)).toEqual({ ok: true });

    for (const session of sessions) expect(await checkSession(getDb(), session.id, { kind: 'portal', tenantId: c.tenant.id })).toEqual({ ok: false, reason: 'revoked', ended: null });
    expect(await lockRemainingSeconds(getDb(), signInKey)).toBe(0);
    const [row] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.id, acct.id));
    expect(row).toMatchObject({ passwordChangedAt: T0, lockedUntil: null, failedSignIns: 0 });
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: acct.email!, password: PASSWORD }, client, c.sms)).toEqual({ ok: false, error: 'invalid-credentials' });
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: acct.email!, password: NEW_PASSWORD }, client, c.sms)).toMatchObject({ ok: true });
    // The verified challenge sets a password once.
    expect(await completePasswordReset(getDb(), c.profile, started.challengeId, { password: PASSWORD, confirmPassword: PASSWORD }, client)).toEqual({ ok: false, error: 'no-attempt' });
  });

  it('answers an unknown identifier like a known one and sends nothing', async () => {
    const c = await clinic();
    const { account: acct } = await account(c);
    const known = await startPasswordReset(getDb(), c.profile, { identifier: acct.email! }, client, c.sms);
    const unknown = await startPasswordReset(getDb(), c.profile, { identifier: uniqueEmail('ghost') }, client, c.sms);
    expect(unknown).toEqual({ ok: true, challengeId: expect.any(String), resendAvailableAt: addSeconds(T0, 60) });
    expect(known).toEqual({ ...unknown, challengeId: expect.any(String) });
    expect(c.sms.sent).toHaveLength(1);
    if (!unknown.ok) return;
    expect(await verifyPasswordResetCode(getDb(), c.profile, unknown.challengeId, '123456', client)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    expect(await completePasswordReset(getDb(), c.profile, unknown.challengeId, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, client)).toEqual({ ok: false, error: 'no-attempt' });
    // The emailed link answers alike, and only the real account gets an email.
    expect(await requestPasswordResetLink(getDb(), c.profile, { email: uniqueEmail('ghost') }, client, 'https://x.test')).toEqual({ ok: true });
    expect(await requestPasswordResetLink(getDb(), c.profile, { email: acct.email! }, client, 'https://x.test')).toEqual({ ok: true });
    const mails = await getDb().select().from(devOutboxMessages).where(eq(devOutboxMessages.channel, 'email'));
    expect(mails.filter((m) => m.body.includes('https://x.test/portal/reset-password/')).map((m) => m.recipient)).toEqual([acct.email]);
  });

  it('sends a reset link by email that still asks for the SMS code, and works once', async () => {
    const c = await clinic();
    const { account: acct } = await account(c);
    const origin = 'https://portal.reset-clinic.test';
    expect(await requestPasswordResetLink(getDb(), c.profile, { email: acct.email! }, client, origin)).toEqual({ ok: true });
    const [mail] = await getDb().select().from(devOutboxMessages)
      .where(and(eq(devOutboxMessages.channel, 'email'), eq(devOutboxMessages.recipient, acct.email!)))
      .orderBy(desc(devOutboxMessages.createdAt));
    const token = mail!.body.match(/\/portal\/reset-password\/([A-Za-z0-9_-]{43})/)![1]!;
    expect(await inspectPasswordResetLink(getDb(), c.profile, token)).toEqual({ ok: true, maskedPhone: expect.stringContaining(acct.phone.slice(-4)) });

    const started = await startPasswordResetFromLink(getDb(), c.profile, token, client, c.sms);
    if (!started.ok) throw new Error(started.error);
    expect(await completePasswordReset(getDb(), c.profile, started.challengeId, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, client)).toEqual({ ok: false, error: 'no-attempt' });
    expect(await verifyPasswordResetCode(getDb(), c.profile, started.challengeId, c.sms.lastCode(), client)).toEqual({ ok: true });
    expect(await completePasswordReset(getDb(), c.profile, started.challengeId, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }, client)).toEqual({ ok: true });
    expect(await inspectPasswordResetLink(getDb(), c.profile, token)).toEqual({ ok: false, error: 'link-used' });

    current = addSeconds(T0, 3601);
    expect(await requestPasswordResetLink(getDb(), c.profile, { email: acct.email! }, client, origin)).toEqual({ ok: true });
    const [next] = await getDb().select().from(devOutboxMessages)
      .where(and(eq(devOutboxMessages.channel, 'email'), eq(devOutboxMessages.recipient, acct.email!)))
      .orderBy(desc(devOutboxMessages.createdAt), desc(devOutboxMessages.id));
    const second = next!.body.match(/\/portal\/reset-password\/([A-Za-z0-9_-]{43})/)![1]!;
    current = addSeconds(current, 3600);
    expect(await inspectPasswordResetLink(getDb(), c.profile, second)).toEqual({ ok: false, error: 'link-expired' });
  });
});

describe('staff unlock', () => {
  it('clears the sign-in lock of the accounts linked to the patient', async () => {
    const c = await clinic({ accessMode: 'manual' });
    const staff = await createStaffContext(c.tenant, 'support');
    const fixture = await createPortalAccount({ id: c.tenant.id }, { email: uniqueEmail('locked'), phone: uniquePhone(), password: PASSWORD });
    for (let i = 0; i < 10; i++) await startPortalSignIn(getDb(), c.profile, { identifier: fixture.account.email!, password: `Nope-${i}-Nope` }, client, c.sms);
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: fixture.account.email!, password: PASSWORD }, client, c.sms)).toMatchObject({ ok: false, error: 'locked' });

    expect(await unlockPortalAccess(getDb(), staff, fixture.patient.id)).toEqual({ accountsUnlocked: 1 });
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: fixture.account.email!, password: PASSWORD }, client, c.sms)).toMatchObject({ ok: true });
    const [row] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.id, fixture.account.id));
    expect(row?.lockedUntil).toBeNull();
  });
});
