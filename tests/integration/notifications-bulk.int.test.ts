import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import { outboxMessages, patientPortalSettings, patients, portalAccountPatients, portalAccounts, type ProxyScope } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { patientAudience, patientAudiences, type PatientAudience } from '@/lib/notifications/audience';
import { enqueueBillingNotice, enqueueBillingNotices } from '@/lib/notifications/billing-notifications';
import { enqueueMessage, enqueueMessages } from '@/lib/outbox/enqueue';
import { createTestTenant } from '../support/factories';

/**
 * The bulk forms of a notice (a renewal pass's receipts): patientAudiences answers what
 * patientAudience answers for each patient, enqueueMessages keeps enqueueMessage's key rules, and
 * enqueueBillingNotices queues the same messages as enqueueBillingNotice one by one — in a fixed
 * number of statements however many patients.
 */

const T0 = new Date('2026-03-02T09:00:00Z');

beforeEach(() => {
  setClockForTests(() => T0);
  vi.stubEnv('PLATFORM_ROOT_DOMAIN', 'carebridge.example');
});

afterEach(async () => {
  setClockForTests(undefined);
  vi.unstubAllEnvs();
  await getDb().delete(outboxMessages);
});

type Tenant = Awaited<ReturnType<typeof createTestTenant>>;
const tag = () => randomBytes(3).toString('hex');

async function patientOf(tenant: Tenant, options: { email?: string | null; language?: string; sms?: boolean } = {}) {
  const [patient] = await getDb().insert(patients).values({
    tenantId: tenant.id, recordNumber: `MRN-B-${tag()}`, firstName: 'Bea', lastName: 'Bulk', dateOfBirth: '1984-07-19',
    email: options.email === undefined ? `bea-${tag()}@example.test` : options.email, phone: `+1555555${String(Math.floor(Math.random() * 9000) + 1000)}`,
    preferredLanguage: options.language ?? 'en',
  }).returning();
  if (options.sms) await getDb().insert(patientPortalSettings).values({ tenantId: tenant.id, patientId: patient!.id, documentNotification: 'email_sms' });
  return patient!.id;
}

async function linkAccount(tenant: Tenant, patientId: string, account: { email: string | null; status?: 'active' | 'disabled'; scope?: ProxyScope; areas?: string[] }) {
  const [row] = await getDb().insert(portalAccounts).values({
    tenantId: tenant.id, fullName: 'Pat Proxy', email: account.email, phone: '+15555550199', phoneVerifiedAt: T0,
    passwordHash: 'not-used-here', status: account.status ?? 'active',
  }).returning();
  await getDb().insert(portalAccountPatients).values({
    tenantId: tenant.id, accountId: row!.id, patientId, relationship: 'caregiver', scope: account.scope ?? 'full', areas: account.areas ?? [],
    // The patients are adults: under the age rules a proxy's link opens only once the patient grants it.
    adultGrantAt: T0,
  });
}

/** Patients whose audiences differ: alone, no email, Spanish with SMS, proxies that do and do not hear about billing. */
async function people(tenant: Tenant) {
  const alone = await patientOf(tenant);
  const noEmail = await patientOf(tenant, { email: null });
  const spanish = await patientOf(tenant, { language: 'es', sms: true });
  const withProxies = await patientOf(tenant);
  await linkAccount(tenant, withProxies, { email: `parent-${tag()}@example.test` });
  await linkAccount(tenant, withProxies, { email: `disabled-${tag()}@example.test`, status: 'disabled' });
  await linkAccount(tenant, withProxies, { email: `bookings-only-${tag()}@example.test`, scope: 'custom', areas: ['bookings'] });
  await linkAccount(tenant, spanish, { email: `padre-${tag()}@example.test`, scope: 'custom', areas: ['billing'] });
  return [alone, noEmail, spanish, withProxies];
}

async function statements<T>(run: () => Promise<T>): Promise<{ result: T; count: number }> {
  const before = getDatabaseHandle().queryCount();
  const result = await run();
  return { result, count: getDatabaseHandle().queryCount() - before };
}

describe('patientAudiences', () => {
  it('answers what patientAudience answers for each patient, in two statements; another clinic’s patient is absent', async () => {
    const tenant = await createTestTenant();
    const other = await createTestTenant();
    const ids = await people(tenant);
    const stranger = await patientOf(other);
    for (const about of [{ area: 'billing' as const }, { area: 'bookings' as const }, { hiddenFromProxies: true }]) {
      const { result, count } = await statements(() => patientAudiences(getDb(), tenant.id, [...ids, stranger, ids[0]!], about));
      expect(count).toBe(2);
      expect([...result.keys()].sort()).toEqual([...ids].sort());
      // The links come in no particular order, so neither do the proxies' addresses.
      const sorted = (a: PatientAudience | null | undefined) => a && { ...a, emails: [...a.emails].sort(), phones: [...a.phones].sort() };
      for (const id of ids) expect(sorted(result.get(id))).toEqual(sorted(await patientAudience(getDb(), tenant.id, id, about)));
    }
    // Sanity: the cases differ (the caregiver hears about billing, the bookings-only proxy does not).
    const billing = await patientAudiences(getDb(), tenant.id, ids, { area: 'billing' });
    expect(billing.get(ids[3]!)!.emails).toHaveLength(2);
    expect(billing.get(ids[2]!)!.phones.length).toBeGreaterThan(0);
    expect((await patientAudiences(getDb(), tenant.id, ids, { area: 'bookings' })).get(ids[3]!)!.emails).toHaveLength(3);
    expect(await statements(() => patientAudiences(getDb(), tenant.id, []))).toEqual({ result: new Map(), count: 0 });
  });
});

describe('enqueueMessages', () => {
  const email = (tenantId: string, key: string, body = 'A new document is available.') => ({
    tenantId, channel: 'email' as const, recipient: `p-${tag()}@example.test`, subject: 'From your clinic', body, idempotencyKey: key,
  });

  it('queues many in one statement; a key already queued, or repeated in the list, adds nothing (the first wins)', async () => {
    const tenant = await createTestTenant();
    expect(await enqueueMessage(getDb(), email(tenant.id, 'k:queued', 'first'))).toBe(true);
    const { result, count } = await statements(() => enqueueMessages(getDb(), [
      email(tenant.id, 'k:queued', 'again'), email(tenant.id, 'k:1', 'one'), email(tenant.id, 'k:2', 'two'), email(tenant.id, 'k:1', 'one again'),
      { tenantId: tenant.id, channel: 'sms', recipient: '+15555550100', body: 'text', idempotencyKey: 'k:sms' },
    ]));
    expect({ result, count }).toEqual({ result: 3, count: 1 });
    const rows = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id));
    expect(Object.fromEntries(rows.map((r) => [r.idempotencyKey, r.body]))).toEqual({ 'k:queued': 'first', 'k:1': 'one', 'k:2': 'two', 'k:sms': 'text' });
    expect(rows.every((r) => r.status === 'pending' && r.purpose === 'care' && r.nextAttemptAt.getTime() === T0.getTime())).toBe(true);
    expect(await statements(() => enqueueMessages(getDb(), []))).toEqual({ result: 0, count: 0 });
  });

  it('refuses the whole list, writing nothing, when one message is invalid', async () => {
    const tenant = await createTestTenant();
    await expect(enqueueMessages(getDb(), [email(tenant.id, 'k:ok'), { ...email(tenant.id, 'k:bad'), subject: undefined }])).rejects.toThrow('subject');
    await expect(enqueueMessages(getDb(), [email(tenant.id, 'k:ok'), { ...email(tenant.id, 'k:bad'), recipient: ' ' }])).rejects.toThrow('recipient');
    expect(await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id))).toEqual([]);
  });
});

describe('enqueueBillingNotices', () => {
  it('queues the same messages as enqueueBillingNotice one by one, in three statements, and nothing again for the same events', async () => {
    const tenant = await createTestTenant({ name: 'Sunrise Family Clinic' });
    const ids = await people(tenant);
    const input = (patientId: string, i: number, prefix: string) => ({
      tenantId: tenant.id, patientId, kind: 'receipt' as const, event: `${prefix}:billing:receipt:${i}`, amount: `$${i}9.00`, reference: `RCT-00000${i}`,
    });
    let oneByOne = 0;
    for (const [i, id] of ids.entries()) oneByOne += await getDb().transaction((tx) => enqueueBillingNotice(tx, input(id, i, 'one')));
    const { result, count } = await statements(() => getDb().transaction((tx) => enqueueBillingNotices(tx, ids.map((id, i) => input(id, i, 'bulk')))));
    // The patients, their links, the insert.
    expect(count).toBe(3);
    expect(result).toBe(oneByOne);
    // The patient without an email and the Spanish patient's SMS: email only, 5 in all.
    expect(result).toBe(5);
    const rows = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenant.id));
    const as = (prefix: string) => rows.filter((r) => r.idempotencyKey.startsWith(`${prefix}:`))
      .map(({ id: _id, idempotencyKey, ...rest }) => JSON.stringify({ ...rest, idempotencyKey: idempotencyKey.replace(/^\w+:/, '') })).sort();
    expect(as('bulk')).toEqual(as('one'));
    expect(as('bulk').join()).not.toMatch(/Bea|Bulk|1984/);

    expect(await getDb().transaction((tx) => enqueueBillingNotices(tx, ids.map((id, i) => input(id, i, 'bulk'))))).toBe(0);
    await expect(getDb().transaction((tx) => enqueueBillingNotices(tx, [input('00000000-0000-4000-8000-000000000000', 9, 'x')]))).rejects.toThrow('patient not found');
  });
});
