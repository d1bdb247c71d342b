import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { billingSettings, cardAuthorizations, invoices, payments, portalAccounts, savedCards } from '@/db/schema';
import { AUTHORIZATION_TEXT_VERSION } from '@/lib/billing/charge-rules';
import { patientBalance } from '@/lib/billing/ledger';
import { FRAME_MEMO_MS } from '@/lib/kernel/frame-memo';
import { formData, hostFor, invokeAction, invokeRoute, fingerprintTenants, signIn, type Outcome } from '../support/action-harness';
import { billingClinic, gatewayPayments, openInvoiceOf } from './billing-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The portal's Billing as its pages post it (issue 16 points 4 and 5): paying chosen invoices
 * with the test gateway's simulated card (a good card → the receipt, a decline → the bank's words
 * and the invoice still open, the bank's check → approve or fail), a resent form paying once,
 * another patient's invoice refused, billing off answering not-found everywhere, the invoice and
 * receipt PDFs, and saved cards with the patient's authorisation.
 */

const actions = await import('@/app/t/[tenant]/portal/(app)/billing/actions');
const { default: billingPage } = await import('@/app/t/[tenant]/portal/(app)/billing/page');
const { default: payPage } = await import('@/app/t/[tenant]/portal/(app)/billing/pay/page');
const { default: invoicePage } = await import('@/app/t/[tenant]/portal/(app)/billing/invoices/[id]/page');
const { default: paymentPage } = await import('@/app/t/[tenant]/portal/(app)/billing/payments/[id]/page');
const { default: authenticatePage } = await import('@/app/t/[tenant]/portal/(app)/billing/payments/[id]/authenticate/page');
const { default: cardsPage } = await import('@/app/t/[tenant]/portal/(app)/billing/cards/page');
const { default: statementPage } = await import('@/app/t/[tenant]/portal/(app)/billing/statement/page');
const { GET: invoicePdf } = await import('@/app/t/[tenant]/portal/(app)/billing/invoices/[id]/pdf/route');
const { GET: receiptPdf } = await import('@/app/t/[tenant]/portal/(app)/billing/payments/[id]/receipt/route');
const { default: portalLayout } = await import('@/app/t/[tenant]/portal/(app)/layout');

const db = () => getDb();
const VISA = '4242 4242 4242 4242';
const DECLINED = '4000000000000002';
const THREE_DS = '4000 0025 0000 3155';
const DECLINE_WORDS = 'The card was declined by the bank. Try another card.';
const NOT_FOUND = 'This is no longer available. Go back to billing and reload the page.';

type Clinic = Awaited<ReturnType<typeof billingClinic>>;

/** Maria signed in, acting for Leo (or for herself). */
async function mariaFor(w: Clinic, patient: 'leo' | 'self' = 'leo') {
  const selectedPatientId = patient === 'leo' ? w.leo.id : w.maria.patient.id;
  const { cookies } = await signIn('portal', { tenantId: w.tenant.id, subjectId: w.maria.account.id, selectedPatientId });
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

/** The pay form as the page renders it: the attempt key, the invoices, the total shown, the card. */
const payForm = (invoiceIds: string[], amount: number, number: string, attemptKey: string = randomUUID()) =>
  formData({ attemptKey, invoice: invoiceIds, amount: String(amount), number, expiry: '12/30', cvc: '123' });

async function invoiceStatus(tenantId: string, id: string) {
  const [row] = await db().select({ status: invoices.status }).from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, id)));
  return row!.status;
}
const paymentsOf = (tenantId: string) => db().select().from(payments).where(eq(payments.tenantId, tenantId));
/** A page's props as Next passes them (pages without an id ignore params). */
const page = (params: { id?: string } = {}, searchParams: Record<string, string | string[]> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

// Any page component: each names its own params.
type Page = (props: never) => Promise<React.ReactElement>;
/** A page rendered as the request would render it, as its text (tags dropped, spaces collapsed), and its HTML. */
async function rendered(req: { host: string; cookies: Record<string, string> }, fn: Page, props = page()) {
  const outcome = await invokeAction(req, async () => renderToStaticMarkup(await (fn as (p: unknown) => Promise<React.ReactElement>)(props)));
  const html = returned(outcome) as unknown as string;
  return { html, text: html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/\s+/g, ' ') };
}

describe('paying in the portal', () => {
  it('pays with 4242: the receipt, the invoice paid, and the receipt PDF', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 12_000);
    expect((await rendered(req, billingPage)).text).toContain('You owe $120.00');
    const pay = await rendered(req, payPage, page({}, { invoice: inv.id }));
    expect(pay.text).toContain('Test payments — simulated cards, no real money is charged.');
    expect(pay.text).toContain('4000 0025 0000 3155');
    expect(pay.text).toContain('Total to pay $120.00');
    expect(pay.html).toMatch(/name="attemptKey" value="[0-9a-f-]{36}"/);
    expect(pay.html).toContain(`name="invoice" value="${inv.id}"`);
    expect(pay.html).toContain('name="amount" value="12000"');
    expect(pay.html.toLowerCase()).toContain('autocomplete="cc-number"');

    const location = redirectedTo(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 12_000, VISA)));
    const paymentId = /^\/portal\/billing\/payments\/([0-9a-f-]{36})\?paid=1$/.exec(location)![1]!;
    expect(await invoiceStatus(w.tenant.id, inv.id)).toBe('paid');
    expect(await patientBalance(db(), w.tenant.id, w.leo.id)).toBe(0);
    const [payment] = await paymentsOf(w.tenant.id);
    expect(payment).toMatchObject({ id: paymentId, status: 'succeeded', amount: 12_000, cardLast4: '4242', receiptNumber: 1, accountId: w.maria.account.id });
    const receipt = await rendered(req, paymentPage, page({ id: paymentId }, { paid: '1' }));
    expect(receipt.text).toContain('Receipt R-000001');
    expect(receipt.text).toContain('Thank you. Your payment was received.');
    expect(receipt.text).toContain('Card, online · Visa ending in 4242');
    expect(receipt.html).toContain(`href="/portal/billing/payments/${paymentId}/receipt"`);
    expect((await rendered(req, billingPage)).text).toContain('Nothing to pay');

    const pdf = await invokeRoute(req, receiptPdf, { path: `/portal/billing/payments/${paymentId}/receipt`, params: { tenant: w.tenant.slug, id: paymentId } });
    expect(pdf).toMatchObject({ kind: 'response', status: 200 });
    const response = pdf as Extract<Outcome, { kind: 'response' }>;
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="receipt-R-000001.pdf"');
    expect(response.headers.get('cache-control')).toContain('no-store');
  });

  it('0002 is declined: the bank’s words, the invoice still open, a fresh attempt key that then pays', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 5_000);
    const answer = returned(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 5_000, DECLINED)));
    expect(answer).toMatchObject({ ok: false, message: DECLINE_WORDS, declined: true });
    expect(answer.attemptKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(await invoiceStatus(w.tenant.id, inv.id)).toBe('open');
    expect(await patientBalance(db(), w.tenant.id, w.leo.id)).toBe(5_000);
    // The form sends the new key with another card: paid.
    const paid = redirectedTo(await invokeAction(req, actions.payWithTestCardAction, answer, payForm([inv.id], 5_000, VISA, answer.attemptKey as string)));
    expect(paid).toMatch(/\?paid=1$/);
    expect(await invoiceStatus(w.tenant.id, inv.id)).toBe('paid');
  });

  it('says the decline in the patient’s language', async () => {
    const w = await billingClinic();
    await db().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, w.maria.account.id));
    const req = await mariaFor(w);
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 5_000);
    const answer = returned(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 5_000, DECLINED)));
    expect(answer).toMatchObject({ ok: false, message: 'El banco rechazó la tarjeta. Pruebe con otra tarjeta.' });
    const badCard = returned(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 5_000, '4111 1111 1111 1111')));
    expect(badCard).toMatchObject({ ok: false, fieldErrors: { number: 'Use uno de los números de tarjetas de prueba de esta página.' } });
  });

  it('3155 needs the bank’s check: approve pays it; fail leaves it open with the words and a way to try again', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const first = await openInvoiceOf(w.tenant.id, w.leo.id, 7_000);
    const check = redirectedTo(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([first.id], 7_000, THREE_DS)));
    const paymentId = /^\/portal\/billing\/payments\/([0-9a-f-]{36})\/authenticate$/.exec(check)![1]!;
    const bank = await rendered(req, authenticatePage, page({ id: paymentId }));
    expect(bank.text).toContain('Test payments — simulated cards, no real money is charged.');
    expect(bank.text).toContain('confirm this payment of $70.00');
    expect(await invoiceStatus(w.tenant.id, first.id)).toBe('open');
    const approved = redirectedTo(await invokeAction(req, actions.authenticatePaymentAction, {}, formData({ paymentId, decision: 'approve' })));
    expect(approved).toBe(`/portal/billing/payments/${paymentId}?paid=1`);
    expect(await invoiceStatus(w.tenant.id, first.id)).toBe('paid');
    // The check page of a payment that no longer waits goes to the payment.
    expect(redirectedTo(await invokeAction(req, authenticatePage, page({ id: paymentId })))).toBe(`/portal/billing/payments/${paymentId}`);

    const second = await openInvoiceOf(w.tenant.id, w.leo.id, 3_000);
    const check2 = redirectedTo(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([second.id], 3_000, THREE_DS)));
    const failedId = check2.split('/')[4]!;
    expect(redirectedTo(await invokeAction(req, actions.authenticatePaymentAction, {}, formData({ paymentId: failedId, decision: 'fail' })))).toBe(`/portal/billing/payments/${failedId}`);
    expect(await invoiceStatus(w.tenant.id, second.id)).toBe('open');
    const [failed] = await db().select().from(payments).where(eq(payments.id, failedId));
    expect(failed).toMatchObject({ status: 'failed', failureMessage: "The bank's check was not completed. Try again, or use another card." });
    const failedPage = await rendered(req, paymentPage, page({ id: failedId }));
    expect(failedPage.text).toContain("The bank's check was not completed. Try again, or use another card. Nothing was charged, and the invoice is still open.");
    expect(failedPage.html).toContain(`href="/portal/billing/pay?invoice=${second.id}"`);
  });

  it('the same attempt key twice (a double click, a resent form) is one payment', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 9_900);
    const attemptKey = randomUUID();
    const [a, b] = await Promise.all([
      invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 9_900, VISA, attemptKey)),
      invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 9_900, VISA, attemptKey)),
    ]);
    const again = await invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 9_900, VISA, attemptKey));
    // Each lands on the one payment (the one that raced the first may find it still processing).
    const ids = [a, b, again].map((o) => /^\/portal\/billing\/payments\/([0-9a-f-]{36})(\?paid=1)?$/.exec(redirectedTo(o))![1]);
    expect(new Set(ids).size).toBe(1);
    expect(redirectedTo(again)).toBe(`/portal/billing/payments/${ids[0]}?paid=1`);
    expect(await paymentsOf(w.tenant.id)).toHaveLength(1);
    expect(await gatewayPayments(w.tenant.id)).toHaveLength(1);
    expect(await patientBalance(db(), w.tenant.id, w.leo.id)).toBe(0);
  });

  it('pays two invoices at once, oldest first, for the total the page showed', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const older = await openInvoiceOf(w.tenant.id, w.leo.id, 2_000);
    const newer = await openInvoiceOf(w.tenant.id, w.leo.id, 3_500);
    // A total that is no longer right (the page was stale) is refused in words, nothing charged.
    const stale = returned(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([older.id, newer.id], 5_000, VISA)));
    expect(stale).toMatchObject({ ok: false, message: 'The amount due has changed. Reload the page and check it before paying.' });
    expect(await paymentsOf(w.tenant.id)).toHaveLength(0);
    redirectedTo(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([newer.id, older.id], 5_500, VISA)));
    expect(await invoiceStatus(w.tenant.id, older.id)).toBe('paid');
    expect(await invoiceStatus(w.tenant.id, newer.id)).toBe('paid');
  });

  it('refuses another patient’s or another clinic’s invoice as not found, and charges nothing', async () => {
    const w = await billingClinic();
    const other = await billingClinic();
    const req = await mariaFor(w);
    const mariasOwn = await openInvoiceOf(w.tenant.id, w.maria.patient.id, 4_000);
    const foreign = await openInvoiceOf(other.tenant.id, other.leo.id, 4_000);
    const otherBefore = await fingerprintTenants([other.tenant.id]);
    for (const id of [mariasOwn.id, foreign.id]) {
      const answer = returned(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([id], 4_000, VISA)));
      expect(answer).toMatchObject({ ok: false, message: NOT_FOUND });
      expect((await invokeAction(req, invoicePage, page({ id }))).kind).toBe('not-found');
      const pdf = await invokeRoute(req, invoicePdf, { path: `/portal/billing/invoices/${id}/pdf`, params: { tenant: w.tenant.slug, id } });
      expect(pdf).toMatchObject({ kind: 'response', status: 404 });
    }
    // Nothing was charged here (only the test card was tokenised), and nothing changed in the other clinic.
    expect(await paymentsOf(w.tenant.id)).toHaveLength(0);
    expect(await fingerprintTenants([other.tenant.id])).toBe(otherBefore);
    // Acting for herself, her own invoice is hers to pay.
    const self = await mariaFor(w, 'self');
    expect((await invokeAction(self, invoicePage, page({ id: mariasOwn.id }))).kind).toBe('returned');
  });

  it('the invoice PDF is the selected patient’s invoice, as a no-store attachment', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 8_075);
    const pdf = await invokeRoute(req, invoicePdf, { path: `/portal/billing/invoices/${inv.id}/pdf`, params: { tenant: w.tenant.slug, id: inv.id } });
    expect(pdf).toMatchObject({ kind: 'response', status: 200 });
    const response = pdf as Extract<Outcome, { kind: 'response' }>;
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice-INV-\d{6}\.pdf"$/);
    expect(response.headers.get('cache-control')).toContain('no-store');
    // The harness keeps the body as text; the route's bytes are the PDF's.
    expect(response.body.startsWith('%PDF-')).toBe(true);
  });
});

describe('billing off in the portal', () => {
  it('answers not-found on every page, action and PDF, lists no Billing, and writes nothing', async () => {
    for (const off of [{ paymentsEnabled: false }, { portalBillingVisible: false }]) {
      const w = await billingClinic();
      const req = await mariaFor(w);
      const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 6_000);
      const layoutOn = returned(await invokeAction(req, portalLayout, { children: null, params: Promise.resolve({ tenant: w.tenant.slug }) }));
      expect(JSON.stringify((layoutOn as { props: { moreNav: unknown } }).props.moreNav)).toContain('/portal/billing');

      await db().update(billingSettings).set(off).where(eq(billingSettings.tenantId, w.tenant.id));
      const before = await fingerprintTenants([w.tenant.id]);
      for (const [fn, props] of [
        [billingPage, page()], [payPage, page()], [cardsPage, page()], [statementPage, page()],
        [invoicePage, page({ id: inv.id })],
      ] as const) {
        expect((await invokeAction(req, fn as (p: unknown) => Promise<unknown>, props)).kind, JSON.stringify(off)).toBe('not-found');
      }
      const answer = returned(await invokeAction(req, actions.payWithTestCardAction, {}, payForm([inv.id], 6_000, VISA)));
      expect(answer).toMatchObject({ ok: false, message: NOT_FOUND });
      const card = returned(await invokeAction(req, actions.saveTestCardAction, {}, formData({ attemptKey: randomUUID(), number: VISA, expiry: '12/30', cvc: '123', currency: 'USD' })));
      expect(card).toMatchObject({ ok: false, message: NOT_FOUND });
      const pdf = await invokeRoute(req, invoicePdf, { path: `/portal/billing/invoices/${inv.id}/pdf`, params: { tenant: w.tenant.slug, id: inv.id } });
      expect(pdf).toMatchObject({ kind: 'response', status: 404 });
      // Changed outside this process (as another instance would): the frame's entry follows within
      // FRAME_MEMO_MS (lib/kernel/frame-memo.ts), while the pages above answered not-found at once.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + FRAME_MEMO_MS + 1);
        const layoutOff = returned(await invokeAction(req, portalLayout, { children: null, params: Promise.resolve({ tenant: w.tenant.slug }) }));
        expect(JSON.stringify((layoutOff as { props: { moreNav: unknown } }).props.moreNav)).not.toContain('/portal/billing');
      } finally {
        vi.useRealTimers();
      }
      expect(await fingerprintTenants([w.tenant.id])).toBe(before);
    }
  });
});

describe('saved cards in the portal', () => {
  it('saves a card with an authorisation, makes another the default, withdraws, authorises again and removes', async () => {
    const w = await billingClinic();
    const req = await mariaFor(w);
    const save = (number: string, extra: Record<string, string | string[]> = {}) => invokeAction(req, actions.saveTestCardAction, {},
      formData({ attemptKey: randomUUID(), number, expiry: '11/29', cvc: '321', currency: 'USD', ...extra }));

    // Authorising without saying what for: refused before anything is saved.
    const noScope = returned(await save(VISA, { authorize: 'yes', maxAmount: '50' }));
    expect(noScope).toMatchObject({ ok: false, fieldErrors: { scope: 'Choose what the clinic may charge the card for.' } });
    const badLimit = returned(await save(VISA, { authorize: 'yes', scope: 'no_show_fees', maxAmount: 'fifty' }));
    expect(badLimit).toMatchObject({ ok: false, fieldErrors: { maxAmount: expect.stringContaining('above zero') } });
    expect(await db().select().from(savedCards).where(eq(savedCards.tenantId, w.tenant.id))).toHaveLength(0);

    expect(redirectedTo(await save(VISA, { authorize: 'yes', scope: ['no_show_fees', 'invoices'], maxAmount: '50' }))).toBe('/portal/billing/cards?done=saved-authorized');
    const [visa] = await db().select().from(savedCards).where(eq(savedCards.tenantId, w.tenant.id));
    expect(visa).toMatchObject({ patientId: w.leo.id, brand: 'visa', last4: '4242', expMonth: 11, expYear: 2029, isDefault: true });
    const [auth] = await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.savedCardId, visa!.id));
    expect(auth).toMatchObject({ scopes: ['no_show_fees', 'invoices'], maxAmount: 5_000, textVersion: AUTHORIZATION_TEXT_VERSION, accountId: w.maria.account.id, revokedAt: null });

    expect(redirectedTo(await save('5555 5555 5555 4444'))).toBe('/portal/billing/cards?done=saved');
    const master = (await db().select().from(savedCards).where(eq(savedCards.tenantId, w.tenant.id))).find((c) => c.last4 === '4444')!;
    const list = await rendered(req, cardsPage, page({}, { done: 'saved' }));
    expect(list.text).toContain('Visa •••• 4242 Default Expires 11/2029');
    expect(list.text).toContain('The clinic may charge this card for: fees for missed visits (no-shows and late cancellations), invoices for visits and products. Up to $50.00 a charge.');
    expect(list.text).toContain('Mastercard •••• 4444');

    expect(redirectedTo(await invokeAction(req, actions.makeDefaultCardAction, {}, formData({ cardId: master.id })))).toBe('/portal/billing/cards?done=default');
    const defaults = (await db().select().from(savedCards).where(eq(savedCards.tenantId, w.tenant.id))).filter((c) => c.isDefault).map((c) => c.last4);
    expect(defaults).toEqual(['4444']);

    expect(redirectedTo(await invokeAction(req, actions.revokeAuthorizationAction, {}, formData({ cardId: visa!.id })))).toBe('/portal/billing/cards?done=revoked');
    const [revoked] = await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.id, auth!.id));
    expect(revoked!.revokedAt).not.toBeNull();

    const noPurpose = returned(await invokeAction(req, actions.authorizeCardAction, {}, formData({ cardId: visa!.id, currency: 'USD', maxAmount: '' })));
    expect(noPurpose).toMatchObject({ ok: false, fieldErrors: { scope: 'Choose what the clinic may charge the card for.' } });
    expect(redirectedTo(await invokeAction(req, actions.authorizeCardAction, {}, formData({ cardId: visa!.id, currency: 'USD', scope: 'invoices', maxAmount: '' }))))
      .toBe('/portal/billing/cards?done=authorized');
    const active = (await db().select().from(cardAuthorizations).where(eq(cardAuthorizations.savedCardId, visa!.id))).filter((a) => a.revokedAt === null);
    expect(active).toEqual([expect.objectContaining({ scopes: ['invoices'], maxAmount: null })]);

    expect(redirectedTo(await invokeAction(req, actions.removeCardAction, {}, formData({ cardId: visa!.id })))).toBe('/portal/billing/cards?done=removed');
    const [gone] = await db().select().from(savedCards).where(eq(savedCards.id, visa!.id));
    expect(gone!.removedAt).not.toBeNull();

    // Another patient's card (Maria acting for herself) is not one she can touch from Leo's page.
    const self = await mariaFor(w, 'self');
    const foreign = returned(await invokeAction(self, actions.removeCardAction, {}, formData({ cardId: master.id })));
    expect(foreign).toMatchObject({ ok: false, message: 'This card is no longer saved. Reload the page.' });
    const [still] = await db().select().from(savedCards).where(eq(savedCards.id, master.id));
    expect(still!.removedAt).toBeNull();
  });
});
