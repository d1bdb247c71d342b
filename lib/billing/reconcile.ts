import 'server-only';
import { and, asc, eq, inArray, isNotNull, lt, or } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { gatewayCustomers, payments, refunds, savedCards, type Payment } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now } from '@/lib/clock';
import { errorSummary } from '@/lib/kernel/errors';
import { BillingAuditActions } from './audit-actions';
import { gatewayFor } from './gateway';
import { GatewayUnavailableError, type GatewayAccount, type PaymentGateway, type PaymentSource } from './gateway/types';
import { applyPaymentResult, applyRefundResult } from './settle';

/**
 * The reconciliation job: payments and refunds the provider has not settled for us yet, because
 * the process died between writing the row and hearing back, the provider was unreachable, or a
 * webhook was lost. Each is claimed with SKIP LOCKED and a lease (updated_at moved forward) so two
 * runners never ask about the same one at once; the provider is then asked outside any lock:
 * - with a reference: retrieve it and apply what it says;
 * - without one: repeat the very same create call under the same idempotency key (the provider
 *   answers with the first call's result, or makes it now if the first never arrived);
 * - a payment left waiting on the bank's check for a day is canceled: its invoices can be paid again;
 * - one not heard of within a day (the provider forgets idempotency keys after 24 hours) is looked
 *   up by its id in the provider's metadata: recorded if the provider made it, canceled if not.
 */

const SETTLE_AFTER_SECONDS = 120;
const LEASE_SECONDS = 300;
const GIVE_UP_SECONDS = 24 * 3600;

export async function reconcilePayments(db: Database, at: Date = now(), limit = 20): Promise<{ paymentsReconciled: number; refundsReconciled: number }> {
  const claimed = await db.transaction(async (tx) => {
    const rows = await tx.select().from(payments)
      .where(and(
        inArray(payments.status, ['pending', 'requires_action']),
        isNotNull(payments.gateway),
        lt(payments.updatedAt, addSeconds(at, -SETTLE_AFTER_SECONDS)),
      ))
      .orderBy(asc(payments.updatedAt))
      .limit(limit)
      .for('update', { skipLocked: true });
    for (const p of rows) {
      await tx.update(payments).set({ updatedAt: addSeconds(at, LEASE_SECONDS - SETTLE_AFTER_SECONDS) })
        .where(and(eq(payments.tenantId, p.tenantId), eq(payments.id, p.id)));
    }
    return rows;
  });
  let paymentsReconciled = 0;
  for (const p of claimed) {
    try {
      if (await reconcileOne(db, p, at)) paymentsReconciled++;
    } catch (error) {
      console.warn(`billing reconcile: payment ${p.id} ${errorSummary(error)}`);
    }
  }
  return { paymentsReconciled, refundsReconciled: await reconcileRefunds(db, at, limit) };
}

async function reconcileOne(db: Database, p: Payment, at: Date): Promise<boolean> {
  const old = p.createdAt.getTime() < addSeconds(at, -GIVE_UP_SECONDS).getTime();
  const { gateway, account, kind } = await gatewayFor(db, p.tenantId, { settling: true });
  if (kind !== p.gateway) return false;
  try {
    if (p.gatewayPaymentRef) {
      const result = await gateway.retrievePayment(account, p.gatewayPaymentRef);
      if (result.status === 'requires_action' && old) return cancel(db, p, 'The bank check was not completed.');
      await applyPaymentResult(db, p.tenantId, p.id, result, { kind: 'system' });
      return true;
    }
    if (old || !p.gatewaySourceRef) return settleUnheard(db, p, gateway, account);
    const source = await sourceOf(db, p);
    if (!source) return settleUnheard(db, p, gateway, account);
    const result = await gateway.createPayment(account, {
      amount: p.amount, currency: p.currency, idempotencyKey: p.idempotencyKey, source, metadata: { carebridge_payment_id: p.id },
    });
    await applyPaymentResult(db, p.tenantId, p.id, result, { kind: 'system' });
    return true;
  } catch (error) {
    if (error instanceof GatewayUnavailableError) return false;
    throw error;
  }
}

/**
 * A payment whose create call cannot be repeated (its key too old for the provider, or its card
 * gone): the provider may still have charged it, its answer lost. Asked by the payment's own id
 * (the metadata every create call carries), a payment it made is recorded as it stands; only one
 * it never made is canceled, so its invoices can be paid again without charging twice.
 */
async function settleUnheard(db: Database, p: Payment, gateway: PaymentGateway, account: GatewayAccount): Promise<boolean> {
  const made = await gateway.findPayment(account, p.id);
  if (!made) return cancel(db, p, 'The payment could not be completed.');
  if (made.status === 'requires_action') return cancel(db, p, 'The bank check was not completed.');
  await applyPaymentResult(db, p.tenantId, p.id, made, { kind: 'system' });
  return true;
}

async function sourceOf(db: Database, p: Payment): Promise<PaymentSource | null> {
  if (p.method !== 'card_on_file') return { kind: 'token', token: p.gatewaySourceRef! };
  const [row] = await db.select({ customerRef: gatewayCustomers.customerRef, paymentMethodRef: savedCards.paymentMethodRef })
    .from(savedCards)
    .innerJoin(gatewayCustomers, and(eq(gatewayCustomers.tenantId, savedCards.tenantId), eq(gatewayCustomers.patientId, savedCards.patientId), eq(gatewayCustomers.gateway, savedCards.gateway)))
    .where(and(eq(savedCards.tenantId, p.tenantId), eq(savedCards.id, p.savedCardId!)));
  return row ? { kind: 'saved', customerRef: row.customerRef, paymentMethodRef: row.paymentMethodRef } : null;
}

async function cancel(db: Database, p: Payment, failureMessage: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const done = await tx.update(payments).set({ status: 'canceled', failureMessage, updatedAt: now() })
      .where(and(eq(payments.tenantId, p.tenantId), eq(payments.id, p.id), inArray(payments.status, ['pending', 'requires_action'])))
      .returning({ id: payments.id });
    if (done.length === 0) return false;
    await recordAudit(tx, {
      tenantId: p.tenantId, actor: { kind: 'system' }, action: BillingAuditActions.paymentFailed, patientId: p.patientId,
      target: { type: 'payment', id: p.id }, details: { amount: p.amount, method: p.method, code: 'canceled_unsettled' },
    });
    return true;
  });
}

/** Pending refunds at the provider: asked again (same key) until they succeed or fail. */
async function reconcileRefunds(db: Database, at: Date, limit: number): Promise<number> {
  const rows = await db.select({ refund: refunds, payment: payments }).from(refunds)
    .innerJoin(payments, and(eq(payments.tenantId, refunds.tenantId), eq(payments.id, refunds.paymentId)))
    .where(and(eq(refunds.status, 'pending'), lt(refunds.createdAt, addSeconds(at, -SETTLE_AFTER_SECONDS)), or(isNotNull(payments.gateway))))
    .orderBy(asc(refunds.createdAt))
    .limit(limit);
  let done = 0;
  for (const { refund, payment } of rows) {
    try {
      const { gateway, account, kind } = await gatewayFor(db, refund.tenantId, { settling: true });
      if (kind !== payment.gateway || !payment.gatewayPaymentRef) continue;
      const result = await gateway.refund(account, { paymentRef: payment.gatewayPaymentRef, amount: refund.amount, idempotencyKey: refund.idempotencyKey, metadata: { carebridge_refund_id: refund.id } });
      const applied = await applyRefundResult(db, refund.tenantId, refund.id, result, { kind: 'system' });
      if (applied.status !== 'pending') done++;
    } catch (error) {
      if (!(error instanceof GatewayUnavailableError)) console.warn(`billing reconcile: refund ${refund.id} ${errorSummary(error)}`);
    }
  }
  return done;
}
