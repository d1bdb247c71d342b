import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, invoices, outboxMessages, paymentAllocations, payments, refunds } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { ForbiddenError } from '@/lib/kernel/errors';
import { saveCard } from '@/lib/billing/cards';
import { cardOnFileState, chargeSavedCard, recordDeskPayment, refundPayment } from '@/lib/billing/desk';
import { invoiceSums, patientBalance } from '@/lib/billing/ledger';
import { startPayment } from '@/lib/billing/payments';
import { authenticateTestPayment, payInvoicesOnline } from '@/lib/billing/portal-payments';
import { createTestGateway } from '@/lib/billing/gateway/test-gateway';
import { reconcilePayments } from '@/lib/billing/reconcile';
import { settlePaymentFromGateway } from '@/lib/billing/settle';
import { billingClinic, gatewayPayments, key, ledgerOf, openInvoiceOf, refusal, testCard } from './billing-fixtures';

const db = () => getDb();
const VISA = '4242424242424242';
const DECLINED = '4000000000000002';
const THREE_DS = '4000002500003155';

async function statusOf(tenantId: string, invoiceId: string) {
  const [row] = await db().select({ status: invoices.status }).from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, invoiceId)));
  return row!.status;
}

describe('paying an invoice in the portal', () => {
  it('pays with a good card: one ledger payment, the invoice paid, a numbered receipt emailed', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 12_500);
    const result = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 12_500, token: await testCard(w.tenant.id, VISA) });
    expect(result.status).toBe('succeeded');
    expect(await statusOf(w.tenant.id, inv.id)).toBe('paid');
    expect(await patientBalance(db(), w.tenant.id, w.leo.id)).toBe(0);
    const [payment] = await db().select().from(payments).where(eq(payments.id, result.id));
    expect(payment).toMatchObject({ status: 'succeeded', amount: 12_500, cardBrand: 'visa', cardLast4: '4242', receiptNumber: 1, accountId: w.maria.account.id });
    const mail = await db().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, w.tenant.id), eq(outboxMessages.idempotencyKey, `billing:receipt:${result.id}:email:${w.leo.email}`)));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body).toContain('$125.00');
    expect(mail[0]!.body).not.toContain('Visit');
  });

  it('a decline leaves the invoice open and says why in plain words; a new attempt can pay it', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 5_000);
    const declined = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 5_000, token: await testCard(w.tenant.id, DECLINED) });
    expect(declined).toMatchObject({ status: 'failed', failureMessage: 'The card was declined by the bank. Try another card.' });
    expect(await statusOf(w.tenant.id, inv.id)).toBe('open');
    expect(await ledgerOf(w.tenant.id, inv.id)).toHaveLength(1);
    const paid = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 5_000, token: await testCard(w.tenant.id, VISA) });
    expect(paid.status).toBe('succeeded');
  });

  it('a card that needs the bank’s check waits, holding the invoice, then pays once approved', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 7_000);
    const waiting = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 7_000, token: await testCard(w.tenant.id, THREE_DS) });
    expect(waiting.status).toBe('requires_action');
    // A second tab cannot pay the same amount while the first waits on the bank.
    const second = await refusal(payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 7_000, token: await testCard(w.tenant.id, VISA) }));
    expect(second).toMatchObject({ code: 'payment-in-progress' });
    const done = await authenticateTestPayment(db(), w.mariaForLeo, waiting.id, true);
    expect(done.status).toBe('succeeded');
    expect(await statusOf(w.tenant.id, inv.id)).toBe('paid');
    const failedCheck = await openInvoiceOf(w.tenant.id, w.leo.id, 1_000);
    const w2 = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [failedCheck.id], amount: 1_000, token: await testCard(w.tenant.id, THREE_DS) });
    expect(await authenticateTestPayment(db(), w.mariaForLeo, w2.id, false)).toMatchObject({ status: 'failed', failureMessage: expect.stringContaining('bank') });
    expect(await statusOf(w.tenant.id, failedCheck.id)).toBe('open');
  });

  it('the same attempt sent twice at once (double click, retried request) charges once', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 9_900);
    const attemptKey = key();
    const token = await testCard(w.tenant.id, VISA);
    const results = await Promise.all(Array.from({ length: 5 }, () => payInvoicesOnline(db(), w.mariaForLeo, { attemptKey, invoiceIds: [inv.id], amount: 9_900, token })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await db().select().from(payments).where(eq(payments.tenantId, w.tenant.id))).toHaveLength(1);
    expect(await gatewayPayments(w.tenant.id)).toHaveLength(1);
    expect((await ledgerOf(w.tenant.id, inv.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
  });

  it('50 payments of one invoice from 50 tabs at once: exactly one goes through, nothing overpaid', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 10_000);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => testCard(w.tenant.id, VISA)));
    const outcomes = await Promise.allSettled(tokens.map((token) => payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 10_000, token })));
    expect(outcomes.filter((o) => o.status === 'fulfilled' && o.value.status === 'succeeded')).toHaveLength(1);
    for (const o of outcomes.filter((x) => x.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason).toMatchObject({ code: expect.stringMatching(/^(payment-in-progress|invoice-paid)$/) });
    }
    expect((await invoiceSums(db(), w.tenant.id, [inv.id])).get(inv.id)).toEqual({ charged: 10_000, paid: 10_000, due: 0 });
    expect(await gatewayPayments(w.tenant.id)).toHaveLength(1);
  });

  it('refuses another patient’s invoice, an amount that changed, and a clinic with payments off', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 3_000);
    const token = await testCard(w.tenant.id, VISA);
    expect(await refusal(payInvoicesOnline(db(), w.mariaForSelf, { attemptKey: key(), invoiceIds: [inv.id], amount: 3_000, token }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 2_000, token }))).toMatchObject({ code: 'amount-changed' });
    const other = await billingClinic();
    expect(await refusal(payInvoicesOnline(db(), other.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 3_000, token }))).toBeInstanceOf(NotFoundError);
    const off = await billingClinic({ paymentsEnabled: false });
    const offInv = await openInvoiceOf(off.tenant.id, off.leo.id, 3_000);
    expect(await refusal(payInvoicesOnline(db(), off.mariaForLeo, { attemptKey: key(), invoiceIds: [offInv.id], amount: 3_000, token }))).toBeInstanceOf(NotFoundError);
    expect(await db().select().from(payments).where(eq(payments.tenantId, w.tenant.id))).toHaveLength(0);
  });
});

describe('the desk', () => {
  it('50 partial desk payments at once fill the invoice exactly: 20 of $5 go through, the rest are refused', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 10_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, () => recordDeskPayment(db(), w.desk, {
      attemptKey: key(), patientId: w.leo.id, invoiceIds: [inv.id], amount: 500, method: 'cash',
    })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(20);
    expect((await invoiceSums(db(), w.tenant.id, [inv.id])).get(inv.id)).toEqual({ charged: 10_000, paid: 10_000, due: 0 });
    expect(await statusOf(w.tenant.id, inv.id)).toBe('paid');
    const receipts = (await db().select({ n: payments.receiptNumber }).from(payments).where(eq(payments.tenantId, w.tenant.id))).map((r) => r.n).sort((a, b) => a! - b!);
    expect(receipts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('refunds part of a payment, never more than is left, even from two desks at once', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 10_000);
    const paid = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 10_000, token: await testCard(w.tenant.id, VISA) });
    const first = await refundPayment(db(), w.desk, paid.id, { attemptKey: key(), amount: 6_000, reason: 'Visit shortened', creditInvoice: true });
    expect(first.status).toBe('succeeded');
    expect(await refusal(refundPayment(db(), w.desk, paid.id, { attemptKey: key(), amount: 5_000, reason: 'Too much', creditInvoice: true })))
      .toMatchObject({ code: 'refund-too-much', userMessage: 'You can refund at most $40.00 of this payment.' });
    const both = await Promise.allSettled([3_000, 3_000].map((amount) => refundPayment(db(), w.admin, paid.id, { attemptKey: key(), amount, reason: 'Race', creditInvoice: true })));
    expect(both.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rows = await db().select().from(refunds).where(eq(refunds.paymentId, paid.id));
    expect(rows.map((r) => r.amount).sort()).toEqual([3_000, 6_000]);
    // Credited refunds lower what the invoice asks for by as much: $90 refunded, $10 kept, nothing due.
    expect((await invoiceSums(db(), w.tenant.id, [inv.id])).get(inv.id)).toEqual({ charged: 1_000, paid: 1_000, due: 0 });
    expect(await patientBalance(db(), w.tenant.id, w.leo.id)).toBe(0);
  });

  it('a refund that does not credit the invoice leaves the patient owing it again', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 4_000);
    const paid = await recordDeskPayment(db(), w.desk, { attemptKey: key(), patientId: w.leo.id, invoiceIds: [inv.id], amount: 4_000, method: 'check', reference: '1042' });
    await refundPayment(db(), w.desk, paid.id, { attemptKey: key(), amount: 1_500, reason: 'Check bounced in part', creditInvoice: false });
    expect(await statusOf(w.tenant.id, inv.id)).toBe('partially_paid');
    expect(await patientBalance(db(), w.tenant.id, w.leo.id)).toBe(1_500);
  });

  it('charges a saved card only under an authorisation that covers the purpose and the amount', async () => {
    const w = await billingClinic();
    const fee = await openInvoiceOf(w.tenant.id, w.leo.id, 5_000, 'no_show_fee');
    expect((await cardOnFileState(db(), w.desk, fee.id)).refusal).toBe('The patient has no saved card.');
    const saved = await saveCard(db(), w.mariaForLeo, { attemptKey: key(), token: await testCard(w.tenant.id, VISA), authorize: null });
    expect(saved.status).toBe('succeeded');
    expect(await refusal(chargeSavedCard(db(), w.desk, { invoiceId: fee.id, attemptKey: key(), amount: 5_000 })))
      .toMatchObject({ code: 'charge-not-allowed', userMessage: 'The patient has not authorised the clinic to charge this card.' });

    // An authorisation for invoices only, up to $40, does not cover a $50 no-show fee…
    const { grantAuthorization } = await import('@/lib/billing/cards');
    await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['invoices'], maxAmount: 4_000 });
    expect((await cardOnFileState(db(), w.desk, fee.id)).refusal).toMatch(/does not cover fees for missed visits/);
    await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['invoices', 'no_show_fees'], maxAmount: 4_000 });
    expect((await cardOnFileState(db(), w.desk, fee.id)).refusal).toBe('The patient authorised charges of up to $40.00; this one is $50.00.');
    await grantAuthorization(db(), w.mariaForLeo, saved.savedCardId!, { scopes: ['no_show_fees'], maxAmount: null });
    const attemptKey = key();
    const charged = await chargeSavedCard(db(), w.desk, { invoiceId: fee.id, attemptKey, amount: 5_000 });
    expect(charged.status).toBe('succeeded');
    expect(await chargeSavedCard(db(), w.desk, { invoiceId: fee.id, attemptKey, amount: 5_000 })).toMatchObject({ id: charged.id, status: 'succeeded' });
    expect(await statusOf(w.tenant.id, fee.id)).toBe('paid');
    const [payment] = await db().select().from(payments).where(eq(payments.id, charged.id));
    expect(payment).toMatchObject({ method: 'card_on_file', purpose: 'no_show_fees', staffId: w.desk.actor.id, savedCardId: saved.savedCardId });
    // Support staff see no amounts and cannot charge; another clinic's staff find nothing.
    expect(await refusal(cardOnFileState(db(), w.support, fee.id))).toBeInstanceOf(ForbiddenError);
    const other = await billingClinic();
    expect(await refusal(chargeSavedCard(db(), other.desk, { invoiceId: fee.id, attemptKey: key(), amount: 5_000 }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(refundPayment(db(), other.desk, charged.id, { attemptKey: key(), amount: 100, reason: 'x', creditInvoice: true }))).toBeInstanceOf(NotFoundError);
  });
});

describe('provider outcomes arriving twice, late or out of order', () => {
  it('a replayed success posts once; a failure after success changes nothing', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 2_000);
    const paid = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 2_000, token: await testCard(w.tenant.id, VISA) });
    const [p] = await db().select().from(payments).where(eq(payments.id, paid.id));
    const ref = p!.gatewayPaymentRef!;
    await Promise.all([1, 2, 3].map(() => settlePaymentFromGateway(db(), w.tenant.id, 'test', { ref, status: 'succeeded' })));
    await settlePaymentFromGateway(db(), w.tenant.id, 'test', { ref, status: 'failed', failure: { code: 'card_declined', message: 'x' } });
    expect((await ledgerOf(w.tenant.id, inv.id)).filter((e) => e.kind === 'payment')).toHaveLength(1);
    expect((await db().select().from(payments).where(eq(payments.id, paid.id)))[0]!.status).toBe('succeeded');
    expect(await settlePaymentFromGateway(db(), w.tenant.id, 'test', { ref: 'test_pi_unknown', status: 'succeeded' })).toBe(false);
  });

  it('a success found by the id in the metadata when the process died before storing the reference', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 2_000);
    const { payment } = await startPayment(db(), w.tenant.id, {
      patientId: w.leo.id, invoiceIds: [inv.id], amount: 2_000, method: 'card_online', gateway: 'test', idempotencyKey: `portal-pay:x:${key()}`,
    }, w.mariaForLeo);
    expect(await settlePaymentFromGateway(db(), w.tenant.id, 'test', { ref: 'test_pi_late', status: 'succeeded' }, { paymentId: payment.id })).toBe(true);
    expect(await statusOf(w.tenant.id, inv.id)).toBe('paid');
  });

  it('the reconciliation job completes a payment left pending by a crash, once, with two runners', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 8_000);
    const token = await testCard(w.tenant.id, VISA);
    // The pending row was written with its key and source, then the process died before calling the provider.
    const { payment } = await startPayment(db(), w.tenant.id, {
      patientId: w.leo.id, invoiceIds: [inv.id], amount: 8_000, method: 'card_online', gateway: 'test', idempotencyKey: `portal-pay:x:${key()}`, sourceRef: token,
    }, w.mariaForLeo);
    const later = new Date(Date.now() + 10 * 60_000);
    const [a, b] = await Promise.all([reconcilePayments(db(), later), reconcilePayments(db(), later)]);
    expect(a.paymentsReconciled + b.paymentsReconciled).toBe(1);
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe('succeeded');
    expect(await gatewayPayments(w.tenant.id)).toHaveLength(1);
    expect(await statusOf(w.tenant.id, inv.id)).toBe('paid');
  });

  it('a payment never sent within a day is canceled and frees its invoice', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 8_000);
    const { payment } = await startPayment(db(), w.tenant.id, {
      patientId: w.leo.id, invoiceIds: [inv.id], amount: 8_000, method: 'card_online', gateway: 'test', idempotencyKey: `portal-pay:x:${key()}`,
    }, w.mariaForLeo);
    await reconcilePayments(db(), new Date(Date.now() + 25 * 3600_000));
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]!.status).toBe('canceled');
    const allocations = await db().select().from(paymentAllocations).where(eq(paymentAllocations.paymentId, payment.id));
    expect(allocations).toHaveLength(1);
    const again = await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 8_000, token: await testCard(w.tenant.id, VISA) });
    expect(again.status).toBe('succeeded');
  });

  it('a payment the provider made but never answered for a day is found by its id and recorded, not canceled', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 8_000);
    const token = await testCard(w.tenant.id, VISA);
    const { payment } = await startPayment(db(), w.tenant.id, {
      patientId: w.leo.id, invoiceIds: [inv.id], amount: 8_000, method: 'card_online', gateway: 'test', idempotencyKey: `portal-pay:x:${key()}`, sourceRef: token,
    }, w.mariaForLeo);
    // The provider charged; its answer never reached the process, and no runner asked for a day.
    const made = await createTestGateway(db()).createPayment({ tenantId: w.tenant.id, stripeAccountId: null }, {
      amount: 8_000, currency: 'USD', idempotencyKey: payment.idempotencyKey, source: { kind: 'token', token }, metadata: { carebridge_payment_id: payment.id },
    });
    expect(made.status).toBe('succeeded');
    await reconcilePayments(db(), new Date(Date.now() + 25 * 3600_000));
    expect((await db().select().from(payments).where(eq(payments.id, payment.id)))[0]).toMatchObject({ status: 'succeeded', gatewayPaymentRef: made.ref });
    expect(await gatewayPayments(w.tenant.id)).toHaveLength(1);
    expect(await statusOf(w.tenant.id, inv.id)).toBe('paid');
  });

  it('every billing change is audited without health information', async () => {
    const w = await billingClinic();
    const inv = await openInvoiceOf(w.tenant.id, w.leo.id, 1_234);
    await payInvoicesOnline(db(), w.mariaForLeo, { attemptKey: key(), invoiceIds: [inv.id], amount: 1_234, token: await testCard(w.tenant.id, VISA) });
    const rows = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.patientId, w.leo.id)));
    expect(rows.map((r) => r.action).sort()).toEqual(['billing.payment_started', 'billing.payment_succeeded']);
    expect(JSON.stringify(rows.map((r) => r.details))).not.toContain('Visit');
  });
});
