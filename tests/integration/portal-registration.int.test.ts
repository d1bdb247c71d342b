import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  auditLog, authChallenges, authSessions, devOutboxMessages, outboxMessages, patients, portalAccountPatients, portalAccounts, portalRegistrations,
  tasks, tenantSettings, type SelfRegistrationMode,
} from '@/db/schema';
import { startPortalSignIn } from '@/lib/auth/portal-sign-in';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { nationalIdLookupHash, protectNationalId } from '@/lib/patients/national-id';
import { completeActivation, startActivation, submitActivationCredentials } from '@/lib/portal-access/activation';
import { PORTAL_ACCESS_POLICY } from '@/lib/portal-access/policy';
import {
  completeRegistration, resendRegistrationCode, startRegistration, verifyRegistrationCode, type RegistrationInput,
} from '@/lib/portal-access/registration';
import { approveRegistration, listPendingRegistrations, pendingRegistrationCount, rejectRegistration } from '@/lib/portal-access/registration-review';
import { createPortalUser } from '@/lib/portal-access/staff-admin';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { cookieName, hostFor, invokeAction } from '../support/action-harness';
import { browserSession } from '../support/browser-session';
import { hostileFormValue, hostileString, leaksIn, stringsIn, toFormData, zodDefaultIn, type FormValue } from '../support/hostile';
import { createTestTenant } from '../support/factories';
import { FakeSms } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

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
 * Self-registration (issue 19 point 4), through the page's action as the form posts it and through
 * lib for the limits and the clinic's decisions: an open clinic signs the new patient in, one that
 * approves keeps the account waiting until staff decide; a likely duplicate of a patient on file
 * registers exactly like anyone else (the clinic gets a merge task), and an identifier that already
 * signs in makes nothing, with its owner told and the registrant shown the same steps.
 */

const { registrationAction } = await import('@/app/t/[tenant]/portal/(public)/register/actions');
const { default: RegisterPage } = await import('@/app/t/[tenant]/portal/(public)/register/page');

const T0 = new Date('2026-05-04T09:00:00Z');
const PASSWORD = 'Granite-orchard-51';
const CHALLENGE_COOKIE = 'cb.challenge';
let now = T0;

beforeEach(() => {
  now = T0;
  setClockForTests(() => now);
  process.env.EMAIL_PROVIDER = 'outbox';
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

let ipCounter = 0;
const nextIp = () => `198.51.100.${(++ipCounter % 250) + 1}`;
const browser = (slug: string, ip = nextIp()) => browserSession(hostFor(slug), { 'x-forwarded-for': ip });
const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const e164 = (typed: string) => (typed.startsWith('+') ? typed : `+1${typed.replace(/\D/g, '')}`);

async function clinic(selfRegistration: SelfRegistrationMode, settings: { identificationMode?: 'email' | 'national_id' } = {}) {
  const tenant = await createTestTenant({ settings: { selfRegistration, ...settings } });
  const profile = (await loadTenantProfile(getDb(), tenant.id))!;
  return { tenant, profile };
}
type Clinic = Awaited<ReturnType<typeof clinic>>;

async function lastCode(phone: string): Promise<string> {
  const [sms] = await getDb().select().from(devOutboxMessages)
    .where(and(eq(devOutboxMessages.channel, 'sms'), eq(devOutboxMessages.recipient, phone)))
    .orderBy(desc(devOutboxMessages.createdAt))
    .limit(1);
  return /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1] ?? '';
}
const smsTo = async (phone: string) => getDb().select().from(devOutboxMessages).where(and(eq(devOutboxMessages.channel, 'sms'), eq(devOutboxMessages.recipient, phone)));

/** What a new patient types, unique to this call. */
function registrant(overrides: Record<string, string> = {}) {
  const phone = uniquePhone();
  return {
    intent: 'details', firstName: 'Nora', lastName: `Quintero${randomBytes(2).toString('hex')}`, dateOfBirth: '04/12/1986',
    phone: `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`, email: uniqueEmail('nora'), ...overrides,
  };
}

async function patientOf(tenantId: string, values: Partial<typeof patients.$inferInsert> & { nationalId?: string } = {}) {
  const { nationalId, ...rest } = values;
  const [row] = await getDb().insert(patients).values({
    tenantId, recordNumber: `P-${randomBytes(4).toString('hex')}`, firstName: 'Ignatius', lastName: `Wolfenden${randomBytes(2).toString('hex')}`,
    dateOfBirth: '1971-08-30', email: uniqueEmail('ignatius'), phone: uniquePhone(), ...(nationalId ? protectNationalId(nationalId) : {}), ...rest,
  }).returning();
  return row!;
}

const patientsOf = (tenantId: string) => getDb().select().from(patients).where(eq(patients.tenantId, tenantId));
const accountsOf = (tenantId: string) => getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, tenantId));
const registrationsOf = (tenantId: string) => getDb().select().from(portalRegistrations).where(eq(portalRegistrations.tenantId, tenantId));
const tasksOf = (tenantId: string) => getDb().select().from(tasks).where(eq(tasks.tenantId, tenantId));
const challengesOf = (tenantId: string) => getDb().select().from(authChallenges).where(eq(authChallenges.tenantId, tenantId));

/**
 * One registration through the action, step by step; every answer the registrant sees, with what
 * differs between any two people (their phone's last digits) taken out, for comparing paths.
 */
async function register(c: Clinic, typed: Record<string, string>, options: { code?: (phone: string) => Promise<string> } = {}) {
  const b = browser(c.tenant.slug);
  const seen: unknown[] = [];
  const phone = e164(typed.phone!);
  const note = (outcome: Awaited<ReturnType<typeof b.post>>) => {
    // Only inside strings: the digits can also occur in a number of the answer (a countdown, a
    // time), and replacing them there made the JSON unreadable for some phones.
    const masked = (_key: string, value: unknown) => (typeof value === 'string' ? value.replaceAll(phone.slice(-4), '####') : value);
    seen.push(outcome.kind === 'returned'
      ? JSON.parse(JSON.stringify(outcome.value, masked))
      : `${outcome.kind}:${'location' in outcome ? outcome.location : ''}`);
  };
  note(await b.post(registrationAction, typed));
  const code = await (options.code ?? lastCode)(phone);
  note(await b.post(registrationAction, { intent: 'code', code: wrong(code || '000000') }));
  note(await b.post(registrationAction, { intent: 'code', code: code || '000000' }));
  note(await b.post(registrationAction, { intent: 'password', password: PASSWORD, confirmPassword: PASSWORD }));
  return { b, seen, phone };
}

describe('an open clinic', () => {
  it('registers with the SMS code and a password: patient, account, self link, registration and session', async () => {
    const c = await clinic('open');
    const tenantId = c.tenant.id;
    const b = browser(c.tenant.slug);
    const typed = registrant();
    const phone = e164(typed.phone);

    // Nothing to check without an attempt, and nothing is made.
    await b.post(registrationAction, { intent: 'password', password: PASSWORD, confirmPassword: PASSWORD });
    expect(b.state).toMatchObject({ step: 'details' });
    await b.post(registrationAction, { intent: 'code', code: '123456' });
    expect(b.state).toMatchObject({ step: 'details', message: expect.stringMatching(/start again/i) });

    await b.post(registrationAction, { ...typed, firstName: '', dateOfBirth: '02/30/1990' });
    expect(b.state).toMatchObject({ step: 'details', values: expect.objectContaining({ email: typed.email }), fieldErrors: { firstName: 'errFirstName' } });
    await b.post(registrationAction, { ...typed, dateOfBirth: '02/30/1990' });
    expect(b.state).toMatchObject({ step: 'details', fieldErrors: { dateOfBirth: 'errDateOfBirth' } });
    // The email is how this clinic signs in: required here.
    await b.post(registrationAction, { ...typed, email: '' });
    expect(b.state).toMatchObject({ step: 'details', fieldErrors: { email: 'errEmail' } });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();

    await b.post(registrationAction, typed);
    expect(b.state).toEqual({ step: 'code', maskedPhone: `•••• ${phone.slice(-4)}`, resendAt: addSeconds(T0, 60).getTime() });
    const [challenge] = await challengesOf(tenantId);
    // What was typed waits encrypted.
    for (const secret of [typed.lastName, typed.email, phone]) expect(challenge!.payload).not.toContain(secret);

    const code = await lastCode(phone);
    await b.post(registrationAction, { intent: 'code', code: wrong(code) });
    expect(b.state).toMatchObject({ step: 'code', message: expect.stringMatching(/not correct/i) });
    // The password step is not reachable before the code.
    await b.post(registrationAction, { intent: 'password', password: PASSWORD, confirmPassword: PASSWORD });
    expect(await patientsOf(tenantId)).toHaveLength(0);

    await b.post(registrationAction, { intent: 'code', code });
    expect(b.state).toEqual({ step: 'password' });
    await b.post(registrationAction, { intent: 'password', password: 'quintero', confirmPassword: 'x' });
    expect(b.state).toMatchObject({ step: 'password', passwordProblems: expect.any(Array), fieldErrors: { confirmPassword: expect.any(String) } });
    expect(await patientsOf(tenantId)).toHaveLength(0);

    const outcome = await b.post(registrationAction, { intent: 'password', password: PASSWORD, confirmPassword: PASSWORD });
    expect(outcome).toMatchObject({ kind: 'redirect', location: '/portal' });

    const [patient] = await patientsOf(tenantId);
    expect(patient).toMatchObject({ firstName: 'Nora', lastName: typed.lastName, dateOfBirth: '1986-04-12', email: typed.email, phone, preferredLanguage: 'en' });
    const [account] = await accountsOf(tenantId);
    expect(account).toMatchObject({ email: typed.email, phone, status: 'active', fullName: `Nora ${typed.lastName}` });
    expect(await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.accountId, account!.id)))
      .toEqual([expect.objectContaining({ patientId: patient!.id, relationship: 'self' })]);
    expect(await registrationsOf(tenantId)).toEqual([expect.objectContaining({
      accountId: account!.id, patientId: patient!.id, status: 'approved', possibleDuplicateOf: null, decidedByStaffId: null,
    })]);
    const sessions = await getDb().select().from(authSessions).where(and(eq(authSessions.tenantId, tenantId), eq(authSessions.subjectId, account!.id)));
    expect(sessions).toEqual([expect.objectContaining({ kind: 'portal', selectedPatientId: patient!.id, revokedAt: null })]);
    expect(b.jar[cookieName('portal')]).toBeTruthy();
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
    expect(await tasksOf(tenantId)).toEqual([]);

    // Audited with ids only; the typed details are gone from the attempt.
    const audit = await getDb().select().from(auditLog).where(eq(auditLog.tenantId, tenantId));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.code_sent', 'auth.code_failed', 'patient.created', 'portal.registered', 'auth.sign_in']));
    for (const entry of audit) {
      const text = JSON.stringify(entry.details ?? {});
      for (const secret of [typed.lastName, typed.email, phone, '1986']) expect(text).not.toContain(secret);
    }
    const [spent] = await challengesOf(tenantId).then((rows) => rows.filter((r) => r.id === challenge!.id));
    expect(spent!.completedAt).not.toBeNull();
    expect(spent!.payload).not.toContain('details');
  });

  it('is not found when self-registration is off, or the portal is', async () => {
    const off = await clinic('off');
    const noPortal = await clinic('open');
    await getDb().update(tenantSettings).set({ portalEnabled: false }).where(eq(tenantSettings.tenantId, noPortal.tenant.id));
    for (const c of [off, noPortal]) {
      const page = await invokeAction({ host: hostFor(c.tenant.slug) }, RegisterPage, { params: Promise.resolve({ tenant: c.tenant.slug }) });
      expect(page.kind, c.tenant.slug).toBe('not-found');
      for (const intent of ['details', 'code', 'password', 'resend', 'restart']) {
        const outcome = await browser(c.tenant.slug).post(registrationAction, { ...registrant(), intent, code: '123456', password: PASSWORD, confirmPassword: PASSWORD });
        expect(outcome.kind, intent).toBe('not-found');
      }
      expect(await challengesOf(c.tenant.id)).toHaveLength(0);
    }
    const open = await clinic('approval');
    expect((await invokeAction({ host: hostFor(open.tenant.slug) }, RegisterPage, { params: Promise.resolve({ tenant: open.tenant.slug }) })).kind).toBe('returned');
  });
});

describe('a clinic that approves registrations', () => {
  it('keeps the account waiting until staff approve; sign-in says so only after the right password', async () => {
    const c = await clinic('approval');
    const tenantId = c.tenant.id;
    const typed = registrant();
    const { b, seen } = await register(c, typed);
    expect(seen.at(-1)).toEqual({ step: 'pending' });
    expect(b.jar[cookieName('portal')]).toBeUndefined();
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
    const [account] = await accountsOf(tenantId);
    expect(account).toMatchObject({ status: 'pending', email: typed.email });
    const [registration] = await registrationsOf(tenantId);
    expect(registration).toMatchObject({ status: 'pending', decidedAt: null });
    expect(await getDb().select().from(authSessions).where(eq(authSessions.tenantId, tenantId))).toEqual([]);

    const client = { ip: nextIp(), userAgent: 'vitest' };
    const sms = new FakeSms();
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: typed.email, password: 'Not-the-password-1' }, client, sms))
      .toEqual({ ok: false, error: 'invalid-credentials' });
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: typed.email, password: PASSWORD }, client, sms))
      .toEqual({ ok: false, error: 'awaiting-approval' });
    expect(sms.sent).toHaveLength(0);

    const admin = await createStaffContext(c.tenant, 'admin');
    expect(await pendingRegistrationCount(getDb(), admin)).toBe(1);
    expect(await listPendingRegistrations(getDb(), admin)).toEqual([expect.objectContaining({
      id: registration!.id, firstName: 'Nora', lastName: typed.lastName, dateOfBirth: '1986-04-12', email: typed.email, phone: e164(typed.phone), possibleDuplicate: null,
    })]);
    expect(await approveRegistration(getDb(), admin, { registrationId: registration!.id })).toEqual({ changed: true });
    // A second click (another tab, a colleague) changes nothing and says how it was decided.
    expect(await approveRegistration(getDb(), admin, { registrationId: registration!.id })).toEqual({ changed: false, status: 'approved' });
    expect(await pendingRegistrationCount(getDb(), admin)).toBe(0);

    expect((await accountsOf(tenantId))[0]).toMatchObject({ status: 'active' });
    expect((await registrationsOf(tenantId))[0]).toMatchObject({ status: 'approved', decidedByStaffId: admin.actor.id, decidedAt: expect.any(Date) });
    // The registrant is told, naming the clinic only.
    const notices = await getDb().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.recipient, typed.email)));
    expect(notices).toEqual([expect.objectContaining({ channel: 'email', subject: expect.stringMatching(/portal account is ready/) })]);
    expect(notices[0]!.body).not.toContain(typed.lastName);
    expect(await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'portal.registration_approved'))))
      .toEqual([expect.objectContaining({ actorId: admin.actor.id, patientId: registration!.patientId })]);

    expect(await startPortalSignIn(getDb(), c.profile, { identifier: typed.email, password: PASSWORD }, client, sms)).toMatchObject({ ok: true });
  });

  it('rejects with a reason kept for the clinic: the account can never sign in, and the person is told without it', async () => {
    const c = await clinic('approval');
    const typed = registrant();
    await register(c, typed);
    const [registration] = await registrationsOf(c.tenant.id);
    const admin = await createStaffContext(c.tenant, 'admin');
    await expect(rejectRegistration(getDb(), admin, { registrationId: registration!.id, reason: '  ' })).rejects.toMatchObject({ code: 'registration-reason' });
    expect(await rejectRegistration(getDb(), admin, { registrationId: registration!.id, reason: 'Not a patient of ours; called to check' })).toEqual({ changed: true });
    expect(await approveRegistration(getDb(), admin, { registrationId: registration!.id })).toEqual({ changed: false, status: 'rejected' });
    expect((await registrationsOf(c.tenant.id))[0]).toMatchObject({ status: 'rejected', reason: 'Not a patient of ours; called to check', decidedByStaffId: admin.actor.id });
    expect((await accountsOf(c.tenant.id))[0]).toMatchObject({ status: 'rejected' });
    const [notice] = await getDb().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, c.tenant.id), eq(outboxMessages.recipient, typed.email)));
    expect(notice!.body).toMatch(/could not confirm your registration/);
    expect(notice!.body).not.toContain('called to check');
    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'portal.registration_rejected')));
    expect(JSON.stringify(audit!.details)).not.toContain('called to check');
    expect(await startPortalSignIn(getDb(), c.profile, { identifier: typed.email, password: PASSWORD }, { ip: nextIp(), userAgent: 'vitest' }, new FakeSms()))
      .toEqual({ ok: false, error: 'registration-rejected' });
  });

  it('lets only staff who may edit patients decide, and only in their own clinic', async () => {
    const c = await clinic('approval');
    const other = await clinic('approval');
    await register(c, registrant());
    const [registration] = await registrationsOf(c.tenant.id);
    const support = await createStaffContext(c.tenant, 'support');
    expect(await listPendingRegistrations(getDb(), support)).toHaveLength(1);
    await expect(approveRegistration(getDb(), support, { registrationId: registration!.id })).rejects.toMatchObject({ name: 'ForbiddenError' });
    await expect(rejectRegistration(getDb(), support, { registrationId: registration!.id, reason: 'x' })).rejects.toMatchObject({ name: 'ForbiddenError' });
    const marketing = await createStaffContext(c.tenant, 'marketing');
    await expect(listPendingRegistrations(getDb(), marketing)).rejects.toMatchObject({ name: 'ForbiddenError' });

    const otherAdmin = await createStaffContext(other.tenant, 'admin');
    expect(await listPendingRegistrations(getDb(), otherAdmin)).toEqual([]);
    await expect(approveRegistration(getDb(), otherAdmin, { registrationId: registration!.id })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(rejectRegistration(getDb(), otherAdmin, { registrationId: registration!.id, reason: 'x' })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(approveRegistration(getDb(), otherAdmin, { registrationId: 'not-an-id' })).rejects.toMatchObject({ name: 'NotFoundError' });
    expect((await registrationsOf(c.tenant.id))[0]).toMatchObject({ status: 'pending' });
    expect((await accountsOf(c.tenant.id))[0]).toMatchObject({ status: 'pending' });

    // Through the EMR's action, as the other clinic's admin on its own host with the victim's id.
    const { approveRegistrationAction } = await import('@/app/t/[tenant]/emr/(app)/registrations/actions');
    const { signIn, formData } = await import('../support/action-harness');
    const { cookies } = await signIn('staff', { tenantId: other.tenant.id, subjectId: otherAdmin.actor.id });
    const outcome = await invokeAction({ host: hostFor(other.tenant.slug), cookies }, approveRegistrationAction, {}, formData({ registrationId: registration!.id }));
    expect(outcome).toMatchObject({ kind: 'returned', value: { ok: false, message: 'This registration no longer exists. Reload the page.' } });
    expect((await registrationsOf(c.tenant.id))[0]).toMatchObject({ status: 'pending' });

    // The clinic's own admin approves: the list loads again saying so (the decided row's form is gone with it).
    const admin = await createStaffContext(c.tenant, 'admin');
    const own = await signIn('staff', { tenantId: c.tenant.id, subjectId: admin.actor.id });
    const approved = await invokeAction({ host: hostFor(c.tenant.slug), cookies: own.cookies }, approveRegistrationAction, {}, formData({ registrationId: registration!.id }));
    expect(approved).toMatchObject({ kind: 'redirect', location: '/emr/registrations?done=approved' });
    const again = await invokeAction({ host: hostFor(c.tenant.slug), cookies: own.cookies }, approveRegistrationAction, {}, formData({ registrationId: registration!.id }));
    expect(again).toMatchObject({ kind: 'redirect', location: '/emr/registrations?done=already-approved' });
    expect((await registrationsOf(c.tenant.id))[0]).toMatchObject({ status: 'approved' });
  });
});

describe('a likely duplicate of a patient on file', () => {
  it('sees exactly what a new patient sees, and the clinic gets a merge task naming both records', async () => {
    for (const mode of ['approval', 'open'] as const) {
      const c = await clinic(mode);
      const known = await patientOf(c.tenant.id, { firstName: 'Ignatius', lastName: 'Wolfenden', dateOfBirth: '1971-08-30' });
      const fresh = await register(c, registrant());
      // A close name on the same date of birth (a typo in the last name).
      const duplicate = await register(c, registrant({ firstName: 'Ignatius', lastName: 'Wolfendon', dateOfBirth: '08/30/1971' }));
      expect(duplicate.seen, mode).toEqual(fresh.seen);
      expect(fresh.seen.at(-1), mode).toEqual(mode === 'open' ? 'redirect:/portal' : { step: 'pending' });

      const registrations = await registrationsOf(c.tenant.id);
      expect(registrations).toHaveLength(2);
      const flagged = registrations.find((r) => r.possibleDuplicateOf !== null)!;
      expect(flagged.possibleDuplicateOf).toBe(known.id);
      expect(registrations.filter((r) => r.possibleDuplicateOf === null)).toHaveLength(1);
      const [made] = await getDb().select().from(patients).where(eq(patients.id, flagged.patientId));
      const [task] = await tasksOf(c.tenant.id);
      expect(task, mode).toMatchObject({ patientId: flagged.patientId, status: 'open', sourceKey: `portal-registration:${flagged.id}:possible-duplicate` });
      expect(task!.title).toContain(made!.recordNumber);
      expect(task!.details).toContain(known.recordNumber);
      expect(task!.details).toContain('similar name');
      expect(await tasksOf(c.tenant.id)).toHaveLength(1);
    }
  });

  it('is flagged by the same email, phone or national ID too, and a national ID stays with the record on file', async () => {
    const c = await clinic('approval', { identificationMode: 'national_id' });
    const byPhone = await patientOf(c.tenant.id, { dateOfBirth: '1950-01-01' });
    const byEmail = await patientOf(c.tenant.id, { dateOfBirth: '1950-01-02' });
    const byId = await patientOf(c.tenant.id, { dateOfBirth: '1950-01-03', nationalId: '900-55-1234' });
    await register(c, registrant({ phone: byPhone.phone!, identifier: '900-11-0001' }));
    await register(c, registrant({ email: byEmail.email!.toUpperCase(), identifier: '900-11-0002' }));
    await register(c, registrant({ identifier: '900 55 1234' }));
    const registrations = await registrationsOf(c.tenant.id);
    expect(registrations.map((r) => r.possibleDuplicateOf).sort()).toEqual([byPhone.id, byEmail.id, byId.id].sort());
    const byIdRegistration = registrations.find((r) => r.possibleDuplicateOf === byId.id)!;
    const [made] = await getDb().select().from(patients).where(eq(patients.id, byIdRegistration.patientId));
    expect(made!.nationalIdHash).toBeNull();
    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.id, byIdRegistration.accountId));
    expect(account!.nationalIdHash).toBe(nationalIdLookupHash('900551234'));
    const [task] = (await tasksOf(c.tenant.id)).filter((t) => t.patientId === made!.id);
    expect(task!.details).toContain(`The national ID stays on ${byId.recordNumber}`);
  });

  it('cannot reach the record on file through printed activation with the identifier it registered with', async () => {
    const c = await clinic('open');
    const admin = await createStaffContext(c.tenant, 'admin');
    const victim = await patientOf(c.tenant.id, { firstName: 'Wilma', lastName: 'Vance', dateOfBirth: '1980-02-02' });
    // Someone registers with the patient's email (a different person, phone and birthday).
    const squatter = await register(c, registrant({ email: victim.email! }));
    expect(squatter.seen.at(-1)).toBe('redirect:/portal');
    const [registration] = await registrationsOf(c.tenant.id);
    expect(registration!.possibleDuplicateOf).toBe(victim.id);

    // The patient activates with the portal ID from the clinic and types the same email.
    const { portalCode } = await createPortalUser(getDb(), admin, victim.id);
    const client = { ip: nextIp(), userAgent: 'vitest' };
    const sms = new FakeSms();
    const started = await startActivation(getDb(), c.profile, { portalCode, firstInitial: 'W', lastInitial: 'V', dateOfBirth: '02/02/1980' }, client);
    if (!started.ok) throw new Error(started.error);
    expect(await submitActivationCredentials(getDb(), c.profile, started.challengeId, { identifier: victim.email!, password: PASSWORD, confirmPassword: PASSWORD }, client, sms)).toMatchObject({ ok: true });
    expect(await completeActivation(getDb(), c.profile, started.challengeId, sms.lastCode(), client)).toEqual({ ok: false, error: 'identifier-held' });
    expect(await getDb().select().from(portalAccountPatients).where(eq(portalAccountPatients.patientId, victim.id))).toEqual([]);
  });
});

describe('an identifier that already signs in to an account', () => {
  it('makes nothing, tells the owner, and shows the registrant the same steps as anyone', async () => {
    const c = await clinic('approval');
    const tenantId = c.tenant.id;
    const ownerEmail = uniqueEmail('owner');
    await getDb().insert(portalAccounts).values({
      tenantId, fullName: 'Olive Owner', email: ownerEmail, phone: uniquePhone(), phoneVerifiedAt: T0, passwordHash: 'x', status: 'active', language: 'es',
    });
    const fresh = await register(c, registrant());
    const [patientsBefore, accountsBefore, challengesBefore] = [await patientsOf(tenantId), await accountsOf(tenantId), await challengesOf(tenantId)];

    const typed = registrant({ email: ownerEmail.toUpperCase() });
    const taken = await register(c, typed);
    // The same answers, step for step (a decoy attempt: every code is wrong, counted as real ones are).
    expect(taken.seen.slice(0, 2)).toEqual(fresh.seen.slice(0, 2));
    expect(await smsTo(taken.phone)).toEqual([]);
    expect(await patientsOf(tenantId)).toHaveLength(patientsBefore.length);
    expect(await accountsOf(tenantId)).toHaveLength(accountsBefore.length);
    expect(await challengesOf(tenantId)).toHaveLength(challengesBefore.length);

    // The owner hears about it once an hour, in their language, without the registrant's details.
    const toOwner = await getDb().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.recipient, ownerEmail)));
    expect(toOwner).toEqual([expect.objectContaining({ channel: 'email', subject: expect.stringMatching(/Alguien intentó registrarse/) })]);
    for (const secret of [typed.lastName, taken.phone]) expect(toOwner[0]!.body).not.toContain(secret);
    await register(c, registrant({ email: ownerEmail }));
    expect(await getDb().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, tenantId), eq(outboxMessages.recipient, ownerEmail)))).toHaveLength(1);
    expect(await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, 'portal.registration_failed'))))
      .toEqual([
        expect.objectContaining({ outcome: 'failure', details: { reason: 'identifier-in-use', ownerTold: true } }),
        expect.objectContaining({ details: { reason: 'identifier-in-use', ownerTold: false } }),
      ]);
  });

  it('answers resends and wrong codes like a real attempt (lib)', async () => {
    const c = await clinic('open');
    const ownerEmail = uniqueEmail('owner');
    await getDb().insert(portalAccounts).values({ tenantId: c.tenant.id, fullName: 'Olive Owner', email: ownerEmail, phone: uniquePhone(), phoneVerifiedAt: T0, passwordHash: 'x' });
    const client = { ip: nextIp(), userAgent: 'vitest' };
    const sms = new FakeSms();
    const input = (email: string): RegistrationInput => ({ firstName: 'Nora', lastName: 'Quintero', dateOfBirth: '04/12/1986', phone: uniquePhone(), email, language: 'en' });
    const real = await startRegistration(getDb(), c.profile, input(uniqueEmail('nora')), client, sms);
    const decoy = await startRegistration(getDb(), c.profile, input(ownerEmail), client, sms);
    expect(real).toEqual({ ok: true, challengeId: expect.any(String), maskedPhone: expect.any(String), resendAvailableAt: addSeconds(T0, 60) });
    expect(decoy).toEqual({ ok: true, challengeId: expect.any(String), maskedPhone: expect.any(String), resendAvailableAt: addSeconds(T0, 60) });
    expect(sms.sent).toHaveLength(1);
    if (!real.ok || !decoy.ok) return;
    const wrongCode = wrong(sms.lastCode());
    for (const id of [real.challengeId, decoy.challengeId]) {
      expect(await resendRegistrationCode(getDb(), c.profile, id, client, sms)).toEqual({ ok: false, error: 'resend-too-soon', retryAfterSeconds: 60 });
      expect(await verifyRegistrationCode(getDb(), c.profile, id, wrongCode, client)).toEqual({ ok: false, error: 'wrong-code', attemptsLeft: 4 });
      expect(await completeRegistration(getDb(), c.profile, id, { password: PASSWORD, confirmPassword: PASSWORD }, client)).toEqual({ ok: false, error: 'no-attempt' });
    }
    now = addSeconds(T0, 61);
    for (const id of [real.challengeId, decoy.challengeId]) {
      expect(await resendRegistrationCode(getDb(), c.profile, id, client, sms)).toEqual({ ok: true, resendAvailableAt: addSeconds(now, 60) });
    }
    expect(sms.sent).toHaveLength(2);
  });
});

describe('limits (lib)', () => {
  const input = (overrides: Partial<RegistrationInput> = {}): RegistrationInput => ({
    firstName: 'Nora', lastName: 'Quintero', dateOfBirth: '04/12/1986', phone: uniquePhone(), email: uniqueEmail('nora'), language: 'en', ...overrides,
  });

  it('limits registrations per address, per clinic, and codes per phone', async () => {
    const c = await clinic('open');
    const sms = new FakeSms();
    const ip = nextIp();
    for (let i = 0; i < PORTAL_ACCESS_POLICY.perIpPerHour; i++) {
      expect(await startRegistration(getDb(), c.profile, input(), { ip, userAgent: 'vitest' }, sms)).toMatchObject({ ok: true });
    }
    expect(await startRegistration(getDb(), c.profile, input(), { ip, userAgent: 'vitest' }, sms)).toMatchObject({ ok: false, error: 'rate-limited' });

    const phone = uniquePhone();
    for (let i = 0; i < 5; i++) {
      expect(await startRegistration(getDb(), c.profile, input({ phone }), { ip: nextIp(), userAgent: 'vitest' }, sms), `send ${i + 1}`).toMatchObject({ ok: true });
    }
    expect(await startRegistration(getDb(), c.profile, input({ phone }), { ip: nextIp(), userAgent: 'vitest' }, sms)).toMatchObject({ ok: false, error: 'too-many-codes' });

    // The whole clinic, whatever the addresses: a sweep is stopped too.
    const busy = await clinic('open');
    let answer: Awaited<ReturnType<typeof startRegistration>> | undefined;
    for (let i = 0; i <= PORTAL_ACCESS_POLICY.perClinic.limit; i++) {
      answer = await startRegistration(getDb(), busy.profile, input(), { ip: `203.0.113.${i % 250}`, userAgent: 'vitest' }, sms);
    }
    expect(answer).toMatchObject({ ok: false, error: 'clinic-busy' });
  }, 60_000);

  it('locks the phone after ten wrong codes, across attempts', async () => {
    const c = await clinic('open');
    const sms = new FakeSms();
    const phone = uniquePhone();
    const client = { ip: nextIp(), userAgent: 'vitest' };
    let last: Awaited<ReturnType<typeof verifyRegistrationCode>> | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      now = addSeconds(T0, attempt * 120);
      const started = await startRegistration(getDb(), c.profile, input({ phone }), client, sms);
      if (!started.ok) throw new Error(started.error);
      for (let i = 0; i < 5; i++) last = await verifyRegistrationCode(getDb(), c.profile, started.challengeId, wrong(sms.lastCode()), client);
    }
    expect(last).toMatchObject({ ok: false, error: 'locked' });
    expect(await startRegistration(getDb(), c.profile, input({ phone }), client, sms)).toMatchObject({ ok: false, error: 'locked' });
  });
});

describe('hostile input', () => {
  it('answers every step without a 500, a leak or zod’s own words, and makes no record', async () => {
    for (const mode of ['email', 'national_id'] as const) {
      const c = await clinic('open', { identificationMode: mode });
      await fc.assert(fc.asyncProperty(
        fc.constantFrom('details', 'code', 'resend', 'restart', 'password', 'nonsense'),
        fc.constantFrom('firstName', 'lastName', 'dateOfBirth', 'phone', 'email', 'identifier', 'code', 'password', 'confirmPassword', 'intent'),
        fc.oneof(hostileFormValue, hostileString),
        async (intent, field, value) => {
          const fields: Record<string, FormValue> = { ...registrant({ identifier: '900-12-0000' }), intent, code: '123456', password: PASSWORD, confirmPassword: PASSWORD, [field]: value as FormValue };
          const outcome = await invokeAction({ host: hostFor(c.tenant.slug), headers: { 'x-forwarded-for': nextIp() } }, registrationAction, { step: 'details' }, toFormData(fields));
          if (outcome.kind === 'threw') throw new Error(`${intent} ${field}: threw ${String((outcome.error as Error)?.stack ?? outcome.error)}`);
          // No code reached these fields' phone: every step answers in place.
          if (outcome.kind !== 'returned') throw new Error(`${intent} ${field}: ${outcome.kind}`);
          const { values: _echoed, ...said } = outcome.value as Record<string, unknown>;
          for (const text of stringsIn(said)) {
            expect(leaksIn(text), text.slice(0, 200)).toEqual([]);
            expect(zodDefaultIn(text), text.slice(0, 200)).toBe(false);
          }
        },
      ), { numRuns: 80 });
      expect(await patientsOf(c.tenant.id)).toHaveLength(0);
      expect(await accountsOf(c.tenant.id)).toHaveLength(0);
    }
  }, 120_000);
});
