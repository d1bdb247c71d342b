import { eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import { billingSettings, locations, type InvoiceStatus } from '@/db/schema';
import { queryLinkedPatients, rememberLinkedPatients } from '@/lib/access/linked-patients';
import type { PortalContext, StaffContext } from '@/lib/access/context';
import { recordDeskPayment, refundPayment } from '@/lib/billing/desk';
import type { InvoiceLineInput } from '@/lib/billing/invoice-forms';
import { listClinicInvoices, listPatientInvoices, listPortalInvoices, PORTAL_BILLING_LIST_LIMIT } from '@/lib/billing/invoice-reads';
import { createInvoice, openInvoice } from '@/lib/billing/invoices';
import { invoiceSums, patientBalance } from '@/lib/billing/ledger';
import { listPortalPayments, payInvoicesOnline } from '@/lib/billing/portal-payments';
import { billingShownInNav, getBillingSettings, portalBillingEnabled, updateBillingSettings } from '@/lib/billing/settings';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { setClockForTests } from '@/lib/clock';
import { hostFor, invokeAction, signIn } from '../support/action-harness';
import { inRequest } from '../support/request-cache';
import { billingClinic, key, testCard } from './billing-fixtures';

// React's cache as it is inside a page's request (a pass-through outside inRequest).
vi.mock('react', async (real) => (await import('../support/request-cache')).reactCacheMock(await real()));
vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { default: billingPage } = await import('@/app/t/[tenant]/portal/(app)/billing/page');
const { default: portalLayout } = await import('@/app/t/[tenant]/portal/(app)/layout');

/**
 * The portal's Billing page reads its data in a fixed, small number of statements, however many
 * invoices and payments the patient has (the benchmark sends GET /portal/billing with hundreds),
 * and the numbers are the ledger's: the same as invoiceSums, patientBalance and clinicToday say.
 */

const db = () => getDb();

/** The statements fn sends, and its answer. */
async function counted<T>(fn: () => Promise<T>): Promise<{ out: T; statements: number }> {
  const before = getDatabaseHandle().queryCount();
  const out = await fn();
  return { out, statements: getDatabaseHandle().queryCount() - before };
}

const line = (unitAmount: number): InvoiceLineInput => ({
  kind: 'service', serviceId: null, description: 'Visit', quantity: 1, unitAmount, discountAmount: 0, taxRateBp: 0,
});

async function sentInvoice(desk: StaffContext, patientId: string, amount: number, dueDate: string) {
  const { id } = await createInvoice(db(), desk, patientId, { lines: [line(amount)], dueDate });
  await openInvoice(db(), desk, id);
  return id;
}

const PAID = 30;

interface World {
  c: Awaited<ReturnType<typeof billingClinic>>;
  maria: PortalContext;
  paidIds: string[];
  openA: string;
  openB: string;
  openC: string;
  partialPaymentId: string;
  doublePaymentId: string;
  failedPaymentId: string;
}
let w: World;

beforeAll(async () => {
  const c = await billingClinic();
  // Due dates are the clinic's calendar dates, in its first location's zone (New York). A second
  // location, named first and far east, would move 'today' a day on if it were taken instead.
  await db().insert(locations).values({ tenantId: c.tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'New York', timeZone: 'America/New_York' });
  await db().insert(locations).values({ tenantId: c.tenant.id, name: 'Atoll', addressLine1: '1 Reef Rd', city: 'Kiritimati', timeZone: 'Pacific/Kiritimati' });
  setClockForTests(() => new Date('2030-03-01T15:00:00Z'));
  const patientId = c.maria.patient.id;
  const paidIds: string[] = [];
  for (let i = 0; i < PAID; i++) paidIds.push(await sentInvoice(c.desk, patientId, 1000 + i, '2030-03-31'));
  // Each paid at the desk, the last two with one payment.
  for (let i = 0; i < PAID - 2; i++) {
    await recordDeskPayment(db(), c.desk, { attemptKey: key(), patientId, invoiceIds: [paidIds[i]!], amount: 1000 + i, method: 'cash' });
  }
  const double = await recordDeskPayment(db(), c.desk, {
    attemptKey: key(), patientId, invoiceIds: [paidIds[PAID - 1]!, paidIds[PAID - 2]!], amount: (1000 + PAID - 2) + (1000 + PAID - 1), method: 'card_terminal',
  });
  const openA = await sentInvoice(c.desk, patientId, 8000, '2030-03-05');
  const openB = await sentInvoice(c.desk, patientId, 2500, '2030-03-09');
  const openC = await sentInvoice(c.desk, patientId, 1200, '2030-04-30');
  // A: 5000 paid, 1000 of it given back without a credit (owed again): paid 4000, due 4000.
  const partial = await recordDeskPayment(db(), c.desk, { attemptKey: key(), patientId, invoiceIds: [openA], amount: 5000, method: 'cash' });
  await refundPayment(db(), c.desk, partial.id, { attemptKey: key(), amount: 1000, reason: 'Overcharged', creditInvoice: false });
  const failed = await payInvoicesOnline(db(), c.mariaForSelf, { attemptKey: key(), invoiceIds: [openB], amount: 2500, token: await testCard(c.tenant.id, '4000000000000002') });
  expect(failed.status).toBe('failed');
  // 03:00 UTC on the 10th is the 9th in New York (the 10th in UTC and on the atoll).
  setClockForTests(() => new Date('2030-03-10T03:00:00Z'));
  w = { c, maria: c.mariaForSelf, paidIds, openA, openB, openC, partialPaymentId: partial.id, doublePaymentId: double.id, failedPaymentId: failed.id };
  return () => setClockForTests(undefined);
}, 120_000);

/** What the old reads said: the ledger's sums, the patient's balance, and overdue from clinicToday. */
async function fromLedger(ids: string[]) {
  const [sums, balance, today] = await Promise.all([
    invoiceSums(db(), w.c.tenant.id, ids), patientBalance(db(), w.c.tenant.id, w.c.maria.patient.id), clinicToday(db(), w.c.tenant.id),
  ]);
  return { sums, balance, today };
}

function expectLedgerNumbers(
  list: { id: string; status: InvoiceStatus; dueDate: string | null; charged: number; paid: number; due: number; overdue: boolean }[],
  ledger: Awaited<ReturnType<typeof fromLedger>>,
) {
  for (const i of list) {
    expect({ id: i.id, charged: i.charged, paid: i.paid, due: i.due }).toEqual({ id: i.id, ...ledger.sums.get(i.id) });
    const unsettled = i.status === 'open' || i.status === 'partially_paid';
    expect(i.overdue).toBe(unsettled && i.due > 0 && i.dueDate !== null && i.dueDate < ledger.today);
  }
}

describe('the portal Billing page’s data', () => {
  it('costs three statements beside the session, for 3 open and 30 paid invoices', async () => {
    const page = () => inRequest(async () => {
      // The session's own query loads the linked patients (lib/auth/portal-session.ts).
      rememberLinkedPatients(w.c.tenant.id, w.c.maria.account.id, await queryLinkedPatients(db(), w.c.tenant.id, w.c.maria.account.id));
      return counted(() => Promise.all([
        portalBillingEnabled(db(), w.c.tenant.id), // the layout's nav
        listPortalInvoices(db(), w.maria),
        listPortalPayments(db(), w.maria, { limit: PORTAL_BILLING_LIST_LIMIT + 1 }),
      ]));
    });
    const first = await page();
    expect(first.statements).toBeLessThanOrEqual(3);
    expect(first.out[0]).toBe(true);
    expect(first.out[1].invoices).toHaveLength(3 + PORTAL_BILLING_LIST_LIMIT);
    expect(first.out[2]).toHaveLength(PORTAL_BILLING_LIST_LIMIT + 1);

    // Called on their own, outside a request (no memo): the billing check, the link check (its
    // scope opens Billing) and one read each.
    expect((await counted(() => listPortalInvoices(db(), w.maria))).statements).toBeLessThanOrEqual(3);
    expect((await counted(() => listPortalPayments(db(), w.maria))).statements).toBeLessThanOrEqual(3);
  });

  it('shows the ledger’s balance, due, paid and overdue, every open invoice and the latest 20 paid ones', async () => {
    const { invoices, balance, currency, moreClosed } = await inRequest(() => listPortalInvoices(db(), w.maria));
    const ledger = await fromLedger([...w.paidIds, w.openA, w.openB, w.openC]);
    expect(balance).toBe(7700);
    expect(balance).toBe(ledger.balance);
    expect(currency).toBe('USD');
    expect(ledger.today).toBe('2030-03-09');
    expectLedgerNumbers(invoices, ledger);

    const open = invoices.filter((i) => (i.status === 'open' || i.status === 'partially_paid') && i.due > 0);
    expect(open.map((i) => [i.id, i.status, i.total, i.charged, i.paid, i.due, i.overdue])).toEqual([
      [w.openC, 'open', 1200, 1200, 0, 1200, false],
      // Due on the 9th: not yet overdue on the 9th in New York.
      [w.openB, 'open', 2500, 2500, 0, 2500, false],
      [w.openA, 'partially_paid', 8000, 8000, 4000, 4000, true],
    ]);
    const closed = invoices.filter((i) => !open.includes(i));
    expect(moreClosed).toBe(true);
    expect(closed.map((i) => i.id)).toEqual(w.paidIds.slice(-PORTAL_BILLING_LIST_LIMIT).reverse());
    expect(closed.every((i) => i.status === 'paid' && i.due === 0 && i.paid === i.total && !i.overdue)).toBe(true);
    expect(closed[0]).toMatchObject({ label: 'INV-000030', total: 1029, charged: 1029, paid: 1029, due: 0 });
  });

  it('lists the latest payments with the invoices each paid and what was refunded', async () => {
    const history = await inRequest(() => listPortalPayments(db(), w.maria, { limit: PORTAL_BILLING_LIST_LIMIT + 1 }));
    expect(history).toHaveLength(PORTAL_BILLING_LIST_LIMIT + 1);
    expect(history.slice(0, 3).map((p) => [p.id, p.status, p.amount, p.refunded])).toEqual([
      [w.failedPaymentId, 'failed', 2500, 0],
      [w.partialPaymentId, 'succeeded', 5000, 1000],
      [w.doublePaymentId, 'succeeded', 2057, 0],
    ]);
    expect(history[0]!.invoices).toEqual([{ id: w.openB, number: 32, amount: 2500 }]);
    expect(history[1]!.invoices).toEqual([{ id: w.openA, number: 31, amount: 5000 }]);
    // Spread oldest first, listed by number.
    expect(history[2]!.invoices).toEqual([{ id: w.paidIds[PAID - 2], number: 29, amount: 1028 }, { id: w.paidIds[PAID - 1], number: 30, amount: 1029 }]);
    expect(history[3]).toMatchObject({ status: 'succeeded', amount: 1027, refunded: 0, method: 'cash', invoices: [{ id: w.paidIds[PAID - 3], number: 28, amount: 1027 }] });
    expect(history[2]).toMatchObject({ method: 'card_terminal', currency: 'USD', receiptNumber: expect.any(Number), succeededAt: expect.any(Date), createdAt: expect.any(Date) });
    // Without a limit: the whole history (up to 200).
    expect(await listPortalPayments(db(), w.maria)).toHaveLength(PAID - 1 + 2);
  });

  it('has the balance without invoices to carry it, in two statements', async () => {
    const leo = w.c.mariaForLeo;
    const { out, statements } = await inRequest(async () => {
      await getBillingSettings(db(), w.c.tenant.id);
      rememberLinkedPatients(w.c.tenant.id, w.c.maria.account.id, await queryLinkedPatients(db(), w.c.tenant.id, w.c.maria.account.id));
      return counted(() => listPortalInvoices(db(), leo));
    });
    expect(out).toMatchObject({ invoices: [], balance: 0, moreClosed: false });
    expect(statements).toBe(2);
  });

  it('keeps the EMR’s lists right: the chart’s and the clinic’s, in one statement each', async () => {
    const ledger = await fromLedger([...w.paidIds, w.openA, w.openB, w.openC]);
    const chart = await counted(() => listPatientInvoices(db(), w.c.desk, w.c.maria.patient.id));
    // The patient check, the settings (currency) and the list, and the read's audit (the chart
    // section's: the patient's clinic checked, then the entry written; issue 19's access log).
    expect(chart.statements).toBeLessThanOrEqual(5);
    expect(chart.out.balance).toBe(ledger.balance);
    expect(chart.out.invoices).toHaveLength(PAID + 3);
    expectLedgerNumbers(chart.out.invoices, ledger);
    expect(chart.out.invoices.find((i) => i.id === w.openA)).toMatchObject({ status: 'partially_paid', due: 4000, paid: 4000, overdue: true });

    const clinicList = await counted(() => listClinicInvoices(db(), w.c.desk, {}));
    expect(clinicList.statements).toBe(1);
    expect(clinicList.out.rows).toHaveLength(PAID + 3);
    expect(clinicList.out.rows[0]).toMatchObject({ id: w.openC, label: 'INV-000033', patient: { id: w.c.maria.patient.id } });
    expectLedgerNumbers(clinicList.out.rows, ledger);
    const open = await listClinicInvoices(db(), w.c.desk, { status: 'partially_paid' });
    expect(open.rows.map((r) => [r.id, r.due, r.overdue])).toEqual([[w.openA, 4000, true]]);
  });
});

describe('GET /portal/billing', () => {
  it('renders with its layout in five statements: the latest 20 paid invoices and payments, and where the rest are', async () => {
    const { cookies } = await signIn('portal', { tenantId: w.c.tenant.id, subjectId: w.c.maria.account.id, selectedPatientId: w.c.maria.patient.id });
    const req = { host: hostFor(w.c.tenant.slug), cookies, path: '/portal/billing' };
    // One request: the layout and the page render together and share React's cache.
    const request = () => inRequest(() => counted(async () => {
      const [layout, page] = await Promise.all([
        invokeAction(req, portalLayout, { children: null, params: Promise.resolve({ tenant: w.c.tenant.slug }) }),
        invokeAction(req, async () => renderToStaticMarkup(await billingPage())),
      ]);
      expect(layout.kind, JSON.stringify(layout)).toBe('returned');
      expect(page.kind, JSON.stringify(page)).toBe('returned');
      return (page as { value: string }).value;
    }));
    await request(); // the clinic's profile and host, remembered by the process as in a running server
    const { out: html, statements } = await request();
    // The session, the unread count, the billing options, the invoices, the payments.
    expect(statements).toBeLessThanOrEqual(5);
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('You owe $77.00');
    expect(text).toContain('These are the latest 20 paid and closed invoices. The statement lists everything charged and paid between two dates. Open the statement');
    expect(text).toContain('These are the latest 20 payments. The statement lists everything charged and paid between two dates. Open the statement');
    expect(html.match(/href="\/portal\/billing\/statement"/g)).toHaveLength(3);
    // Paid invoices 30 down to 11 are listed; 10 and older only in the statement (and in no payment shown).
    expect(text).toContain('INV-000011');
    expect(text).not.toContain('INV-000010');
    expect(html.match(/href="\/portal\/billing\/payments\//g)).toHaveLength(PORTAL_BILLING_LIST_LIMIT);
  });
});

describe('getBillingSettings', () => {
  it('reads once per request, again in the next one, and after a change', async () => {
    const c = await billingClinic();
    const read = () => getBillingSettings(db(), c.tenant.id);
    // Outside a request every call reads.
    expect((await counted(() => Promise.all([read(), read()]))).statements).toBe(2);
    await inRequest(async () => {
      const both = await counted(() => Promise.all([read(), portalBillingEnabled(db(), c.tenant.id)]));
      expect(both.statements).toBe(1);
      expect(both.out).toEqual([expect.objectContaining({ paymentsEnabled: true, portalBillingVisible: true, currency: 'USD' }), true]);
      // A caller's change to its copy is its own.
      both.out[0].currency = 'EUR';
      expect((await counted(read)).out.currency).toBe('USD');
      await updateBillingSettings(db(), c.admin, {
        paymentsEnabled: true, portalBillingVisible: false, currency: 'USD', invoiceFooter: null, taxId: null, defaultTaxRate: 0, paymentDueDays: 30, gateway: 'test',
      });
      const after = await counted(() => portalBillingEnabled(db(), c.tenant.id));
      expect(after).toEqual({ out: false, statements: 1 });
    });
    // Another request reads again; a transaction reads its own (here: its uncommitted change).
    await db().update(billingSettings).set({ portalBillingVisible: true }).where(eq(billingSettings.tenantId, c.tenant.id));
    await inRequest(async () => {
      expect(await portalBillingEnabled(db(), c.tenant.id)).toBe(true);
      await db().transaction(async (tx) => {
        await tx.update(billingSettings).set({ paymentsEnabled: false }).where(eq(billingSettings.tenantId, c.tenant.id));
        expect(await portalBillingEnabled(tx, c.tenant.id)).toBe(false);
        tx.rollback();
      }).catch(() => {});
      expect(await portalBillingEnabled(db(), c.tenant.id)).toBe(true);
    });
  });

  it('the portal nav’s Billing entry: read once a few seconds per process, at once after a change made here', async () => {
    const c = await billingClinic();
    const nav = () => counted(() => billingShownInNav(db(), c.tenant.id));
    expect(await nav()).toEqual({ out: true, statements: 1 });
    // Every page's frame asks: the next requests send nothing.
    expect(await inRequest(nav)).toEqual({ out: true, statements: 0 });
    // A change saved through this process shows in the next frame.
    await updateBillingSettings(db(), c.admin, {
      paymentsEnabled: true, portalBillingVisible: false, currency: 'USD', invoiceFooter: null, taxId: null, defaultTaxRate: 0, paymentDueDays: 30, gateway: 'test',
    });
    expect(await nav()).toEqual({ out: false, statements: 1 });
    // One made elsewhere (another instance) within FRAME_MEMO_MS; the billing pages read it at once.
    await db().update(billingSettings).set({ portalBillingVisible: true }).where(eq(billingSettings.tenantId, c.tenant.id));
    expect((await nav()).out).toBe(false);
    expect(await inRequest(() => portalBillingEnabled(db(), c.tenant.id))).toBe(true);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 10_001);
      expect(await nav()).toEqual({ out: true, statements: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
