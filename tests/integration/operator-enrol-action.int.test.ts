import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { platformAuditLog, platformOperators } from '@/db/schema';
import { platformRootDomain } from '@/lib/config/env';
import { currentTotp } from '@/lib/identity/totp';
import { createOperatorWithEnrolment, openOperatorEnrolment } from '@/lib/platform/operator-enrolment';
import { formData, hostFor, invokeAction, withRequest } from '../support/action-harness';
import { createTestTenant } from '../support/factories';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/** The enrolment page's action (`/console/enrol/<token>` on the root host), as the form posts it. */
const { enrolOperatorAction } = await import('@/app/platform/console/enrol/[token]/actions');
const { default: OperatorEnrolPage } = await import('@/app/platform/console/enrol/[token]/page');

/** The page's element tree as text (server components render to plain elements; enough to read what it shows). */
async function pageText(host: string, token: string): Promise<string> {
  const element = await withRequest({ host }, () => OperatorEnrolPage({ params: Promise.resolve({ token }) }));
  return JSON.stringify(element, (key, value) => (key === '_owner' || key === '_store' ? undefined : value));
}

const ROOT = `${platformRootDomain()}:3000`;
const PASSWORD = 'Lantern-Quarry-Mosaic-7';

const post = (host: string, fields: Record<string, string>) => invokeAction({ host, headers: { 'x-forwarded-for': '203.0.113.9' } }, enrolOperatorAction, {} as never, formData(fields));

describe('operator enrolment page', () => {
  it('shows the authenticator key and the form for an open link, and nothing for an unknown one', async () => {
    const issued = await createOperatorWithEnrolment(getDb(), { email: 'view.op@example.com', fullName: 'View Operator' });
    const text = await pageText(ROOT, issued.token);
    const { totpSecret } = (await openOperatorEnrolment(getDb(), issued.token))!;
    expect(text).toContain(totpSecret);
    expect(text).toContain('<svg');
    expect(text).toContain('view.op@example.com');
    const unknown = await pageText(ROOT, 'not-a-token');
    expect(unknown).toContain('This link can’t be used');
    expect(unknown).not.toContain('view.op@example.com');
  });
});

describe('operator enrolment page action', () => {
  it('sets the password and authenticator once, then sends the operator to sign in', async () => {
    const issued = await createOperatorWithEnrolment(getDb(), { email: 'page.op@example.com', fullName: 'Page Operator' });
    const { totpSecret } = (await openOperatorEnrolment(getDb(), issued.token))!;
    const code = currentTotp(totpSecret);
    const fields = { token: issued.token, password: PASSWORD, confirm: PASSWORD, code };

    expect(await post(ROOT, { ...fields, confirm: 'something else' })).toMatchObject({ kind: 'returned', value: { ok: false, fieldErrors: { confirm: 'The two passwords are not the same.' } } });
    expect(await post(ROOT, { ...fields, code: '12' })).toMatchObject({ kind: 'returned', value: { ok: false, fieldErrors: { code: 'Enter the 6-digit code from your authenticator app.' } } });
    expect(await post(ROOT, { ...fields, password: 'password1', confirm: 'password1' })).toMatchObject({ kind: 'returned', value: { ok: false, fieldErrors: { password: expect.any(String) } } });
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await post(ROOT, { ...fields, code: wrong })).toMatchObject({ kind: 'returned', value: { ok: false, fieldErrors: { code: expect.stringMatching(/not correct/) } } });

    // Only on the root host: a clinic's host does not know this page.
    const clinic = await createTestTenant();
    expect(await post(hostFor(clinic.slug), fields)).toMatchObject({ kind: 'not-found' });

    expect(await post(ROOT, { ...fields, code: `${code.slice(0, 3)} ${code.slice(3)}` })).toEqual(expect.objectContaining({ kind: 'redirect', location: '/console/sign-in' }));
    const [operator] = await getDb().select().from(platformOperators).where(eq(platformOperators.email, 'page.op@example.com'));
    expect(operator!.totpSecretEnc).not.toBeNull();
    const [entry] = await getDb().select().from(platformAuditLog).where(eq(platformAuditLog.actorId, operator!.id));
    expect(entry).toMatchObject({ action: 'auth.totp_enrolled', ip: '203.0.113.9' });

    // The link works once.
    expect(await post(ROOT, fields)).toMatchObject({ kind: 'returned', value: { ok: false, message: expect.stringMatching(/can’t be used any more/) } });
  });
});
