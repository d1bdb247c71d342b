import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { billingSettings, commerceSettings, invoices, orders, subscriptions } from '@/db/schema';
import { issueInvoice } from '@/lib/billing/invoices';
import { runRenewals } from '@/lib/commerce/renewals';
import { postgresErrorCode } from '@/lib/kernel/errors';
import { commerceClinic, shopPatients } from './commerce-fixtures';
import { at, CYCLE_2_AT, subscribe } from './commerce-subscriptions-fixtures';

/**
 * The clinic's order and invoice numbers under the renewal batch (lib/commerce/renewals.ts,
 * issueInvoice in lib/billing/invoices.ts): both have no gaps, so each counter row is locked from
 * its number to the commit. The numbers are taken in the last statements of the transaction
 * that makes the renewal's order, so a clinic's renewals prepared side by side do not wait for
 * each other's payments; they still get distinct numbers in sequence.
 */

const LOCK_NOT_AVAILABLE = '55P03';

// When a renewal writes its pending payment, whether another connection could lock the
// clinic's counters at that moment (NOWAIT: a held lock answers at once).
const probe = vi.hoisted(() => ({ on: false, seen: [] as { invoiceCounter: boolean; orderCounter: boolean }[] }));
vi.mock('@/lib/billing/off-session', async (real) => {
  const actual = await real<typeof import('@/lib/billing/off-session')>();
  return {
    ...actual,
    startCardOnFilePayment: async (...args: Parameters<typeof actual.startCardOnFilePayment>) => {
      if (probe.on) probe.seen.push({ invoiceCounter: await lockable(billingSettings, args[1]), orderCounter: await lockable(commerceSettings, args[1]) });
      return actual.startCardOnFilePayment(...args);
    },
  };
});

// The renewal pass writes its plain renewals' payments together (renewals-bulk.ts): probed the same way.
vi.mock('@/lib/billing/payments', async (real) => {
  const actual = await real<typeof import('@/lib/billing/payments')>();
  return {
    ...actual,
    startFreshPayments: async (...args: Parameters<typeof actual.startFreshPayments>) => {
      if (probe.on) probe.seen.push({ invoiceCounter: await lockable(billingSettings, args[1]), orderCounter: await lockable(commerceSettings, args[1]) });
      return actual.startFreshPayments(...args);
    },
  };
});

async function lockable(table: typeof billingSettings | typeof commerceSettings, tenantId: string): Promise<boolean> {
  try {
    await getDb().transaction((tx) => tx.select({ tenantId: table.tenantId }).from(table).where(eq(table.tenantId, tenantId)).for('update', { noWait: true }));
    return true;
  } catch (error) {
    if (postgresErrorCode(error) === LOCK_NOT_AVAILABLE) return false;
    throw error;
  }
}

afterEach(async () => {
  at(null);
  probe.on = false;
  probe.seen = [];
  await getDb().update(subscriptions).set({ status: 'cancelled', cancelledAt: new Date(), cancelledBy: 'staff' })
    .where(inArray(subscriptions.status, ['active', 'past_due', 'paused']));
});

const db = () => getDb();

async function numbersOf(tenantId: string) {
  const orderRows = await db().select({ number: orders.number }).from(orders).where(eq(orders.tenantId, tenantId));
  const invoiceRows = await db().select({ number: invoices.number }).from(invoices).where(and(eq(invoices.tenantId, tenantId), isNotNull(invoices.number)));
  const sorted = (rows: { number: number | null }[]) => rows.map((r) => r.number!).sort((a, b) => a - b);
  return { orders: sorted(orderRows), invoices: sorted(invoiceRows) };
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('renewal numbers', () => {
  it('writes a renewal’s payment while the clinic’s order and invoice counters are free', async () => {
    const w = await commerceClinic();
    await subscribe(w, w.mariaForSelf);
    probe.on = true;
    const counts = await runRenewals(db(), { at: at(CYCLE_2_AT) });
    expect(counts).toMatchObject({ renewalsClaimed: 1, renewalsSucceeded: 1, renewalErrors: 0 });
    expect(probe.seen).toEqual([{ invoiceCounter: true, orderCounter: true }]);
  });

  it('gives one clinic’s renewals prepared 4 at a time distinct order and invoice numbers, in sequence', async () => {
    const w = await commerceClinic();
    const other = await commerceClinic();
    const people = await shopPatients(w.tenant, 8);
    for (const p of people) await subscribe(w, p.ctx);
    await subscribe(other, other.mariaForSelf);

    const counts = await runRenewals(db(), { at: at(CYCLE_2_AT), concurrency: 4 });
    expect(counts).toMatchObject({ renewalsClaimed: 9, renewalsSucceeded: 9, renewalErrors: 0 });
    // The 8 checkout orders the subscriptions started from, then the 8 renewals; invoices are the renewals'.
    expect(await numbersOf(w.tenant.id)).toEqual({ orders: oneTo(16), invoices: oneTo(8) });
    // Another clinic's numbers are its own.
    expect(await numbersOf(other.tenant.id)).toEqual({ orders: oneTo(2), invoices: oneTo(1) });
    // The counters continue from there.
    const [counters] = await db().select({ order: commerceSettings.nextOrderNumber, invoice: billingSettings.nextInvoiceNumber })
      .from(commerceSettings).innerJoin(billingSettings, eq(billingSettings.tenantId, commerceSettings.tenantId))
      .where(eq(commerceSettings.tenantId, w.tenant.id));
    expect(counters).toEqual({ order: 17, invoice: 9 });
  });

  it('keeps nothing, and no number is used, when the clinic’s currency changed before the invoice was numbered', async () => {
    const w = await commerceClinic();
    const tenantId = w.tenant.id;
    const patientId = w.mariaForSelf.patient.id;
    const made = await db().transaction((tx) => issueInvoice(tx, {
      tenantId, patientId, actor: { kind: 'system' }, source: 'renewal',
      lines: [{ kind: 'product', serviceId: null, description: 'Plan', quantity: 1, unitAmount: 1000, discountAmount: 0, taxRateBp: 0 }],
    }));
    expect(made).toMatchObject({ number: 1, status: 'open', currency: 'USD' });

    const refused = await db().transaction((tx) => issueInvoice(tx, {
      tenantId, patientId, actor: { kind: 'system' }, source: 'renewal',
      lines: [{ kind: 'product', serviceId: null, description: 'Plan', quantity: 1, unitAmount: 1000, discountAmount: 0, taxRateBp: 0 }],
    }, async () => {
      // Another connection, while this invoice is written without its number: the counter row is not locked yet.
      await db().update(billingSettings).set({ currency: 'EUR' }).where(eq(billingSettings.tenantId, tenantId));
    })).then(() => null, (error: unknown) => error as { code?: string });
    expect(refused?.code).toBe('currency-changed');
    expect(await db().select({ id: invoices.id }).from(invoices).where(eq(invoices.tenantId, tenantId))).toEqual([{ id: made.id }]);

    const next = await db().transaction((tx) => issueInvoice(tx, {
      tenantId, patientId, actor: { kind: 'system' }, source: 'renewal',
      lines: [{ kind: 'product', serviceId: null, description: 'Plan', quantity: 1, unitAmount: 1000, discountAmount: 0, taxRateBp: 0 }],
    }));
    expect(next).toMatchObject({ number: 2, currency: 'EUR' });
  });
});
