import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '@/db/client';
import { cardSetups, invoices, paymentAllocations, payments, refunds, savedCards, type Order, type Payment, type PaymentGatewayKind, type PaymentStatus } from '@/db/schema';
import { recordAudit, recordAudits, type AuditActor } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { syncOrdersWithPaidInvoices, syncOrdersWithPayment } from '@/lib/commerce/order-transitions';
import { recordEvent, recordEvents } from '@/lib/engagement/events';
import { enqueueBillingNotice, enqueueBillingNotices } from '@/lib/notifications/billing-notifications';
import { BillingAuditActions } from './audit-actions';
import type { GatewayPaymentResult, GatewayRefundResult, GatewaySetupResult } from './gateway/types';
import { postLedgerEntries, refreshInvoiceStatuses } from './ledger';
import { formatMoney } from './money';
import { receiptLabel, takeBillingNumber, takeBillingNumbers } from './numbering';

/**
 * Applying what a payment provider says about a payment, a refund or a card setup: from the
 * request that made it, from the bank's check coming back, from a webhook, or from the
 * reconciliation job. Each may arrive twice, late or out of order, so each is applied under the
 * row's lock and only moves forward: a payment that succeeded never becomes failed again, and the
 * ledger entries it posts are unique per (payment, invoice), so a repeat posts nothing.
 */

/** Who caused the change: the person whose request it is, or the system (webhook, job). */
export type SettleActor = { kind: 'patient' | 'staff' | 'system'; id?: string | null; label?: string | null; ip?: string | null; userAgent?: string | null };


function auditBy(tenantId: string, actor: SettleActor): { tenantId: string; actor: AuditActor; ip: string | null; userAgent: string | null } {
  return {
    tenantId, actor: actor.kind === 'system' ? { kind: 'system' } : { kind: actor.kind, id: actor.id ?? null, label: actor.label ?? null },
    ip: actor.ip ?? null, userAgent: actor.userAgent ?? null,
  };
}

export interface SettledPayment {
  id: string;
  status: PaymentStatus;
  clientSecret: string | null;
  failureMessage: string | null;
}

/**
 * Applies a gateway result to one payment (locked). Only success is final: a failed or canceled
 * payment may still succeed later (a webhook arriving last, a bank check finished on a stale
 * page), and money that moved is always recorded.
 */
export async function applyPaymentResult(db: Executor, tenantId: string, paymentId: string, result: GatewayPaymentResult, actor: SettleActor): Promise<SettledPayment> {
  return db.transaction(async (tx) => {
    const [payment] = await tx.select().from(payments).where(and(eq(payments.tenantId, tenantId), eq(payments.id, paymentId))).for('update');
    if (!payment) throw new Error('settle: payment not found');
    const settled = (status: PaymentStatus, failureMessage: string | null = payment.failureMessage): SettledPayment => ({
      id: payment.id, status, clientSecret: status === 'requires_action' ? result.clientSecret ?? null : null, failureMessage,
    });
    if (payment.status === 'succeeded') return settled('succeeded');
    const card = result.card ? { cardBrand: result.card.brand, cardLast4: result.card.last4 } : {};
    const base = { gatewayPaymentRef: payment.gatewayPaymentRef ?? (result.ref || null), ...card, updatedAt: now() };

    if (result.status === 'succeeded') {
      // The invoices it pays first, locked in id order as startPayment locks them: two payments of
      // one invoice settle one after the other, each seeing the other's ledger entry when it sets
      // the invoice's status. The clinic's receipt number comes after the ledger, the invoices and
      // the orders, so its counter (shared by every payment of the clinic) is held from here to the
      // commit only, instead of for the whole settlement (docs/performance.md, checkout).
      const allocations = await lockedAllocations(tx, tenantId, paymentId);
      await postLedgerEntries(tx, allocations.map((a) => ({
        tenantId, patientId: payment.patientId, kind: 'payment' as const, amount: -a.amount, currency: payment.currency,
        invoiceId: a.invoiceId, paymentId, actorKind: actor.kind, actorId: actor.id ?? null,
      })));
      const statuses = await refreshInvoiceStatuses(tx, tenantId, allocations.map((a) => a.invoiceId));
      const paidIds = statuses.filter((c) => c.after === 'paid').map((c) => c.id);
      // Independent writes go out together (one round trip; the database runs them in order).
      await Promise.all([
        ...paidIds.map((invoiceId) => recordEvent(tx, tenantId, {
          name: 'invoice.paid', patientId: payment.patientId, subject: { invoiceId }, actor: { kind: actor.kind, id: actor.id ?? null },
        })),
        // Orders paid by these invoices move on (lib/commerce); a part-paid invoice moves none.
        syncOrdersWithPayment(tx, tenantId, paidIds, 'paid', actor),
      ]);
      const receiptNumber = await takeBillingNumber(tx, tenantId, 'receipt');
      await Promise.all([
        tx.update(payments)
          .set({ ...base, status: 'succeeded', succeededAt: now(), receiptNumber, failureCode: null, failureMessage: null })
          .where(and(eq(payments.tenantId, tenantId), eq(payments.id, paymentId))),
        recordAudit(tx, {
          ...auditBy(tenantId, actor),
          action: BillingAuditActions.paymentSucceeded, patientId: payment.patientId, target: { type: 'payment', id: paymentId },
          details: { amount: payment.amount, currency: payment.currency, method: payment.method, receiptNumber, after: payment.status },
        }),
        enqueueBillingNotice(tx, {
          tenantId, patientId: payment.patientId, kind: 'receipt', event: `billing:receipt:${paymentId}`,
          amount: formatMoney(payment.amount, payment.currency), reference: receiptLabel(receiptNumber),
        }),
      ]);
      return settled('succeeded', null);
    }
    if (result.status === 'failed') {
      if (payment.status === 'failed' || payment.status === 'canceled') return settled(payment.status);
      const failureMessage = result.failure?.message ?? 'The payment did not go through. Try another card.';
      await tx.update(payments)
        .set({ ...base, status: 'failed', failureCode: result.failure?.code ?? 'failed', failureMessage })
        .where(and(eq(payments.tenantId, tenantId), eq(payments.id, paymentId)));
      await recordAudit(tx, {
        ...auditBy(tenantId, actor),
        action: BillingAuditActions.paymentFailed, patientId: payment.patientId, target: { type: 'payment', id: paymentId },
        details: { amount: payment.amount, method: payment.method, code: result.failure?.code ?? 'failed' },
      });
      const allocations = await tx.select({ invoiceId: paymentAllocations.invoiceId }).from(paymentAllocations)
        .where(and(eq(paymentAllocations.tenantId, tenantId), eq(paymentAllocations.paymentId, paymentId)));
      await syncOrdersWithPayment(tx, tenantId, allocations.map((a) => a.invoiceId), 'failed', actor);
      return settled('failed', failureMessage);
    }
    // requires_action or processing: the payment still holds its invoices' amounts.
    if (payment.status === 'failed' || payment.status === 'canceled') return settled(payment.status);
    const status: PaymentStatus = result.status === 'requires_action' ? 'requires_action' : 'pending';
    await tx.update(payments).set({ ...base, status }).where(and(eq(payments.tenantId, tenantId), eq(payments.id, paymentId)));
    return settled(status);
  });
}

/**
 * applyPaymentResult's success for many payments of one clinic (the renewal job's pass), in the
 * caller's transaction and in a fixed number of statements: the same ledger entries, invoice
 * statuses, events, order moves, receipt numbers (the counter taken once, after everything else,
 * numbered in payment id order), audit entries and receipts. Locks as applyPaymentResult does:
 * the payments, then their invoices in id order, then the orders, then the counter. A payment
 * that has succeeded already is left alone (not in `settled`).
 */
export async function applySucceededPayments(
  tx: Transaction, tenantId: string, results: readonly { paymentId: string; result: GatewayPaymentResult }[], actor: SettleActor,
): Promise<{ settled: Payment[]; orders: Order[] }> {
  if (results.length === 0) return { settled: [], orders: [] };
  const resultOf = new Map(results.map((r) => [r.paymentId, r.result]));
  const locked = await tx.select().from(payments)
    .where(and(eq(payments.tenantId, tenantId), inArray(payments.id, [...resultOf.keys()])))
    .orderBy(asc(payments.id))
    .for('update');
  const todo = locked.filter((p) => p.status !== 'succeeded');
  if (todo.length === 0) return { settled: [], orders: [] };
  const allocations = await tx.select({ paymentId: paymentAllocations.paymentId, invoiceId: paymentAllocations.invoiceId, amount: paymentAllocations.amount })
    .from(paymentAllocations)
    .innerJoin(invoices, and(eq(invoices.tenantId, paymentAllocations.tenantId), eq(invoices.id, paymentAllocations.invoiceId)))
    .where(and(eq(paymentAllocations.tenantId, tenantId), inArray(paymentAllocations.paymentId, todo.map((p) => p.id))))
    .orderBy(asc(invoices.id))
    .for('update', { of: invoices });
  const paymentOf = new Map(todo.map((p) => [p.id, p]));
  await postLedgerEntries(tx, allocations.map((a) => ({
    tenantId, patientId: paymentOf.get(a.paymentId)!.patientId, kind: 'payment' as const, amount: -a.amount, currency: paymentOf.get(a.paymentId)!.currency,
    invoiceId: a.invoiceId, paymentId: a.paymentId, actorKind: actor.kind, actorId: actor.id ?? null,
  })));
  const statuses = await refreshInvoiceStatuses(tx, tenantId, [...new Set(allocations.map((a) => a.invoiceId))]);
  const paid = new Set(statuses.filter((c) => c.after === 'paid').map((c) => c.id));
  const paidBy = allocations.filter((a) => paid.has(a.invoiceId));
  await recordEvents(tx, paidBy.map((a) => ({
    tenantId, input: { name: 'invoice.paid' as const, patientId: paymentOf.get(a.paymentId)!.patientId, subject: { invoiceId: a.invoiceId }, actor: { kind: actor.kind, id: actor.id ?? null } },
  })));
  const orders = await syncOrdersWithPaidInvoices(tx, tenantId, [...paid], actor);
  const first = await takeBillingNumbers(tx, tenantId, 'receipt', todo.length);
  const at = now();
  const settledRows = todo.map((p, i) => {
    const result = resultOf.get(p.id)!;
    return { payment: p, receiptNumber: first + i, ref: p.gatewayPaymentRef ?? (result.ref || null), card: result.card ?? null };
  });
  const values = sql.join(settledRows.map((r) => sql`(${r.payment.id}::uuid, ${r.receiptNumber}::int, ${r.ref}::text, ${r.card?.brand ?? null}::text, ${r.card?.last4 ?? null}::text)`), sql`, `);
  await tx.update(payments)
    .set({
      gatewayPaymentRef: sql`v.ref`, cardBrand: sql`coalesce(v.brand, ${payments.cardBrand})`, cardLast4: sql`coalesce(v.last4, ${payments.cardLast4})`,
      updatedAt: at, status: 'succeeded', succeededAt: at, receiptNumber: sql`v.receipt_number`, failureCode: null, failureMessage: null,
    })
    .from(sql`(values ${values}) as v(id, receipt_number, ref, brand, last4)`)
    .where(and(eq(payments.tenantId, tenantId), sql`${payments.id} = v.id`));
  await recordAudits(tx, settledRows.map(({ payment, receiptNumber }) => ({
    ...auditBy(tenantId, actor),
    action: BillingAuditActions.paymentSucceeded, patientId: payment.patientId, target: { type: 'payment', id: payment.id },
    details: { amount: payment.amount, currency: payment.currency, method: payment.method, receiptNumber, after: payment.status },
  })));
  await enqueueBillingNotices(tx, settledRows.map(({ payment, receiptNumber }) => ({
    tenantId, patientId: payment.patientId, kind: 'receipt' as const, event: `billing:receipt:${payment.id}`,
    amount: formatMoney(payment.amount, payment.currency), reference: receiptLabel(receiptNumber),
  })));
  return { settled: settledRows.map(({ payment, receiptNumber }) => ({ ...payment, status: 'succeeded' as const, receiptNumber })), orders };
}

/**
 * A payment's allocations with the invoices they pay locked (FOR UPDATE, in id order, the order
 * every payment takes them in), in one statement.
 */
async function lockedAllocations(tx: Executor, tenantId: string, paymentId: string): Promise<{ invoiceId: string; amount: number }[]> {
  return tx.select({ invoiceId: paymentAllocations.invoiceId, amount: paymentAllocations.amount })
    .from(paymentAllocations)
    .innerJoin(invoices, and(eq(invoices.tenantId, paymentAllocations.tenantId), eq(invoices.id, paymentAllocations.invoiceId)))
    .where(and(eq(paymentAllocations.tenantId, tenantId), eq(paymentAllocations.paymentId, paymentId)))
    .orderBy(asc(invoices.id))
    .for('update', { of: invoices });
}

/**
 * A provider's word about a payment found by its reference, or by the id Carebridge put in the
 * metadata when the reference was not stored yet (the provider answered, then the process died).
 * Returns false when no payment of this clinic matches (another system's payment: ignored).
 */
export async function settlePaymentFromGateway(
  db: Executor, tenantId: string, gateway: PaymentGatewayKind, result: GatewayPaymentResult, hint: { paymentId?: string | null } = {},
): Promise<boolean> {
  const id = await findByRefOrHint(db, tenantId, gateway, result.ref, hint.paymentId);
  if (!id) return false;
  await applyPaymentResult(db, tenantId, id, result, { kind: 'system' });
  return true;
}

async function findByRefOrHint(db: Executor, tenantId: string, gateway: PaymentGatewayKind, ref: string, hintId?: string | null): Promise<string | null> {
  const [byRef] = await db.select({ id: payments.id }).from(payments)
    .where(and(eq(payments.tenantId, tenantId), eq(payments.gateway, gateway), eq(payments.gatewayPaymentRef, ref)));
  if (byRef) return byRef.id;
  if (!hintId || !/^[0-9a-f-]{36}$/i.test(hintId)) return null;
  const [byHint] = await db.select({ id: payments.id, ref: payments.gatewayPaymentRef }).from(payments)
    .where(and(eq(payments.tenantId, tenantId), eq(payments.gateway, gateway), eq(payments.id, hintId)));
  // A payment already tied to another reference is not this one.
  return byHint && (byHint.ref === null || byHint.ref === ref) ? byHint.id : null;
}

/**
 * Applies a refund's outcome (locked). A refund that succeeded posts a 'refund' entry per invoice
 * the payment paid and, when the refund credits the invoice, an
 * 'adjustment' of the same amount; both are unique per refund, invoice and kind.
 */
export async function applyRefundResult(db: Executor, tenantId: string, refundId: string, result: GatewayRefundResult, actor: SettleActor): Promise<{ status: 'pending' | 'succeeded' | 'failed'; failureMessage: string | null }> {
  return db.transaction(async (tx) => {
    const [refund] = await tx.select().from(refunds).where(and(eq(refunds.tenantId, tenantId), eq(refunds.id, refundId))).for('update');
    if (!refund) throw new Error('settle: refund not found');
    if (refund.status !== 'pending') return { status: refund.status, failureMessage: refund.failureMessage };
    if (result.status === 'pending') {
      if (!refund.gatewayRefundRef && result.ref) await tx.update(refunds).set({ gatewayRefundRef: result.ref }).where(and(eq(refunds.tenantId, tenantId), eq(refunds.id, refundId)));
      return { status: 'pending' as const, failureMessage: null };
    }
    const [payment] = await tx.select().from(payments).where(and(eq(payments.tenantId, tenantId), eq(payments.id, refund.paymentId)));
    if (result.status === 'failed') {
      const failureMessage = result.failure?.message ?? 'The refund did not go through.';
      await tx.update(refunds).set({ status: 'failed', failureMessage, gatewayRefundRef: refund.gatewayRefundRef ?? (result.ref || null), completedAt: now() })
        .where(and(eq(refunds.tenantId, tenantId), eq(refunds.id, refundId)));
      await recordAudit(tx, {
        ...auditBy(tenantId, actor),
        action: BillingAuditActions.refundFailed, patientId: refund.patientId, target: { type: 'refund', id: refundId },
        details: { amount: refund.amount, paymentId: refund.paymentId, code: result.failure?.code ?? 'failed' },
      });
      return { status: 'failed' as const, failureMessage };
    }
    await tx.update(refunds).set({ status: 'succeeded', gatewayRefundRef: refund.gatewayRefundRef ?? (result.ref || null), completedAt: now() })
      .where(and(eq(refunds.tenantId, tenantId), eq(refunds.id, refundId)));
    const allocations = await tx.select().from(paymentAllocations)
      .where(and(eq(paymentAllocations.tenantId, tenantId), eq(paymentAllocations.paymentId, refund.paymentId)));
    const split = await splitRefund(tx, tenantId, refund.paymentId, refund.id, refund.amount, allocations);
    const entries = split.flatMap(({ invoiceId, amount }) => [
      { tenantId, patientId: refund.patientId, kind: 'refund' as const, amount, currency: payment!.currency, invoiceId, paymentId: refund.paymentId, refundId, actorKind: actor.kind, actorId: actor.id ?? null },
      ...(refund.creditInvoice
        ? [{ tenantId, patientId: refund.patientId, kind: 'adjustment' as const, amount: -amount, currency: payment!.currency, invoiceId, refundId, memo: 'Refund credit', actorKind: actor.kind, actorId: actor.id ?? null }]
        : []),
    ]);
    await postLedgerEntries(tx, entries);
    await refreshInvoiceStatuses(tx, tenantId, split.map((s) => s.invoiceId));
    await recordAudit(tx, {
      ...auditBy(tenantId, actor),
      action: BillingAuditActions.refundSucceeded, patientId: refund.patientId, target: { type: 'refund', id: refundId },
      details: { amount: refund.amount, paymentId: refund.paymentId, credited: refund.creditInvoice },
    });
    await enqueueBillingNotice(tx, {
      tenantId, patientId: refund.patientId, kind: 'refund', event: `billing:refund:${refundId}`,
      amount: formatMoney(refund.amount, payment!.currency), reference: receiptLabel(payment!.receiptNumber),
    });
    return { status: 'succeeded' as const, failureMessage: null };
  });
}

/**
 * Which invoices a refund gives money back on: each invoice of the payment in a fixed order, up to
 * what the payment paid it less what earlier refunds of the payment already gave back on it.
 */
async function splitRefund(
  tx: Executor, tenantId: string, paymentId: string, refundId: string, amount: number,
  allocations: { invoiceId: string; amount: number }[],
): Promise<{ invoiceId: string; amount: number }[]> {
  const earlier = await tx.select({ id: refunds.id, amount: refunds.amount }).from(refunds)
    .where(and(eq(refunds.tenantId, tenantId), eq(refunds.paymentId, paymentId), eq(refunds.status, 'succeeded')));
  // Earlier refunds came off the allocations in the same order: replay them, then take ours.
  const remaining = [...allocations].sort((a, b) => b.invoiceId.localeCompare(a.invoiceId)).map((a) => ({ ...a }));
  let replay = earlier.filter((r) => r.id !== refundId).reduce((s, r) => s + r.amount, 0);
  for (const a of remaining) {
    const take = Math.min(a.amount, replay);
    a.amount -= take;
    replay -= take;
  }
  const out: { invoiceId: string; amount: number }[] = [];
  let left = amount;
  for (const a of remaining) {
    if (left <= 0) break;
    const take = Math.min(left, a.amount);
    if (take > 0) out.push({ invoiceId: a.invoiceId, amount: take });
    left -= take;
  }
  if (left > 0) throw new Error('settle: refund is more than the payment has left');
  return out;
}

export async function settleRefundFromGateway(
  db: Executor, tenantId: string, gateway: PaymentGatewayKind, result: GatewayRefundResult, hint: { refundId?: string | null } = {},
): Promise<boolean> {
  const [byRef] = await db.select({ id: refunds.id }).from(refunds).where(and(eq(refunds.tenantId, tenantId), eq(refunds.gatewayRefundRef, result.ref)));
  let id = byRef?.id ?? null;
  if (!id && hint.refundId && /^[0-9a-f-]{36}$/i.test(hint.refundId)) {
    const [byHint] = await db.select({ id: refunds.id, ref: refunds.gatewayRefundRef }).from(refunds)
      .innerJoin(payments, and(eq(payments.tenantId, refunds.tenantId), eq(payments.id, refunds.paymentId)))
      .where(and(eq(refunds.tenantId, tenantId), eq(refunds.id, hint.refundId), eq(payments.gateway, gateway)));
    id = byHint && (byHint.ref === null || byHint.ref === result.ref) ? byHint.id : null;
  }
  if (!id) return false;
  await applyRefundResult(db, tenantId, id, result, { kind: 'system' });
  return true;
}

/**
 * Applies a card setup's outcome: on success the card is saved for the patient (once per
 * provider payment method) and becomes the default when the patient has none.
 */
export async function applySetupResult(db: Executor, tenantId: string, setupId: string, result: GatewaySetupResult, actor: SettleActor): Promise<{ status: 'pending' | 'requires_action' | 'succeeded' | 'failed'; savedCardId: string | null; clientSecret: string | null; failureMessage: string | null }> {
  return db.transaction(async (tx) => {
    const [setup] = await tx.select().from(cardSetups).where(and(eq(cardSetups.tenantId, tenantId), eq(cardSetups.id, setupId))).for('update');
    if (!setup) throw new Error('settle: card setup not found');
    if (setup.status === 'succeeded' || setup.status === 'failed') {
      return { status: setup.status, savedCardId: setup.savedCardId, clientSecret: null, failureMessage: setup.failureMessage };
    }
    const where = and(eq(cardSetups.tenantId, tenantId), eq(cardSetups.id, setupId));
    if (result.status === 'requires_action') {
      await tx.update(cardSetups).set({ status: 'requires_action', setupRef: setup.setupRef ?? (result.ref || null), updatedAt: now() }).where(where);
      return { status: 'requires_action' as const, savedCardId: null, clientSecret: result.clientSecret ?? null, failureMessage: null };
    }
    if (result.status === 'failed' || !result.paymentMethodRef || !result.card) {
      const failureMessage = result.failure?.message ?? 'The card could not be saved. Try another card.';
      await tx.update(cardSetups).set({ status: 'failed', setupRef: setup.setupRef ?? (result.ref || null), failureMessage, updatedAt: now() }).where(where);
      return { status: 'failed' as const, savedCardId: null, clientSecret: null, failureMessage };
    }
    const [hasDefault] = await tx.select({ id: savedCards.id }).from(savedCards)
      .where(and(eq(savedCards.tenantId, tenantId), eq(savedCards.patientId, setup.patientId), eq(savedCards.isDefault, true)))
      .for('update');
    const [card] = await tx.insert(savedCards).values({
      tenantId, patientId: setup.patientId, gateway: setup.gateway, paymentMethodRef: result.paymentMethodRef,
      brand: result.card.brand, last4: result.card.last4, expMonth: result.card.expMonth, expYear: result.card.expYear,
      isDefault: !hasDefault, addedByAccountId: setup.accountId,
    }).onConflictDoNothing().returning({ id: savedCards.id });
    const savedCardId = card?.id ?? (await tx.select({ id: savedCards.id }).from(savedCards)
      .where(and(eq(savedCards.tenantId, tenantId), eq(savedCards.gateway, setup.gateway), eq(savedCards.paymentMethodRef, result.paymentMethodRef))))[0]!.id;
    await tx.update(cardSetups).set({ status: 'succeeded', setupRef: setup.setupRef ?? (result.ref || null), savedCardId, updatedAt: now() }).where(where);
    await recordAudit(tx, {
      ...auditBy(tenantId, actor),
      action: BillingAuditActions.cardSaved, patientId: setup.patientId, target: { type: 'saved_card', id: savedCardId },
      details: { brand: result.card.brand, last4: result.card.last4, setupId },
    });
    return { status: 'succeeded' as const, savedCardId, clientSecret: null, failureMessage: null };
  });
}

export async function settleSetupFromGateway(
  db: Executor, tenantId: string, gateway: PaymentGatewayKind, result: GatewaySetupResult, hint: { setupId?: string | null } = {},
): Promise<boolean> {
  const [byRef] = await db.select({ id: cardSetups.id }).from(cardSetups)
    .where(and(eq(cardSetups.tenantId, tenantId), eq(cardSetups.gateway, gateway), eq(cardSetups.setupRef, result.ref)));
  let id = byRef?.id ?? null;
  if (!id && hint.setupId && /^[0-9a-f-]{36}$/i.test(hint.setupId)) {
    const [byHint] = await db.select({ id: cardSetups.id, ref: cardSetups.setupRef }).from(cardSetups)
      .where(and(eq(cardSetups.tenantId, tenantId), eq(cardSetups.gateway, gateway), eq(cardSetups.id, hint.setupId)));
    id = byHint && (byHint.ref === null || byHint.ref === result.ref) ? byHint.id : null;
  }
  if (!id) return false;
  await applySetupResult(db, tenantId, id, result, { kind: 'system' });
  return true;
}
