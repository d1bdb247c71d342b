import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDatabaseHandle, openDatabase, setDatabaseHandle, type DatabaseHandle } from '@/db/client';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { failures } from '@/lib/i18n/messages/failures';
import { describeOutcome, formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { proxiedTestDatabase, TcpProxy } from '../support/fault-servers';
import { leaksIn } from '../support/hostile';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';
import { createStaffContext } from '../support/staff-context';
import { testServerUrl } from '../support/test-database';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { addTimeOffAction } = await import('@/app/t/[tenant]/crm/(app)/providers/actions');

/**
 * Issue 21, faults: any server action while the database is out of reach answers in words —
 * "could not be reached" — instead of an error page, whether the outage hits the session read
 * (before the action's own code) or a query of the action; and works again once it is back.
 * The app's client talks to the real PostgreSQL through a TCP proxy that is cut (as in
 * faults-database.int.test.ts). Needs Postgres over TCP, so it is skipped on PGlite.
 */
const serverUrl = testServerUrl();

describe.skipIf(!serverUrl)('server actions while the database is out of reach', () => {
  let original: DatabaseHandle;
  let proxied: DatabaseHandle;
  let proxy: TcpProxy;
  let w: Awaited<ReturnType<typeof createPortalVisitClinic>> & { cookies: Record<string, string>; providerId: string };

  beforeAll(async () => {
    original = getDatabaseHandle();
    const v = await createPortalVisitClinic();
    const admin = await createStaffContext(v.clinic, 'admin');
    const staff = await signIn('staff', { tenantId: v.clinic.id, subjectId: admin.actor.id });
    w = { ...v, cookies: staff.cookies, providerId: v.provider.id };
    let url: string;
    ({ proxy, url } = await proxiedTestDatabase(serverUrl!, original));
    proxied = openDatabase({ url, maxConnections: 2 });
    setDatabaseHandle(proxied);
  });

  afterEach(async () => {
    await proxy.restore();
  });

  afterAll(async () => {
    setDatabaseHandle(original);
    await proxy.restore();
    await Promise.race([proxied.close(), new Promise((resolve) => setTimeout(resolve, 1_000))]).catch(() => {});
    await proxy.cut();
  });

  const req = () => ({ host: hostFor(w.clinic.slug), cookies: w.cookies, path: '/crm/providers' });
  const timeOff = () => formData({ staffId: w.providerId, locationId: w.location.id, startsAt: '2031-03-03T09:00', endsAt: '2031-03-03T12:00', reason: 'Training' });

  function refusedAsUnreachable(outcome: Outcome) {
    expect(outcome.kind, describeOutcome(outcome)).toBe('returned');
    const value = (outcome as { value: { ok?: boolean; message?: string } }).value;
    expect(value.ok, describeOutcome(outcome)).toBe(false);
    expect(value.message).toBe(STAFF_MESSAGES.unavailable);
    expect(leaksIn(value.message ?? '')).toEqual([]);
  }

  it('an outage before the action reads the session is answered in words, and the action works once the database is back', async () => {
    await proxy.cut();
    refusedAsUnreachable(await invokeAction(req(), addTimeOffAction, {}, timeOff()));
    await proxy.restore();
    let back: Outcome | undefined;
    for (let i = 0; i < 40; i++) {
      back = await invokeAction(req(), addTimeOffAction, {}, timeOff());
      const message = back.kind === 'returned' ? (back.value as { message?: string }).message : undefined;
      if (message !== STAFF_MESSAGES.unavailable) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(back!.kind === 'returned' && (back!.value as { message?: string }).message !== STAFF_MESSAGES.unavailable, describeOutcome(back!)).toBe(true);
  });

  it('an outage in the middle of the action (a query of its own failing) maps to the same words, not an error page', async () => {
    await proxy.cut();
    const error = await proxied.db.execute(sql`select 1`).then(() => null, (e: unknown) => e);
    expect(error).not.toBeNull();
    expect(failureOf(error, STAFF_MESSAGES, 'test')).toEqual({ ok: false, message: STAFF_MESSAGES.unavailable });
    // A query the database refused is not an outage: it still goes to the error page.
    await proxy.restore();
    const refused = await original.db.execute(sql`select 1/0`).then(() => null, (e: unknown) => e);
    expect(() => failureOf(refused, STAFF_MESSAGES, 'test')).toThrow();
  });

  it('a patient reads the words in their language', () => {
    expect(failures.es.unavailable).not.toBe(failures.en.unavailable);
    expect(failures.en.unavailable).toBe(STAFF_MESSAGES.unavailable);
    for (const key of Object.keys(STAFF_MESSAGES)) expect(failures.en[key as keyof typeof failures.en]).toBe(STAFF_MESSAGES[key as keyof typeof STAFF_MESSAGES]);
  });
});
