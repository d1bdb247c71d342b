import 'server-only';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { cardAuthorizations, invoiceLines, invoices, payments, refunds, savedCards, type ChargePurpose, type Payment } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { isUuid } from '@/lib/kernel/ids';
import { postgresErrorCode, PG } from '@/lib/kernel/errors';
import { BillingAuditActions } from './audit-actions';
import { chargeRefusal } from './charge-rules';
import { gatewayFor } from './gateway';
import { GatewayUnavailableError } from './gateway/types';
import { heldByUnsettledPayments, invoiceSums } from './ledger';
import { formatMoney } from './money';
import { chargeCardOnFile, startCardOnFilePayment } from './off-session';
import { PaymentRefusedError, refundableAmount, settledOf, startPayment } from './payments';
import { withAllocations, type PortalPaymentView } from './portal-payments';
import { applyPaymentResult, applyRefundResult, type SettleActor, type SettledPayment } from './settle';

/**
 * The desk's side of payments (staff with billing.manage): payments taken in person, charging a
 * saved card with the patient's authorisation, and refunds. Every call carries an attempt key
 * written into the form when it was shown, so a second click is the same attempt.
 */

function actorOf(ctx: StaffContext): SettleActor {
  return { kind: 'staff', id: ctx.actor.id, ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
}

function attempt(ctx: StaffContext, what: string, key: string): string {
  if (!isUuid(key)) throw new PaymentRefusedError('attempt-invalid', 'This form has expired. Reload the page and try again.');
  return `${what}:${ctx.actor.id}:${key}`;
}

export interface DeskPaymentInput {
  attemptKey: string;
  patientId: string;
  invoiceIds: string[];
  amount: number;
  method: 'cash' | 'card_terminal' | 'check';
  reference?: string | null;
  locationId?: string | null;
}

/** A payment taken at the desk: recorded as received, spread over the invoices oldest first. */
export async function recordDeskPayment(db: Executor, ctx: StaffContext, input: DeskPaymentInput): Promise<SettledPayment> {
  assertPermission(ctx, 'billing.manage');
  if (!isUuid(input.patientId)) throw new NotFoundError('patient');
  const { payment, existing } = await startPayment(db, ctx.tenant.id, {
    patientId: input.patientId, invoiceIds: input.invoiceIds, amount: input.amount, method: input.method, gateway: null,
    idempotencyKey: attempt(ctx, 'desk-pay', input.attemptKey), allowPartial: true, staffId: ctx.actor.id,
    locationId: input.locationId ?? null, reference: input.reference ?? null,
  }, ctx);
  if (existing) return settledOf(payment);
  return applyPaymentResult(db, ctx.tenant.id, payment.id, { ref: '', status: 'succeeded' }, actorOf(ctx));
}

/** The purpose a charge of this invoice serves: a no-show fee only when every line is one. */
async function purposeOf(db: Executor, tenantId: string, invoiceId: string): Promise<ChargePurpose> {
  const kinds = await db.select({ kind: invoiceLines.kind }).from(invoiceLines)
    .where(and(eq(invoiceLines.tenantId, tenantId), eq(invoiceLines.invoiceId, invoiceId)));
  return kinds.length > 0 && kinds.every((k) => k.kind === 'no_show_fee') ? 'no_show_fees' : 'invoices';
}

export interface CardOnFileState {
  card: { id: string; brand: string; last4: string; expMonth: number; expYear: number } | null;
  authorization: { scopes: ChargePurpose[]; maxAmount: number | null; grantedAt: Date; textVersion: string } | null;
  purpose: ChargePurpose;
  /** What would be charged now: the invoice's amount due less what pending payments hold. */
  amount: number;
  currency: string;
  /** Null when the card may be charged; else why not (the button shows it). */
  refusal: string | null;
}

/** Whether the patient's default card may be charged for this invoice now, and why not. */
export async function cardOnFileState(db: Executor, ctx: StaffContext, invoiceId: string): Promise<CardOnFileState> {
  assertPermission(ctx, 'billing.view');
  if (!isUuid(invoiceId)) throw new NotFoundError('invoice');
  const [invoice] = await db.select({ id: invoices.id, patientId: invoices.patientId, status: invoices.status, currency: invoices.currency })
    .from(invoices).where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, invoiceId)));
  if (!invoice) throw new NotFoundError('invoice');
  const [card] = await db.select().from(savedCards)
    .where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.patientId, invoice.patientId), eq(savedCards.isDefault, true), isNull(savedCards.removedAt)));
  const [authorization] = card ? await db.select().from(cardAuthorizations)
    .where(and(eq(cardAuthorizations.tenantId, ctx.tenant.id), eq(cardAuthorizations.savedCardId, card.id), isNull(cardAuthorizations.revokedAt))) : [];
  const purpose = await purposeOf(db, ctx.tenant.id, invoiceId);
  const due = (await invoiceSums(db, ctx.tenant.id, [invoiceId])).get(invoiceId)!.due;
  const held = (await heldByUnsettledPayments(db, ctx.tenant.id, [invoiceId])).get(invoiceId) ?? 0;
  const amount = Math.max(0, due - held);
  const [year, month] = (await clinicToday(db, ctx.tenant.id)).split('-').map(Number) as [number, number];
  const open = invoice.status === 'open' || invoice.status === 'partially_paid';
  const refusal = !open
    ? 'This invoice is not open.'
    : held > 0 && amount === 0
      ? 'A payment of this invoice is already in progress.'
      : chargeRefusal(card ?? null, authorization ?? null, purpose, amount, invoice.currency, { year, month });
  return {
    card: card ? { id: card.id, brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear } : null,
    authorization: authorization ? { scopes: authorization.scopes, maxAmount: authorization.maxAmount, grantedAt: authorization.grantedAt, textVersion: authorization.textVersion } : null,
    purpose, amount, currency: invoice.currency, refusal,
  };
}

/**
 * Charges the patient's default saved card for what is due on an invoice, off-session. Only with
 * an active authorisation that covers the purpose and the amount (re-checked here, whatever the
 * page showed); the charge's amount is what is due, never typed.
 */
export async function chargeSavedCard(db: Executor, ctx: StaffContext, input: { invoiceId: string; attemptKey: string; amount: number }): Promise<SettledPayment> {
  assertPermission(ctx, 'billing.manage');
  const key = attempt(ctx, 'card-on-file', input.attemptKey);
  const [already] = await db.select().from(payments).where(and(eq(payments.tenantId, ctx.tenant.id), eq(payments.idempotencyKey, key)));
  if (already) return settledOf(already);
  const state = await cardOnFileState(db, ctx, input.invoiceId);
  if (state.refusal) throw new PaymentRefusedError('charge-not-allowed', state.refusal);
  if (state.amount !== input.amount) {
    throw new PaymentRefusedError('amount-changed', `The amount due is now ${formatMoney(state.amount, state.currency)}. Check it and charge again.`);
  }
  const [card] = await db.select().from(savedCards).where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.id, state.card!.id)));
  const [invoice] = await db.select({ patientId: invoices.patientId }).from(invoices).where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, input.invoiceId)));
  const clinic = await gatewayFor(db, ctx.tenant.id);
  const { payment, existing, source } = await startCardOnFilePayment(db, ctx.tenant.id, clinic.kind, {
    patientId: invoice!.patientId, invoiceIds: [input.invoiceId], amount: state.amount, purpose: state.purpose,
    idempotencyKey: key, staffId: ctx.actor.id, card: card!,
  }, ctx);
  if (existing) return settledOf(payment);
  await recordAudit(db, ctx, {
    action: BillingAuditActions.cardCharged, patientId: invoice!.patientId, target: { type: 'payment', id: payment.id },
    details: { amount: state.amount, purpose: state.purpose, savedCardId: card!.id, invoiceId: input.invoiceId },
  });
  return chargeCardOnFile(db, ctx.tenant.id, payment, clinic, source, actorOf(ctx));
}

export interface RefundInput {
  attemptKey: string;
  amount: number;
  reason: string;
  /** Also lower what the patient owes by the refund (the usual case); otherwise they owe it again. */
  creditInvoice: boolean;
}

/**
 * Refunds all or part of a succeeded payment, never more than it has left (pending refunds
 * count). Card payments are refunded at the provider with the refund's own key; money handed
 * back at the desk is recorded as given.
 */
export async function refundPayment(db: Executor, ctx: StaffContext, paymentId: string, input: RefundInput): Promise<{ refundId: string; status: 'pending' | 'succeeded' | 'failed'; failureMessage: string | null }> {
  assertPermission(ctx, 'billing.manage');
  if (!isUuid(paymentId)) throw new NotFoundError('payment');
  const key = attempt(ctx, 'refund', input.attemptKey);
  let refundId: string;
  let payment: Payment;
  try {
    const started = await db.transaction(async (tx) => {
      const [p] = await tx.select().from(payments).where(and(eq(payments.tenantId, ctx.tenant.id), eq(payments.id, paymentId))).for('update');
      if (!p) throw new NotFoundError('payment');
      const [existing] = await tx.select().from(refunds).where(and(eq(refunds.tenantId, ctx.tenant.id), eq(refunds.idempotencyKey, key)));
      if (existing) return { refund: existing, payment: p, existing: true };
      if (p.status !== 'succeeded') throw new PaymentRefusedError('refund-not-paid', 'Only a payment that went through can be refunded.');
      const left = await refundableAmount(tx, ctx.tenant.id, p);
      if (input.amount <= 0 || input.amount > left) {
        throw new PaymentRefusedError('refund-too-much', left === 0
          ? 'This payment has been refunded in full.'
          : `You can refund at most ${formatMoney(left, p.currency)} of this payment.`);
      }
      const [refund] = await tx.insert(refunds).values({
        tenantId: ctx.tenant.id, paymentId, patientId: p.patientId, amount: input.amount, status: 'pending', reason: input.reason,
        creditInvoice: input.creditInvoice, idempotencyKey: key, staffId: ctx.actor.id,
      }).returning();
      await recordAudit(tx, ctx, {
        action: BillingAuditActions.refundStarted, patientId: p.patientId, target: { type: 'refund', id: refund!.id },
        details: { paymentId, amount: input.amount, credited: input.creditInvoice, method: p.method },
      });
      return { refund: refund!, payment: p, existing: false };
    });
    if (started.existing) return { refundId: started.refund.id, status: started.refund.status, failureMessage: started.refund.failureMessage };
    refundId = started.refund.id;
    payment = started.payment;
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) {
      const [again] = await db.select().from(refunds).where(and(eq(refunds.tenantId, ctx.tenant.id), eq(refunds.idempotencyKey, key)));
      if (again) return { refundId: again.id, status: again.status, failureMessage: again.failureMessage };
    }
    throw error;
  }
  if (!payment.gateway) {
    const done = await applyRefundResult(db, ctx.tenant.id, refundId, { ref: '', status: 'succeeded' }, actorOf(ctx));
    return { refundId, ...done };
  }
  const { gateway, account } = await gatewayFor(db, ctx.tenant.id, { settling: true });
  try {
    const result = await gateway.refund(account, { paymentRef: payment.gatewayPaymentRef!, amount: input.amount, idempotencyKey: key, metadata: { carebridge_refund_id: refundId } });
    return { refundId, ...(await applyRefundResult(db, ctx.tenant.id, refundId, result, actorOf(ctx))) };
  } catch (error) {
    if (error instanceof GatewayUnavailableError) return { refundId, status: 'pending', failureMessage: null };
    throw error;
  }
}

/** A patient's payments for the chart's Billing tab, newest first, with invoices and refunds. */
export async function listPatientPayments(db: Executor, ctx: StaffContext, patientId: string): Promise<(PortalPaymentView & { refundable: number; staffId: string | null })[]> {
  assertPermission(ctx, 'billing.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const rows = await db.select().from(payments)
    .where(and(eq(payments.tenantId, ctx.tenant.id), eq(payments.patientId, patientId), inArray(payments.status, ['succeeded', 'failed', 'pending', 'requires_action'])))
    .orderBy(desc(payments.createdAt)).limit(200);
  const views = await withAllocations(db, ctx.tenant.id, rows);
  const pendingRefunds = rows.length === 0 ? [] : await db.select({ paymentId: refunds.paymentId, amount: refunds.amount }).from(refunds)
    .where(and(eq(refunds.tenantId, ctx.tenant.id), inArray(refunds.paymentId, rows.map((r) => r.id)), eq(refunds.status, 'pending')));
  return views.map((v, i) => ({
    ...v,
    staffId: rows[i]!.staffId,
    refundable: v.status === 'succeeded' ? v.amount - v.refunded - pendingRefunds.filter((r) => r.paymentId === v.id).reduce((s, r) => s + r.amount, 0) : 0,
  }));
}
