import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { payments, type Payment } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { portalActorLabel } from '@/lib/audit/record-audit';
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
  return { kind: 'patient', id: ctx.account.id, label: portalActorLabel(ctx), ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
}

async function requireBilling(db: Executor, ctx: PortalContext) {
  // The link must still open Billing (a proxy's scope, dates, the clinic's age rules).
  await assertPortalArea(db, ctx, 'billing');
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

/**
 * What the payment views show of each payment, with the invoices it paid (by number) and what
 * succeeded refunds gave back, as columns of the payments query itself. The subqueries name the
 * outer table in plain SQL: drizzle writes a one-table query's columns unqualified.
 */
const viewColumns = {
  id: payments.id, status: payments.status, amount: payments.amount, currency: payments.currency, method: payments.method,
  cardBrand: payments.cardBrand, cardLast4: payments.cardLast4, receiptNumber: payments.receiptNumber, failureMessage: payments.failureMessage,
  createdAt: payments.createdAt, succeededAt: payments.succeededAt,
  invoices: sql<PortalPaymentView['invoices']>`coalesce((
    select json_agg(json_build_object('id', pa.invoice_id, 'number', i.number, 'amount', pa.amount) order by i.number, pa.invoice_id)
    from payment_allocations pa
    join invoices i on i.tenant_id = pa.tenant_id and i.id = pa.invoice_id
    where pa.tenant_id = payments.tenant_id and pa.payment_id = payments.id
  ), '[]'::json)`,
  refunded: sql<number>`(
    select coalesce(sum(r.amount), 0)::int from refunds r
    where r.tenant_id = payments.tenant_id and r.payment_id = payments.id and r.status = 'succeeded'
  )`,
};

/** The default and largest number of payments a history lists. */
const PAYMENT_HISTORY_MAX = 200;

/**
 * The selected patient's payments (history), newest first, with the invoices each paid, in one
 * statement (after the billing check). `limit`: how many at most (200).
 */
export async function listPortalPayments(db: Executor, ctx: PortalContext, options: { paymentId?: string; limit?: number } = {}): Promise<PortalPaymentView[]> {
  await requireBilling(db, ctx);
  if (options.paymentId !== undefined && !isUuid(options.paymentId)) throw new NotFoundError('payment');
  const limit = Math.min(options.limit ?? PAYMENT_HISTORY_MAX, PAYMENT_HISTORY_MAX);
  const rows = await db.select(viewColumns).from(payments)
    .where(and(
      eq(payments.tenantId, ctx.tenant.id), eq(payments.patientId, ctx.patient.id),
      options.paymentId ? eq(payments.id, options.paymentId) : inArray(payments.status, ['succeeded', 'failed', 'requires_action', 'pending']),
    ))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(limit);
  if (options.paymentId && rows.length === 0) throw new NotFoundError('payment');
  return rows;
}

export async function getPortalPayment(db: Executor, ctx: PortalContext, paymentId: string): Promise<PortalPaymentView> {
  return (await listPortalPayments(db, ctx, { paymentId }))[0]!;
}

/** Adds each payment's invoices and refunded total (one query for the whole list). */
export async function withAllocations(db: Executor, tenantId: string, rows: Payment[]): Promise<PortalPaymentView[]> {
  if (rows.length === 0) return [];
  const extras = await db.select({ id: payments.id, invoices: viewColumns.invoices, refunded: viewColumns.refunded }).from(payments)
    .where(and(eq(payments.tenantId, tenantId), inArray(payments.id, rows.map((r) => r.id))));
  const byId = new Map(extras.map((e) => [e.id, e]));
  return rows.map((p) => ({
    id: p.id, status: p.status, amount: p.amount, currency: p.currency, method: p.method, cardBrand: p.cardBrand, cardLast4: p.cardLast4,
    receiptNumber: p.receiptNumber, failureMessage: p.failureMessage, createdAt: p.createdAt, succeededAt: p.succeededAt,
    invoices: byId.get(p.id)?.invoices ?? [],
    refunded: byId.get(p.id)?.refunded ?? 0,
  }));
}
