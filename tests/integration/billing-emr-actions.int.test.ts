import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, auditLog, invoices, locations, payments, refunds, services } from '@/db/schema';
import { grantAuthorization, saveCard } from '@/lib/billing/cards';
import { invoiceSums, patientBalance } from '@/lib/billing/ledger';
import { listBillableVisits } from '@/lib/billing/reports';
import { formData, hostFor, invokeAction, invokeRoute, signIn, type Outcome } from '../support/action-harness';
import { billingClinic, testCard } from './billing-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The EMR's billing actions as its pages post them (issue 16 point 6): a draft made from the
 * invoice editor's rows, sent, paid in cash at the desk and part refunded, with the balance exact
 * after each step; a no-show fee charged to the card on file, refused in words until the patient
 * authorises it; staff without the billing permissions refused; another clinic's ids not found.
 */

const actions = await import('@/app/t/[tenant]/emr/(app)/billing/actions');
const { default: chartBillingPage } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/billing/page');
const { default: invoicePage } = await import('@/app/t/[tenant]/emr/(app)/billing/invoices/[id]/page');
const { default: billingPage } = await import('@/app/t/[tenant]/emr/(app)/billing/page');
const { GET: reportCsv } = await import('@/app/t/[tenant]/emr/(app)/billing/report.csv/route');
const { GET: invoicePdf } = await import('@/app/t/[tenant]/emr/(app)/billing/invoices/[id]/pdf/route');

const db = () => getDb();
const VISA = '4242424242424242';
const NOT_FOUND = 'This invoice, payment or patient no longer exists. Reload the page.';

type Clinic = Awaited<ReturnType<typeof billingClinic>>;

async function deskOf(w: Clinic, who: 'desk' | 'support' | 'admin' = 'desk') {
  const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w[who].actor.id });
  return { host: hostFor(w.tenant.slug), cookies };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const redirectedTo = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('redirect');
  return (outcome as { location: string }).location;
};

async function invoiceRow(tenantId: string, id: string) {
  const [row] = await db().select().from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, id)));
  return row!;
}
const balanceOf = (w: Clinic) => patientBalance(db(), w.tenant.id, w.leo.id);

/** Two lines as the editor posts them: $120 less $10, and 2 × $15.50 with 8.25 % tax ($2.5575 → $2.56). */
const draftForm = (patientId: string) => formData({
  patientId, currency: 'USD', dueDate: '', note: '', locationId: '',
  lineKind: ['service', 'product', 'service'], lineServiceId: ['', '', ''], lineDescription: ['Consultation', 'Wrist brace', ''],
  lineQuantity: ['1', '2', '1'], lineUnitPrice: ['120', '15.50', ''], lineDiscount: ['10', '', ''], lineTaxRate: ['', '8.25', ''],
});

async function noShowVisit(w: Clinic) {
  const [location] = await db().insert(locations).values({ tenantId: w.tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: 'America/New_York' }).returning();
  const [service] = await db().insert(services).values({ tenantId: w.tenant.id, name: 'Physiotherapy', durationMinutes: 30, priceCents: 9_000 }).returning();
  const [visit] = await db().insert(appointments).values({
    tenantId: w.tenant.id, patientId: w.leo.id, providerId: w.admin.actor.id, serviceId: service!.id, locationId: location!.id,
    startsAt: new Date('2026-11-02T14:00:00Z'), endsAt: new Date('2026-11-02T14:30:00Z'), status: 'no_show', bookedByKind: 'staff', bookedById: w.admin.actor.id,
  }).returning();
  return visit!;
}

describe('the EMR billing actions', () => {
  it('create → send → a cash payment → part refunded: the balance is exact after each step', async () => {
    const w = await billingClinic();
    const req = await deskOf(w);

    const location = redirectedTo(await invokeAction(req, actions.createInvoiceAction, {}, draftForm(w.leo.id)));
    const invoiceId = /^\/emr\/billing\/invoices\/([0-9a-f-]{36})\?done=created$/.exec(location)![1]!;
    expect(await invoiceRow(w.tenant.id, invoiceId)).toMatchObject({ status: 'draft', number: null, subtotal: 15_100, discountTotal: 1_000, taxTotal: 256, total: 14_356 });
    expect(await balanceOf(w)).toBe(0);

    // A row left without a price is named, and nothing changes.
    const bad = returned(await invokeAction(req, actions.updateInvoiceAction, {}, formData({
      invoiceId, currency: 'USD', lineKind: ['service'], lineServiceId: [''], lineDescription: ['Consultation'], lineQuantity: ['1'], lineUnitPrice: [''], lineDiscount: [''], lineTaxRate: [''],
    })));
    expect(bad).toMatchObject({ ok: false, fieldErrors: { lines: 'Line 1: enter the price as an amount such as 120 or 120.50.' } });

    expect(redirectedTo(await invokeAction(req, actions.sendInvoiceAction, {}, formData({ invoiceId })))).toBe(`/emr/billing/invoices/${invoiceId}?done=sent`);
    expect(await invoiceRow(w.tenant.id, invoiceId)).toMatchObject({ status: 'open', number: 1 });
    expect(await balanceOf(w)).toBe(14_356);

    const attemptKey = randomUUID();
    const pay = () => invokeAction(req, actions.recordDeskPaymentAction, {}, formData({
      attemptKey, patientId: w.leo.id, currency: 'USD', method: 'cash', reference: '', locationId: '', amount: '100', invoiceIds: [invoiceId],
    }));
    expect(returned(await pay())).toEqual({ ok: true, message: 'Payment of $100.00 recorded.' });
    // The same form sent again (a double click): the same payment, not a second one.
    expect(returned(await pay())).toMatchObject({ ok: true });
    const paid = await db().select().from(payments).where(eq(payments.tenantId, w.tenant.id));
    expect(paid).toHaveLength(1);
    expect(paid[0]).toMatchObject({ method: 'cash', amount: 10_000, status: 'succeeded', staffId: w.desk.actor.id, receiptNumber: 1 });
    expect(await balanceOf(w)).toBe(4_356);
    expect((await invoiceRow(w.tenant.id, invoiceId)).status).toBe('partially_paid');

    // A check needs its number.
    const check = returned(await invokeAction(req, actions.recordDeskPaymentAction, {}, formData({
      attemptKey: randomUUID(), patientId: w.leo.id, currency: 'USD', method: 'check', reference: '', locationId: '', amount: '10', invoiceIds: [invoiceId],
    })));
    expect(check).toMatchObject({ ok: false, fieldErrors: { reference: 'Enter the check number.' } });

    const refund = (amount: string, credit: boolean) => invokeAction(req, actions.refundPaymentAction, {}, formData({
      attemptKey: randomUUID(), paymentId: paid[0]!.id, currency: 'USD', amount, reason: 'Charged twice for the brace', creditInvoice: credit ? 'yes' : undefined,
    }));
    // Refunded and credited: the patient gets $30 back and owes $30 less, so the balance stays.
    expect(returned(await refund('30', true))).toEqual({ ok: true, message: 'Refund of $30.00 done.' });
    expect(await balanceOf(w)).toBe(4_356);
    expect((await invoiceSums(db(), w.tenant.id, [invoiceId])).get(invoiceId)).toEqual({ charged: 11_356, paid: 7_000, due: 4_356 });
    // Refunded without the credit ("Also reduce what the patient owes" unticked): they owe it again.
    expect(returned(await refund('10', false))).toEqual({ ok: true, message: 'Refund of $10.00 done.' });
    expect(await balanceOf(w)).toBe(5_356);
    // Never more than is left of the payment.
    expect(returned(await refund('60.01', true))).toEqual({ ok: false, message: 'You can refund at most $60.00 of this payment.' });
    expect(await db().select().from(refunds).where(eq(refunds.tenantId, w.tenant.id))).toHaveLength(2);

    // The pages read the same numbers back.
    expect(await invokeAction(req, chartBillingPage, { params: Promise.resolve({ id: w.leo.id }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'returned' });
    expect(await invokeAction(req, invoicePage, { params: Promise.resolve({ id: invoiceId }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'returned' });
    const pdf = await invokeRoute(req, invoicePdf, { path: `/emr/billing/invoices/${invoiceId}/pdf`, params: { tenant: w.tenant.slug, id: invoiceId } });
    expect(pdf).toMatchObject({ kind: 'response', status: 200 });
    const response = pdf as Extract<Outcome, { kind: 'response' }>;
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="invoice-INV-000001.pdf"');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.body.startsWith('%PDF-')).toBe(true);
  });

  it('charges a no-show fee to the card on file only once the patient has authorised it, and refunds part of it', async () => {
    const w = await billingClinic();
    const req = await deskOf(w);
    const visit = await noShowVisit(w);
    expect((await listBillableVisits(db(), w.desk, w.leo.id)).map((v) => [v.id, v.status])).toEqual([[visit.id, 'no_show']]);

    const location = redirectedTo(await invokeAction(req, actions.noShowFeeAction, {}, formData({ appointmentId: visit.id, currency: 'USD', amount: '50' })));
    const invoiceId = location.split('/').at(-1)!.split('?')[0]!;
    expect(await listBillableVisits(db(), w.desk, w.leo.id)).toEqual([]);
    redirectedTo(await invokeAction(req, actions.sendInvoiceAction, {}, formData({ invoiceId })));
    expect(await balanceOf(w)).toBe(5_000);

    const saved = await saveCard(db(), w.mariaForLeo, { attemptKey: randomUUID(), token: await testCard(w.tenant.id, VISA), authorize: null });
    const charge = () => invokeAction(req, actions.chargeCardOnFileAction, {}, formData({ attemptKey: randomUUID(), invoiceId, amount: '5000' }));
    expect(returned(await charge())).toEqual({ ok: false, message: 'The patient has not authorised the clinic to charge this card.' });
    expect(await db().select().from(payments).where(eq(payments.tenantId, w.tenant.id))).toEqual([]);

    // An authorisation for invoices only does not cover a missed-appointment fee.
    await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['invoices'], maxAmount: null });
    expect(returned(await charge())).toEqual({ ok: false, message: "The patient's authorisation does not cover fees for missed visits (no-shows and late cancellations)." });

    await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['no_show_fees'], maxAmount: 10_000 });
    // The amount the page showed must still be what is due.
    expect(returned(await invokeAction(req, actions.chargeCardOnFileAction, {}, formData({ attemptKey: randomUUID(), invoiceId, amount: '4000' }))))
      .toEqual({ ok: false, message: 'The amount due is now $50.00. Check it and charge again.' });
    expect(returned(await charge())).toEqual({ ok: true, message: 'The card was charged. The receipt is on its way to the patient.' });
    expect((await invoiceRow(w.tenant.id, invoiceId)).status).toBe('paid');
    expect(await balanceOf(w)).toBe(0);
    const [payment] = await db().select().from(payments).where(eq(payments.tenantId, w.tenant.id));
    expect(payment).toMatchObject({ method: 'card_on_file', purpose: 'no_show_fees', amount: 5_000, cardLast4: '4242', status: 'succeeded' });

    expect(returned(await invokeAction(req, actions.refundPaymentAction, {}, formData({
      attemptKey: randomUUID(), paymentId: payment!.id, currency: 'USD', amount: '20', reason: 'Fee reduced', creditInvoice: 'yes',
    })))).toEqual({ ok: true, message: 'Refund of $20.00 done.' });
    expect(await balanceOf(w)).toBe(0);
    const [refund] = await db().select().from(refunds).where(eq(refunds.tenantId, w.tenant.id));
    expect(refund).toMatchObject({ amount: 2_000, status: 'succeeded', creditInvoice: true });
    expect((await invoiceSums(db(), w.tenant.id, [invoiceId])).get(invoiceId)).toEqual({ charged: 3_000, paid: 3_000, due: 0 });
  });

  it('void is refused in words once paid, and a written-off invoice asks for nothing more', async () => {
    const w = await billingClinic();
    const req = await deskOf(w);
    const make = async () => {
      const id = redirectedTo(await invokeAction(req, actions.createInvoiceAction, {}, draftForm(w.leo.id))).split('/').at(-1)!.split('?')[0]!;
      redirectedTo(await invokeAction(req, actions.sendInvoiceAction, {}, formData({ invoiceId: id })));
      return id;
    };
    const paidOne = await make();
    returned(await invokeAction(req, actions.recordDeskPaymentAction, {}, formData({
      attemptKey: randomUUID(), patientId: w.leo.id, currency: 'USD', method: 'card_terminal', reference: 'T-88', locationId: '', amount: '1', invoiceIds: [paidOne],
    })));
    expect(returned(await invokeAction(req, actions.voidInvoiceAction, {}, formData({ invoiceId: paidOne, reason: 'Entered twice' }))))
      .toEqual({ ok: false, message: 'This invoice has payments on it: refund them before voiding it.' });
    expect(returned(await invokeAction(req, actions.writeOffInvoiceAction, {}, formData({ invoiceId: paidOne, reason: 'Moved away' }))))
      .toEqual({ ok: true, message: 'What was still owed is written off.' });
    expect((await invoiceRow(w.tenant.id, paidOne)).status).toBe('uncollectible');

    const other = await make();
    expect(returned(await invokeAction(req, actions.adjustInvoiceAction, {}, formData({ invoiceId: other, currency: 'USD', direction: 'credit', amount: '3.56', memo: 'Goodwill' }))))
      .toEqual({ ok: true, message: 'Credit of $3.56 added. Now due: $140.00.' });
    expect(returned(await invokeAction(req, actions.voidInvoiceAction, {}, formData({ invoiceId: other, reason: 'Entered twice' }))))
      .toEqual({ ok: true, message: 'The invoice is void. Nothing more is owed on it.' });
    expect(await balanceOf(w)).toBe(0);

    const draft = redirectedTo(await invokeAction(req, actions.createInvoiceAction, {}, draftForm(w.leo.id))).split('/').at(-1)!.split('?')[0]!;
    expect(redirectedTo(await invokeAction(req, actions.deleteDraftAction, {}, formData({ invoiceId: draft, patientId: w.leo.id }))))
      .toBe(`/emr/patients/${w.leo.id}/billing?done=deleted`);
    expect(await db().select().from(invoices).where(eq(invoices.id, draft))).toEqual([]);
  });

  it('refuses staff without the billing permissions: no action, no page, no export', async () => {
    const w = await billingClinic();
    const support = await deskOf(w, 'support');
    const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: w.desk.actor.id });
    const desk = { host: hostFor(w.tenant.slug), cookies };
    const invoiceId = redirectedTo(await invokeAction(desk, actions.createInvoiceAction, {}, draftForm(w.leo.id))).split('/').at(-1)!.split('?')[0]!;

    expect(await invokeAction(support, actions.createInvoiceAction, {}, draftForm(w.leo.id))).toMatchObject({ kind: 'forbidden' });
    expect(await invokeAction(support, actions.sendInvoiceAction, {}, formData({ invoiceId }))).toMatchObject({ kind: 'forbidden' });
    expect(await invokeAction(support, actions.recordDeskPaymentAction, {}, formData({
      attemptKey: randomUUID(), patientId: w.leo.id, currency: 'USD', method: 'cash', amount: '1', invoiceIds: [invoiceId],
    }))).toMatchObject({ kind: 'forbidden' });
    expect(await invokeAction(support, chartBillingPage, { params: Promise.resolve({ id: w.leo.id }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'forbidden' });
    expect(await invokeAction(support, invoicePage, { params: Promise.resolve({ id: invoiceId }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'forbidden' });
    expect(await invokeAction(support, billingPage, { searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'forbidden' });
    expect(await invokeRoute(support, reportCsv, { path: '/emr/billing/report.csv', params: { tenant: w.tenant.slug } })).toMatchObject({ kind: 'forbidden' });
    expect(await invokeRoute(support, invoicePdf, { path: `/emr/billing/invoices/${invoiceId}/pdf`, params: { tenant: w.tenant.slug, id: invoiceId } })).toMatchObject({ kind: 'forbidden' });
    expect((await invoiceRow(w.tenant.id, invoiceId)).status).toBe('draft');
    const denied = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'billing.invoice_opened')));
    expect(denied).toEqual([]);
  });

  it("answers another clinic's invoice, payment and patient as not found, and changes nothing there", async () => {
    const a = await billingClinic();
    const b = await billingClinic();
    const reqA = await deskOf(a);
    const reqB = await deskOf(b);
    const bInvoice = redirectedTo(await invokeAction(reqB, actions.createInvoiceAction, {}, draftForm(b.leo.id))).split('/').at(-1)!.split('?')[0]!;
    redirectedTo(await invokeAction(reqB, actions.sendInvoiceAction, {}, formData({ invoiceId: bInvoice })));
    returned(await invokeAction(reqB, actions.recordDeskPaymentAction, {}, formData({
      attemptKey: randomUUID(), patientId: b.leo.id, currency: 'USD', method: 'cash', amount: '10', invoiceIds: [bInvoice],
    })));
    const [bPayment] = await db().select().from(payments).where(eq(payments.tenantId, b.tenant.id));

    expect(returned(await invokeAction(reqA, actions.voidInvoiceAction, {}, formData({ invoiceId: bInvoice, reason: 'x' })))).toEqual({ ok: false, message: NOT_FOUND });
    expect(returned(await invokeAction(reqA, actions.chargeCardOnFileAction, {}, formData({ attemptKey: randomUUID(), invoiceId: bInvoice, amount: '13356' })))).toEqual({ ok: false, message: NOT_FOUND });
    expect(returned(await invokeAction(reqA, actions.refundPaymentAction, {}, formData({
      attemptKey: randomUUID(), paymentId: bPayment!.id, currency: 'USD', amount: '1', reason: 'x', creditInvoice: 'yes',
    })))).toEqual({ ok: false, message: NOT_FOUND });
    expect(returned(await invokeAction(reqA, actions.recordDeskPaymentAction, {}, formData({
      attemptKey: randomUUID(), patientId: b.leo.id, currency: 'USD', method: 'cash', amount: '1', invoiceIds: [bInvoice],
    })))).toEqual({ ok: false, message: NOT_FOUND });
    expect(returned(await invokeAction(reqA, actions.createInvoiceAction, {}, draftForm(b.leo.id)))).toEqual({ ok: false, message: NOT_FOUND });
    expect(await invokeAction(reqA, invoicePage, { params: Promise.resolve({ id: bInvoice }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'not-found' });
    expect(await invokeRoute(reqA, invoicePdf, { path: `/emr/billing/invoices/${bInvoice}/pdf`, params: { tenant: a.tenant.slug, id: bInvoice } })).toMatchObject({ kind: 'response', status: 404 });
    expect(await invokeAction(reqA, chartBillingPage, { params: Promise.resolve({ id: b.leo.id }), searchParams: Promise.resolve({}) })).toMatchObject({ kind: 'not-found' });

    expect((await invoiceRow(b.tenant.id, bInvoice)).status).toBe('partially_paid');
    expect(await patientBalance(db(), b.tenant.id, b.leo.id)).toBe(13_356);
    expect(await db().select().from(refunds).where(eq(refunds.tenantId, b.tenant.id))).toEqual([]);
    expect(await db().select().from(payments).where(eq(payments.tenantId, b.tenant.id))).toHaveLength(1);
  });
});
