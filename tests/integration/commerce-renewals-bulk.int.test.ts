import { eq, inArray } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterEach, describe, expect, it } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import {
  auditLog, domainEvents, invoiceLines, invoices, ledgerEntries, orderLines, orders, orderStatusHistory, outboxMessages, paymentAllocations, payments,
  subscriptionEvents, subscriptionRenewals, subscriptions,
} from '@/db/schema';
import { runRenewals } from '@/lib/commerce/renewals';
import { commerceClinic, couponOf, shopPatients } from './commerce-fixtures';
import { at, CARDS, CYCLE_2_AT, fixedTermProduct, gatewayPaymentObjects, subscribe } from './commerce-subscriptions-fixtures';

/**
 * The renewal pass's set-based path (lib/commerce/renewals-bulk.ts) against the one-by-one path
 * it stands in for: the same scenario in two clinics, one renewed one by one and one by the pass,
 * leaves the same rows in every table the renewal writes (ids, times and numbers aside; numbers
 * are checked to have no gaps), and the pass costs a fixed number of statements per renewal.
 */

afterEach(async () => {
  at(null);
  await getDb().update(subscriptions).set({ status: 'cancelled', cancelledAt: new Date(), cancelledBy: 'staff' })
    .where(inArray(subscriptions.status, ['active', 'past_due', 'paused']));
});

const db = () => getDb();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
// The fixture names each clinic's fixed-term product with a random tag.
const PRODUCT_TAG = /(Fixed plan) [0-9a-f]+/g;
// And each clinic's people's addresses with its own (maria.1-56e3@…, shopper-1-785981-0@…).
const EMAIL_TAG = /\b(maria|leo|shopper)[.-][0-9a-f]+-[0-9a-f]+(-\d+)?@/g;
const sameText = (text: string) => text.replace(UUID, '<id>').replace(PRODUCT_TAG, '$1').replace(EMAIL_TAG, '$1$2@');
// Times the database or the provider stamps, and numbers given in the order renewals finish.
const SET_ASIDE = new Set([
  'id', 'createdAt', 'updatedAt', 'statusSince', 'occurredAt', 'openedAt', 'closedAt', 'paidAt', 'succeededAt', 'leaseUntil', 'nextAttemptAt', 'fannedOutAt',
  'number', 'receiptNumber', 'recordNumber', 'gatewayPaymentRef', 'gatewaySourceRef', 'recipient', 'subject', 'body', 'html',
]);

function normalised(value: unknown): unknown {
  if (typeof value === 'string') {
    // Details stored as JSON text (subscription events) are compared as values.
    if (value.startsWith('{')) {
      try {
        return normalised(JSON.parse(value));
      } catch {
        return sameText(value);
      }
    }
    return sameText(value);
  }
  if (Array.isArray(value)) return value.map(normalised);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !SET_ASIDE.has(k)).map(([k, v]) => [k, normalised(v)]));
  }
  return value;
}

const TABLES: Record<string, PgTable & { tenantId: never }> = {
  invoices, invoiceLines, ledgerEntries, payments, paymentAllocations, orders, orderLines, orderStatusHistory,
  subscriptionRenewals, subscriptions, subscriptionEvents, domainEvents, auditLog, outboxMessages,
} as never;

/** Every row of the clinic in the tables a renewal writes, each normalised, sorted per table. */
async function rowsOf(tenantId: string) {
  const out: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(TABLES)) {
    const rows = await db().select().from(table).where(eq((table as unknown as { tenantId: typeof invoices.tenantId }).tenantId, tenantId));
    out[name] = rows.map((r) => JSON.stringify(normalised({ ...r, tenantId: undefined }))).sort();
  }
  return out;
}

async function numbersOf(tenantId: string) {
  const list = async (rows: { n: number | null }[]) => rows.map((r) => r.n).filter((n): n is number => n !== null).sort((a, b) => a - b);
  return {
    orders: await list(await db().select({ n: orders.number }).from(orders).where(eq(orders.tenantId, tenantId))),
    invoices: await list(await db().select({ n: invoices.number }).from(invoices).where(eq(invoices.tenantId, tenantId))),
    receipts: await list(await db().select({ n: payments.receiptNumber }).from(payments).where(eq(payments.tenantId, tenantId))),
  };
}

/** Plain renewals, a decline, a coupon's cycle and a product's last cycle, in one clinic. */
async function scenario() {
  const w = await commerceClinic();
  const people = await shopPatients(w.tenant, 4);
  const lastCycle = await fixedTermProduct(w.tenant.id, 2);
  const coupon = await couponOf(w.tenant.id, { code: 'TWOMONTHS', kind: 'amount', amountOff: 1000, subscriptionCycles: 2 });
  await subscribe(w, people[0]!.ctx);
  await subscribe(w, people[1]!.ctx);
  await subscribe(w, people[2]!.ctx, { card: CARDS.declines });
  await subscribe(w, people[3]!.ctx, { productId: lastCycle.id });
  await subscribe(w, w.mariaForSelf, { couponId: coupon.id, couponCyclesLeft: 1 });
  await subscribe(w, w.mariaForLeo);
  return w;
}

describe('the renewal pass, set-based', () => {
  it('leaves the same rows, events, audit entries and notices as renewing one by one', async () => {
    const statements = async (run: () => Promise<unknown>) => {
      const before = getDatabaseHandle().queryCount();
      await run();
      return getDatabaseHandle().queryCount() - before;
    };
    let byOne: unknown, byPass: unknown;
    const oneByOne = await scenario();
    const oneByOneStatements = await statements(async () => { byOne = await runRenewals(db(), { at: at(CYCLE_2_AT), oneByOne: true }); });
    const together = await scenario();
    const passStatements = await statements(async () => { byPass = await runRenewals(db(), { at: at(CYCLE_2_AT) }); });
    // The pass really took the plain renewals together (the decline alone went one by one).
    expect(passStatements).toBeLessThan(oneByOneStatements / 2);
    const expected = { renewalsClaimed: 6, renewalsSucceeded: 5, renewalsFailed: 1, subscriptionsEnded: 1, renewalErrors: 0 };
    expect(byOne).toMatchObject(expected);
    expect(byPass).toMatchObject(expected);

    const [a, b] = [await rowsOf(oneByOne.tenant.id), await rowsOf(together.tenant.id)];
    for (const table of Object.keys(TABLES)) expect({ table, rows: b[table] }).toEqual({ table, rows: a[table] });
    // Numbers without gaps in both: the 6 checkouts' and 6 renewals' orders, 6 invoices, 5 receipts.
    const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    for (const w of [oneByOne, together]) {
      expect(await numbersOf(w.tenant.id)).toEqual({ orders: oneTo(12), invoices: oneTo(6), receipts: oneTo(5) });
    }
  });

  it('costs a fixed number of statements per renewal in the job’s pass of 50, however many cycles came before', async () => {
    const w = await commerceClinic();
    const people = await shopPatients(w.tenant, 50);
    for (const p of people) await subscribe(w, p.ctx);
    const counted = async (when: Date) => {
      const before = getDatabaseHandle().queryCount();
      const counts = await runRenewals(db(), { at: at(when), limit: 50 });
      return { counts, perRenewal: (getDatabaseHandle().queryCount() - before) / 50 };
    };
    const second = await counted(CYCLE_2_AT);
    const third = await counted(new Date('2027-03-15T13:00:00Z'));
    expect(second.counts).toMatchObject({ renewalsClaimed: 50, renewalsSucceeded: 50, renewalErrors: 0 });
    expect(third.counts).toMatchObject({ renewalsClaimed: 50, renewalsSucceeded: 50, renewalErrors: 0 });
    expect(await gatewayPaymentObjects(w.tenant.id)).toHaveLength(100);
    console.info(`renewal pass of 50: ${second.perRenewal} and ${third.perRenewal} statements per renewal`);
    // Per renewal only the provider's 2 (the test gateway's key and card, its insert: a provider
    // call cannot be batched); the pass's own statements (the claim, the clinic's terms, the make
    // and settle transactions with the receipts' notices, about 51) shared by the 50: 3.02. One
    // more statement a renewal anywhere in the pass would be 4. The one-by-one path took 51.
    expect(second.perRenewal).toBeLessThanOrEqual(3.1);
    expect(third.perRenewal).toBeLessThanOrEqual(3.1);
  });
});
