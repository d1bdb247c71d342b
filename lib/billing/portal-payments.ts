import 'server-only';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { invoices, paymentAllocations, payments, refunds, type Payment } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { isUuid } from '@/lib/kernel/ids';
import { gatewayFor } from './gateway';
import { completeTestAuthentication } from './gateway/test-gateway';
import { PaymentRefusedError, chargeAtGateway, settledOf, startPayment } from './payments';
import { applyPaymentResult, type SettleActor, type SettledPayment } from './settle';
import { portalBillingEnabled } from './settings';

/**
 * Paying in the portal, for the selected patient only. The card comes as a token made in the
 * browser (Stripe's Payment Element, or the test gateway's simulated form); the attempt key is
 * written into the page when it is shown, so a double click or a resent form is the same attempt.
 */

export interface PortalPayInput {
  attemptKey: string;
  invoiceIds: string[];
  /** What the page showed as the total: refused if the amount due changed since. */
  amount: number;
  token: string;
}

function actorOf(ctx: PortalContext): SettleActor {
  return { kind: 'patient', id: ctx.account.id, ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
}

async function requireBilling(db: Executor, ctx: PortalContext) {
  if (!(await portalBillingEnabled(db, ctx.tenant.id))) throw new NotFoundError('billing');
}

export async function payInvoicesOnline(db: Executor, ctx: PortalContext, input: PortalPayInput, returnUrl?: string): Promise<SettledPayment> {
  await requireBilling(db, ctx);
  if (!isUuid(input.attemptKey)) throw new PaymentRefusedError('attempt-invalid', 'This payment page has expired. Reload it and try again.');
  const { gateway, account, kind } = await gatewayFor(db, ctx.tenant.id);
  const { payment, existing } = await startPayment(db, ctx.tenant.id, {
    patientId: ctx.patient.id, invoiceIds: input.invoiceIds, amount: input.amount, method: 'card_online', gateway: kind,
    // The account is part of the key: another person's key can never name this payment.
    idempotencyKey: `portal-pay:${ctx.account.id}:${input.attemptKey}`, accountId: ctx.account.id, sourceRef: input.token,
  }, ctx);
  if (existing) return currentState(db, ctx, payment);
  return chargeAtGateway(db, ctx.tenant.id, payment, gateway, account, { kind: 'token', token: input.token }, actorOf(ctx), returnUrl);
}

/** A payment already made with this key: its state now (asking the provider when it waits on the bank). */
async function currentState(db: Executor, ctx: PortalContext, payment: Payment): Promise<SettledPayment> {
  if (payment.status !== 'requires_action' || !payment.gatewayPaymentRef) return settledOf(payment);
  const { gateway, account } = await gatewayFor(db, ctx.tenant.id);
  const result = await gateway.retrievePayment(account, payment.gatewayPaymentRef);
  return applyPaymentResult(db, ctx.tenant.id, payment.id, result, actorOf(ctx));
}

async function ownPayment(db: Executor, ctx: PortalContext, paymentId: string): Promise<Payment> {
  if (!isUuid(paymentId)) throw new NotFoundError('payment');
  const [payment] = await db.select().from(payments)
    .where(and(eq(payments.tenantId, ctx.tenant.id), eq(payments.patientId, ctx.patient.id), eq(payments.id, paymentId)));
  if (!payment) throw new NotFoundError('payment');
  return payment;
}

/** After the bank's check (or to see where a pending payment stands): asks the provider again. */
export async function refreshPortalPayment(db: Executor, ctx: PortalContext, paymentId: string): Promise<SettledPayment> {
  await requireBilling(db, ctx);
  const payment = await ownPayment(db, ctx, paymentId);
  if ((payment.status !== 'requires_action' && payment.status !== 'pending') || !payment.gatewayPaymentRef || !payment.gateway) return settledOf(payment);
  const { gateway, account } = await gatewayFor(db, ctx.tenant.id);
  return applyPaymentResult(db, ctx.tenant.id, payment.id, await gateway.retrievePayment(account, payment.gatewayPaymentRef), actorOf(ctx));
}

/** The test gateway's simulated bank check: the patient approves or fails it. */
export async function authenticateTestPayment(db: Executor, ctx: PortalContext, paymentId: string, approve: boolean): Promise<SettledPayment> {
  await requireBilling(db, ctx);
  const payment = await ownPayment(db, ctx, paymentId);
  if (payment.gateway !== 'test' || payment.status !== 'requires_action' || !payment.gatewayPaymentRef) return settledOf(payment);
  await completeTestAuthentication(db, ctx.tenant.id, payment.gatewayPaymentRef, approve);
  return refreshPortalPayment(db, ctx, paymentId);
}

export interface PortalPaymentView {
  id: string;
  status: Payment['status'];
  amount: number;
  currency: string;
  method: Payment['method'];
  cardBrand: string | null;
  cardLast4: string | null;
  receiptNumber: number | null;
  failureMessage: string | null;
  createdAt: Date;
  succeededAt: Date | null;
  invoices: { id: string; number: number | null; amount: number }[];
  refunded: number;
}

/** The selected patient's payments (history), newest first, with the invoices each paid. */
export async function listPortalPayments(db: Executor, ctx: PortalContext, options: { paymentId?: string } = {}): Promise<PortalPaymentView[]> {
  await requireBilling(db, ctx);
  if (options.paymentId !== undefined && !isUuid(options.paymentId)) throw new NotFoundError('payment');
  const rows = await db.select().from(payments)
    .where(and(
      eq(payments.tenantId, ctx.tenant.id), eq(payments.patientId, ctx.patient.id),
      options.paymentId ? eq(payments.id, options.paymentId) : inArray(payments.status, ['succeeded', 'failed', 'requires_action', 'pending']),
    ))
    .orderBy(desc(payments.createdAt))
    .limit(200);
  if (options.paymentId && rows.length === 0) throw new NotFoundError('payment');
  return withAllocations(db, ctx.tenant.id, rows);
}

export async function getPortalPayment(db: Executor, ctx: PortalContext, paymentId: string): Promise<PortalPaymentView> {
  return (await listPortalPayments(db, ctx, { paymentId }))[0]!;
}

/** Adds each payment's invoices and refunded total (two queries for the whole list). */
export async function withAllocations(db: Executor, tenantId: string, rows: Payment[]): Promise<PortalPaymentView[]> {
  const ids = rows.map((r) => r.id);
  const allocations = ids.length === 0 ? [] : await db
    .select({ paymentId: paymentAllocations.paymentId, invoiceId: paymentAllocations.invoiceId, amount: paymentAllocations.amount, number: invoices.number })
    .from(paymentAllocations)
    .innerJoin(invoices, and(eq(invoices.tenantId, paymentAllocations.tenantId), eq(invoices.id, paymentAllocations.invoiceId)))
    .where(and(eq(paymentAllocations.tenantId, tenantId), inArray(paymentAllocations.paymentId, ids)));
  const refundRows = ids.length === 0 ? [] : await db
    .select({ paymentId: refunds.paymentId, amount: refunds.amount })
    .from(refunds)
    .where(and(eq(refunds.tenantId, tenantId), inArray(refunds.paymentId, ids), eq(refunds.status, 'succeeded')));
  return rows.map((p) => ({
    id: p.id, status: p.status, amount: p.amount, currency: p.currency, method: p.method, cardBrand: p.cardBrand, cardLast4: p.cardLast4,
    receiptNumber: p.receiptNumber, failureMessage: p.failureMessage, createdAt: p.createdAt, succeededAt: p.succeededAt,
    invoices: allocations.filter((a) => a.paymentId === p.id).map((a) => ({ id: a.invoiceId, number: a.number, amount: a.amount })),
    refunded: refundRows.filter((r) => r.paymentId === p.id).reduce((s, r) => s + r.amount, 0),
  }));
}
