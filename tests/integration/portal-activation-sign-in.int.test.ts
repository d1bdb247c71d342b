import { randomBytes } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, authSessions, devOutboxMessages, patientPortalSettings, patients, portalAccounts } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { cookieName, hostFor } from '../support/action-harness';
import { browserSession } from '../support/browser-session';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
// The harness's Auth.js stand-in refuses signIn(); here it does what Auth.js does with our
// credentials provider: runs its authorize (lib/auth/portal-session.ts) and sets the session cookie.
vi.mock('next-auth', async () => {
  const harness = await import('../support/action-harness');
  const { cookies } = harness.nextHeadersMock();
  type Provider = { options?: { id?: string; authorize?: (c: Record<string, unknown>) => Promise<{ sid?: string } | null> } };
  type Config = { providers: Provider[] };
  const NextAuth = (configOrFn: Config | ((req: undefined) => Config)) => {
    const base = harness.nextAuthMock().default(configOrFn as never);
    return {
      ...base,
      signIn: async (providerId: string, options: Record<string, unknown>) => {
        const config = typeof configOrFn === 'function' ? configOrFn(undefined) : configOrFn;
        const provider = config.providers.find((p) => p.options?.id === providerId);
        const user = await provider?.options?.authorize?.(options);
        if (!user?.sid) throw new Error('CredentialsSignin');
        const kind = providerId.replace(/-challenge$/, '') as 'portal';
        const store = await cookies();
        for (const [name, value] of Object.entries(await harness.sessionCookie(kind, user.sid))) store.set(name, value);
      },
    };
  };
  return { default: NextAuth, AuthError: class AuthError extends Error {} };
});

/**
 * Printed activation ends signed in (issue 20 point 6): the SMS code was verified during the
 * activation, so the patient is not sent to the sign-in page to type everything again and wait
 * for a second code. Through the action, as the form posts it.
 */

const { activationAction } = await import('@/app/t/[tenant]/portal/(public)/activate/actions');

const T0 = new Date('2026-05-04T09:00:00Z');
const PASSWORD = 'Copper-kettle-64';
const CHALLENGE_COOKIE = 'cb.challenge';

beforeEach(() => {
  setClockForTests(() => T0);
  resetMessagingProvidersForTests();
});
afterEach(() => setClockForTests(undefined));

const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;
const uniqueEmail = (name: string) => `${name}.${randomBytes(3).toString('hex')}@example.test`;
const browser = (slug: string) => browserSession(hostFor(slug), { 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250) + 1}` });

async function smsTo(phone: string) {
  return getDb().select({ body: devOutboxMessages.body }).from(devOutboxMessages)
    .where(and(eq(devOutboxMessages.channel, 'sms'), eq(devOutboxMessages.recipient, phone)));
}

async function printedPatient(tenantId: string, portalCode: string, email?: string) {
  const phone = uniquePhone();
  const [patient] = await getDb().insert(patients).values({
    tenantId, recordNumber: `P-${randomBytes(3).toString('hex')}`, firstName: 'Lucia', lastName: 'Brandt', dateOfBirth: '1962-11-05', phone,
    email: email ?? uniqueEmail('lucia'),
  }).returning();
  await getDb().insert(patientPortalSettings).values({ tenantId, patientId: patient!.id, accessEnabled: true, portalCode });
  return { patient: patient!, phone };
}

/** Details, identifier and password, then the one SMS code: the last post's outcome. */
async function activateThroughForm(b: ReturnType<typeof browser>, portalCode: string, identifier: string, phone: string) {
  await b.post(activationAction, { intent: 'details', portalCode, firstInitial: 'L', lastInitial: 'B', dateOfBirth: '11/05/1962' });
  await b.post(activationAction, { intent: 'credentials', identifier, password: PASSWORD, confirmPassword: PASSWORD });
  expect(b.state).toMatchObject({ step: 'code' });
  const [sms] = await smsTo(phone);
  return b.post(activationAction, { intent: 'code', code: /\b(\d{6})\b/.exec(sms?.body ?? '')?.[1] ?? '' });
}

describe('printed activation', () => {
  it('ends signed in on the portal home, acting for the patient, after the one SMS code', async () => {
    const clinic = await createTestTenant();
    const { patient, phone } = await printedPatient(clinic.id, '271828');
    const b = browser(clinic.slug);

    const done = await activateThroughForm(b, '271828', patient.email!, phone);

    expect(done).toMatchObject({ kind: 'redirect', location: '/portal' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
    expect(b.jar[cookieName('portal')]).toBeTruthy();
    const [account] = await getDb().select().from(portalAccounts).where(eq(portalAccounts.tenantId, clinic.id));
    const sessions = await getDb().select().from(authSessions).where(and(eq(authSessions.tenantId, clinic.id), eq(authSessions.subjectId, account!.id)));
    // As after a sign-in: one live portal session, acting for the only linked patient.
    expect(sessions).toEqual([expect.objectContaining({ kind: 'portal', selectedPatientId: patient.id, revokedAt: null })]);
    const signedIn = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'auth.sign_in')));
    expect(signedIn).toEqual([expect.objectContaining({ actorId: account!.id, details: expect.objectContaining({ area: 'portal', method: 'activation' }) })]);
    // No second code: the one that activated the account also signed it in.
    expect(await smsTo(phone)).toHaveLength(1);
  });

  it('sends a person whose identifier already had an account to sign in: its password was not checked', async () => {
    const clinic = await createTestTenant();
    const existing = await createPortalAccount(clinic, { email: uniqueEmail('parent'), phone: uniquePhone(), password: 'Other-password-91' });
    const { phone } = await printedPatient(clinic.id, '161803');
    const b = browser(clinic.slug);

    const done = await activateThroughForm(b, '161803', existing.account.email!, phone);

    expect(done).toMatchObject({ kind: 'redirect', location: '/portal/sign-in?reason=linked' });
    expect(b.jar[CHALLENGE_COOKIE]).toBeUndefined();
    const [{ sessions }] = (await getDb().select({ sessions: count() }).from(authSessions).where(eq(authSessions.tenantId, clinic.id))) as [{ sessions: number }];
    expect(sessions).toBe(0);
  });
});
