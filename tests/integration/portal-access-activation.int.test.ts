import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, authChallenges, devOutboxMessages, patientPortalSettings, patients, portalAccountPatients, portalAccounts, type IdentificationMode } from '@/db/schema';
import { startPortalSignIn } from '@/lib/auth/portal-sign-in';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { verifyPassword } from '@/lib/identity/password-hash';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { protectNationalId } from '@/lib/patients/national-id';
import { completeActivation, resendActivationCode, startActivation, submitActivationCredentials } from '@/lib/portal-access/activation';
import { PORTAL_ACCESS_POLICY } from '@/lib/portal-access/policy';
import { createPortalUser, getPortalAccessState, unlockPortalAccess } from '@/lib/portal-access/staff-admin';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { createTestTenant } from '../support/factories';
import { FakeSms, codeFrom, createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * Printed activation (seed 001) through lib/portal-access on a real database: portal ID,
 * initials and date of birth; identifier and password; SMS code; then the person signs in.
 */

const T0 = new Date('2026-03-02T09:00:00Z');
const PASSWORD = 'Lantern-harbor-73';
let current = T0;
let ipCounter = 0;
/** Each test its own address, so the per-IP limit only shows up where a test is about it. */
let client = { ip: '198.51.100.1', userAgent: 'vitest' };

beforeEach(() => {
  current = T0;
  setClockForTests(() => current);
  client = { ip: `198.51.100.${++ipCounter}`, userAgent: 'vitest' };
  process.env.SMS_PROVIDER = 'outbox';
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

async function clinic(identificationMode: IdentificationMode = 'email') {
  const tenant = await createTestTenant({ settings: { identificationMode } });
  const profile = (await loadTenantProfile(getDb(), tenant.id))!;
  return { tenant, profile, staff: await createStaffContext(tenant, 'support'), sms: new FakeSms() };
}
type Clinic = Awaited<ReturnType<typeof clinic>>;

async function addPatient(c: Clinic, overrides: Partial<typeof patients.$inferInsert> & { nationalId?: string } = {}) {
  const { nationalId, ...rest } = overrides;
  const [row] = await getDb()
    .insert(patients)
    .values({
      tenantId: c.tenant.id,
      recordNumber: `P-${randomBytes(4).toString('hex')}`,
      firstName: 'Élodie',
      lastName: 'Øster',
      dateOfBirth: '1986-04-12',
      email: `elodie.${randomBytes(3).toString('hex')}@example.test`,
      phone: uniquePhone(),
      ...(nationalId ? protectNationalId(nationalId) : {}),
      ...rest,
    })
    .returning();
  return row!;
}

const details = (portalCode: string, more: Partial<{ firstInitial: string; lastInitial: string; dateOfBirth: string }> = {}) => ({
  portalCode, firstInitial: 'e', lastInitial: 'O', dateOfBirth: '04/12/1986', ...more,
});

async function activate(c: Clinic, portalCode: string, identifier?: string) {
  const started = await startActivation(getDb(), c.profile, details(portalCode), client);
  if (!started.ok) throw new Error(`activation did not start: ${started.error}`);
  const creds = await submitActivationCredentials(getDb(), c.profile, started.challengeId, { identifier, password: PASSWORD, confirmPassword: PASSWORD }, client, c.sms);
  if (!creds.ok) throw new Error(`credentials refused: ${creds.error}`);
  return { started, result: await completeActivation(getDb(), c.profile, started.challengeId, c.sms.lastCode(), client) };
}

describe('printed activation', () => {
  it('activates with the portal ID, initials in any case and accent, and the date; the person then signs in', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    expect(portalCode).toMatch(/^[1-9][0-9]{5}$/);
    expect((await getPortalAccessState(getDb(), c.staff, patient.id)).status).toBe('invited');

    const started = await startActivation(getDb(), c.profile, details(` ${portalCode} `, { firstInitial: 'É', lastInitial: 'o' }), client);
    expect(started).toEqual({
      ok: true, challengeId: expect.any(String), maskedPhone: `\u2022\u2022\u2022\u2022 ${patient.phone!.slice(-4)}`,
      identifier: { mode: 'email' },
    });
    if (!started.ok) return;

    // Every password problem at once, and the confirmation; nothing is sent yet.
    const weak = await submitActivationCredentials(getDb(), c.profile, started.challengeId, { identifier: patient.email!, password: 'abc', confirmPassword: 'abd' }, client, c.sms);
    expect(weak).toEqual({
      ok: false, error: 'invalid-input',
      problems: { password: ['Use at least 8 characters.', 'Add an upper-case letter.', 'Add a digit.'], confirmPassword: expect.stringContaining('don’t match') },
    });
    expect(c.sms.sent).toHaveLength(0);

    const email = `New.Address.${randomBytes(2).toString('hex')}@Example.test`;
    const creds = await submitActivationCredentials(getDb(), c.profile, started.challengeId, { identifier: email, password: PASSWORD, confirmPassword: PASSWORD }, client, c.sms);
    expect(creds).toEqual({ ok: true, maskedPhone: expect.stringContaining(patient.phone!.slice(-4)), resendAvailableAt: addSeconds(T0, 60) });
    expect(c.sms.last().to).toBe(patient.phone);
    expect(c.sms.last().body).not.toContain(patient.lastName);

    // Resend waits 60 s, like sign-in.
    expect(await resendActivationCode(getDb(), c.profile, started.challengeId, client, c.sms)).toEqual({ ok: false, error: 'resend-too-soon', retryAfterSeconds: 60 });
    current = addSeconds(T0, 61);
    expect(await resendActivationCode(getDb(), c.profile, started.challengeId, client, c.sms)).toMatchObject({ ok: true });

    expect(await completeActivation(getDb(), c.profile, started.challengeId, '000000' === c.sms.lastCode() ? '111111' : '000000', client))
      .toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
    const done = await completeActivation(getDb(), c.profile, started.challengeId, c.sms.lastCode(), client);
    expect(done).toEqual({ ok: true, outcome: 'created', signInChallengeId: expect.any(String) });

    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id));
    // The code just verified signs the new account in: a verified sign-in attempt, no second SMS.
    const [signIn] = await getDb().select().from(authChallenges).where(and(eq(authChallenges.tenantId, c.tenant.id), eq(authChallenges.id, done.ok && 'signInChallengeId' in done ? done.signInChallengeId : '')));
    expect(signIn).toMatchObject({ purpose: 'portal_sign_in', subjectKind: 'portal_account', subjectId: account!.id, completedAt: null, verifiedAt: current });
    expect(JSON.parse(signIn!.payload!)).toEqual({ method: 'activation' });
    expect(c.sms.sent).toHaveLength(2);
    expect(account).toMatchObject({ email: email.toLowerCase(), phone: patient.phone, phoneVerifiedAt: current, fullName: 'Élodie Øster', status: 'active' });
    expect(await verifyPassword(account!.passwordHash, PASSWORD)).toBe(true);
    const links = await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, account!.id));
    expect(links).toEqual([expect.objectContaining({ patientId: patient.id, relationship: 'self' })]);
    const [settings] = await getDb().select().from(patientPortalSettings).where(eq(patientPortalSettings.patientId, patient.id));
    expect(settings?.portalCode).toBeNull();
    expect((await getPortalAccessState(getDb(), c.staff, patient.id)).status).toBe('active');
    const audit = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'portal.activated')));
    expect(audit).toEqual([expect.objectContaining({ actorId: account!.id, patientId: patient.id })]);

    // The printed ID is spent, and the new account signs in normally.
    expect(await startActivation(getDb(), c.profile, details(portalCode), client)).toMatchObject({ ok: false, error: 'no-match' });
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: email, password: PASSWORD }, client, c.sms)).toMatchObject({ ok: true });
  });

  it('sends the code through the configured provider (the dev outbox here)', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    const started = await startActivation(getDb(), c.profile, details(portalCode), client);
    if (!started.ok) throw new Error(started.error);
    await submitActivationCredentials(getDb(), c.profile, started.challengeId, { identifier: patient.email!, password: PASSWORD, confirmPassword: PASSWORD }, client);
    const [sms] = await getDb().select().from(devOutboxMessages)
      .where(and(eq(devOutboxMessages.channel, 'sms'), eq(devOutboxMessages.recipient, patient.phone!)))
      .orderBy(desc(devOutboxMessages.createdAt));
    expect(await completeActivation(getDb(), c.profile, started.challengeId, codeFrom(sms!.body), client)).toEqual({ ok: true, outcome: 'created', signInChallengeId: expect.any(String) });
  });

  it('makes the attempt wait after 5 wrong tries, never the portal ID: the right patient still finishes', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    const wrong = [{ firstInitial: 'x' }, { lastInitial: 'x' }, { dateOfBirth: '12/04/1986' }, { dateOfBirth: '04/12/1987' }];
    for (const [i, mistake] of wrong.entries()) {
      expect(await startActivation(getDb(), c.profile, details(portalCode, mistake), client)).toEqual({ ok: false, error: 'no-match', attemptsLeft: 4 - i });
    }
    expect(await startActivation(getDb(), c.profile, details(portalCode, { firstInitial: 'z' }), client)).toEqual({ ok: false, error: 'attempt-locked', retryAfterSeconds: 3600 });
    // This attempt learns nothing more, even with the right details, until the hour is over.
    current = addSeconds(T0, 60);
    expect(await startActivation(getDb(), c.profile, details(portalCode), client)).toEqual({ ok: false, error: 'attempt-locked', retryAfterSeconds: 3540 });
    // The ID is not locked: staff see the tries, and the patient finishes from their own phone.
    expect(await getPortalAccessState(getDb(), c.staff, patient.id)).toMatchObject({
      status: 'invited', pendingPortalCode: { code: portalCode, locked: false, failedAttempts: 5 },
    });
    client = { ip: '203.0.113.77', userAgent: 'patient phone' };
    expect(await activate(c, portalCode, patient.email!)).toMatchObject({ result: { ok: true, outcome: 'created' } });
  });

  it('lets the same address in again after the hour, and forgets its typos once the details are right', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    for (let i = 0; i < 5; i++) await startActivation(getDb(), c.profile, details(portalCode, { firstInitial: 'x' }), client);
    current = addSeconds(T0, 3600);
    expect(await startActivation(getDb(), c.profile, details(portalCode, { firstInitial: 'x' }), client)).toEqual({ ok: false, error: 'no-match', attemptsLeft: 4 });
    expect(await startActivation(getDb(), c.profile, details(portalCode), client)).toMatchObject({ ok: true });
    expect(await startActivation(getDb(), c.profile, details(portalCode, { firstInitial: 'x' }), client)).toEqual({ ok: false, error: 'no-match', attemptsLeft: 4 });
  });

  it('still refuses an ID staff locked, until they unlock it', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    await getDb().update(patientPortalSettings).set({ portalCodeFailedAttempts: 5, portalCodeLockedAt: T0 }).where(eq(patientPortalSettings.patientId, patient.id));
    expect(await startActivation(getDb(), c.profile, details(portalCode), client)).toEqual({ ok: false, error: 'code-locked' });
    await unlockPortalAccess(getDb(), c.staff, patient.id);
    expect(await activate(c, portalCode, patient.email!)).toMatchObject({ result: { ok: true, outcome: 'created' } });
  });

  it('limits activation attempts across the whole clinic, whatever the address, with its own answer', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    const { limit, windowSeconds } = PORTAL_ACCESS_POLICY.perClinic;
    for (let i = 0; i < limit; i++) {
      const code = String(200000 + i);
      if (code === portalCode) continue;
      const from = { ip: `10.9.${Math.floor(i / 250)}.${i % 250}`, userAgent: 'sweep' };
      expect(await startActivation(getDb(), c.profile, details(code), from)).toMatchObject({ ok: false, error: 'no-match' });
    }
    const fresh = { ip: '203.0.113.199', userAgent: 'vitest' };
    expect(await startActivation(getDb(), c.profile, details(portalCode), fresh)).toEqual({ ok: false, error: 'clinic-busy', retryAfterSeconds: windowSeconds });
    // Another clinic is not affected; this one opens again after the window.
    const other = await clinic();
    const otherPatient = await addPatient(other);
    const otherCode = (await createPortalUser(getDb(), other.staff, otherPatient.id)).portalCode;
    expect(await startActivation(getDb(), other.profile, details(otherCode), fresh)).toMatchObject({ ok: true });
    current = addSeconds(T0, windowSeconds);
    expect(await startActivation(getDb(), c.profile, details(portalCode), fresh)).toMatchObject({ ok: true });
  });

  it('shows nothing from the record but the masked phone before the SMS code is verified', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    const started = await startActivation(getDb(), c.profile, details(portalCode), client);
    const shown = JSON.stringify(started);
    expect(started).toMatchObject({ ok: true, identifier: { mode: 'email' } });
    for (const personal of [patient.email!, patient.email!.split('@')[0]!, patient.firstName, patient.lastName, patient.phone!]) {
      expect(shown).not.toContain(personal);
    }
  });

  it('answers a portal ID nobody holds exactly like a real one', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    const unknown = portalCode === '999999' ? '999998' : '999999';
    const real: unknown[] = [];
    const fake: unknown[] = [];
    for (let i = 0; i < 6; i++) {
      real.push(await startActivation(getDb(), c.profile, details(portalCode, { firstInitial: 'q' }), client));
      fake.push(await startActivation(getDb(), c.profile, details(unknown, { firstInitial: 'q' }), client));
    }
    expect(fake).toEqual(real);
    expect(real.at(-1)).toEqual({ ok: false, error: 'attempt-locked', retryAfterSeconds: 3600 });
  });

  it('limits attempts per IP address to 20 an hour', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    for (let i = 0; i < 20; i++) {
      const code = String(100000 + i);
      if (code === portalCode) continue;
      expect(await startActivation(getDb(), c.profile, details(code), client)).toMatchObject({ ok: false, error: 'no-match' });
    }
    const limited = await startActivation(getDb(), c.profile, details(portalCode), client);
    expect(limited).toEqual({ ok: false, error: 'rate-limited', retryAfterSeconds: 3600 });
    // Another address is not affected, and the first one is let in after the hour.
    expect(await startActivation(getDb(), c.profile, details(portalCode), { ...client, ip: '203.0.113.250' })).toMatchObject({ ok: true });
    current = addSeconds(T0, 3600);
    expect(await startActivation(getDb(), c.profile, details(portalCode), client)).toMatchObject({ ok: true });
  });

  it('refuses a patient without a phone: staff cannot issue an ID, and a phone removed later stops activation', async () => {
    const c = await clinic();
    const noPhone = await addPatient(c, { phone: null });
    await expect(createPortalUser(getDb(), c.staff, noPhone.id)).rejects.toMatchObject({ name: 'PortalAccessError', code: 'no-phone' });

    const patient = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    await getDb().update(patients).set({ phone: null }).where(and(eq(patients.tenantId, c.tenant.id), eq(patients.id, patient.id)));
    expect(await startActivation(getDb(), c.profile, details(portalCode), client)).toEqual({ ok: false, error: 'no-phone' });
    expect(c.sms.sent).toHaveLength(0);
  });

  it('adds the patient to an existing account with that identifier, leaving its password alone', async () => {
    const c = await clinic();
    const existing = await createPortalAccount({ id: c.tenant.id }, { email: `parent.${randomBytes(3).toString('hex')}@example.test`, phone: uniquePhone(), password: 'Other-password-91' });
    const child = await addPatient(c);
    const { portalCode } = await createPortalUser(getDb(), c.staff, child.id);

    const { result } = await activate(c, portalCode, existing.account.email!.toUpperCase());
    expect(result).toEqual({ ok: true, outcome: 'linked' });
    const accounts = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, c.tenant.id));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.passwordHash).toBe(existing.account.passwordHash);
    const links = await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, existing.account.id));
    expect(links.map((l) => l.patientId).sort()).toEqual([existing.patient.id, child.id].sort());
  });

  it('uses the national ID on file in a national-ID clinic, and asks the clinic when there is none', async () => {
    const c = await clinic('national_id');
    const patient = await addPatient(c, { nationalId: '900-55-1234' });
    const { portalCode } = await createPortalUser(getDb(), c.staff, patient.id);
    const started = await startActivation(getDb(), c.profile, details(portalCode), client);
    expect(started).toMatchObject({ ok: true, identifier: { mode: 'national_id', masked: expect.stringContaining('1234') } });
    const { result } = await activate(c, portalCode);
    expect(result).toEqual({ ok: true, outcome: 'created', signInChallengeId: expect.any(String) });
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: '900551234', password: PASSWORD }, client, c.sms)).toMatchObject({ ok: true });

    const without = await addPatient(c);
    const second = await createPortalUser(getDb(), c.staff, without.id);
    expect(await startActivation(getDb(), c.profile, details(second.portalCode), client)).toEqual({ ok: false, error: 'no-identifier' });
  });

  it('tells the person what to fix in the form', async () => {
    const c = await clinic();
    expect(await startActivation(getDb(), c.profile, { portalCode: '12a', firstInitial: 'Jo', lastInitial: '', dateOfBirth: '13/01/1990' }, client)).toEqual({
      ok: false, error: 'invalid-input',
      problems: {
        portalCode: 'The portal ID is 6 digits, as printed on your instructions.',
        firstInitial: 'Enter one letter: the first letter of your first name.',
        lastInitial: 'Enter the first letter of your last name.',
        dateOfBirth: 'Enter the date as MM/DD/YYYY, for example 04/12/1986.',
      },
    });
  });
});

describe('staff portal administration', () => {
  it("answers not-found for another clinic's patient", async () => {
    const a = await clinic();
    const b = await clinic();
    const theirs = await addPatient(b);
    await expect(createPortalUser(getDb(), a.staff, theirs.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(getPortalAccessState(getDb(), a.staff, theirs.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(unlockPortalAccess(getDb(), a.staff, theirs.id)).rejects.toMatchObject({ name: 'NotFoundError' });
    const [untouched] = await getDb().select().from(patientPortalSettings).where(eq(patientPortalSettings.patientId, theirs.id));
    expect(untouched).toBeUndefined();
  });

  it('needs the portal administration permission', async () => {
    const c = await clinic();
    const patient = await addPatient(c);
    const marketing = await createStaffContext(c.tenant, 'marketing');
    await expect(createPortalUser(getDb(), marketing, patient.id)).rejects.toMatchObject({ name: 'ForbiddenError' });
  });
});
