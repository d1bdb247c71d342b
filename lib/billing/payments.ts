import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { invoices, paymentAllocations, payments, refunds, type ChargePurpose, type Payment, type PaymentGatewayKind, type PaymentMethod } from '@/db/schema';
import { NotFoundError, RuleError, postgresErrorCode, PG } from '@/lib/kernel/errors';
import { recordAudit, recordAudits, type AuditContext } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { BillingAuditActions } from './audit-actions';
import { GatewayUnavailableError, type GatewayAccount, type PaymentGateway, type PaymentSource } from './gateway/types';
import { sumsAndHeld } from './ledger';
import { formatMoney } from './money';
import { applyPaymentResult, type SettleActor, type SettledPayment } from './settle';

/**
 * Taking a payment, the part every way of paying shares. A payment is first written as `pending`
 * with its idempotency key and its allocations, under the invoices' locks, and only then is the
 * provider called with that key. So:
 * - a double click or a retried request (same key) finds the payment already there and answers
 *   with its state instead of charging again;
 * - a second tab (another key) finds the invoices' amounts held by the first payment and is told
 *   so — two payments can never both pay the same amount due;
 * - a crash after the provider answered leaves a pending payment that the reconciliation job
 *   repeats with the same key (the provider answers with the first result).
 */

export class PaymentRefusedError extends RuleError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'PaymentRefusedError';
  }
}

export interface StartPaymentInput {
  patientId: string;
  /** The invoices to pay, each in full unless `amount` is less (then oldest first). */
  invoiceIds: readonly string[];
  /** What the person saw and agreed to pay: refused if the amount due changed since. */
  amount: number;
  method: PaymentMethod;
  purpose?: ChargePurpose;
  gateway: PaymentGatewayKind | null;
  idempotencyKey: string;
  /** Only for desk payments: allow paying less than the invoices' total (a partial payment). */
  allowPartial?: boolean;
  accountId?: string | null;
  staffId?: string | null;
  savedCardId?: string | null;
  sourceRef?: string | null;
  locationId?: string | null;
  reference?: string | null;
}

export type StartedPayment = { payment: Payment; existing: boolean };

/** A payment the system starts on its own (a subscription renewal): audited as the system, under this label. */
export type SystemAudit = { system: string };

/**
 * Writes the pending payment and its allocations, or returns the payment already made with this
 * key. Refuses in words when an invoice is not payable, another payment holds it, or the amount
 * due is not what the person was shown.
 */
export async function startPayment(db: Executor, tenantId: string, input: StartPaymentInput, audit: AuditContext | SystemAudit): Promise<StartedPayment> {
  const ids = [...new Set(input.invoiceIds)];
  if (ids.length === 0 || ids.some((id) => !isUuid(id))) throw new NotFoundError('invoice');
  try {
    return await db.transaction(async (tx) => {
      // Locks in a fixed order: two payments of overlapping invoices wait for each other instead
      // of deadlocking, and the second sees what the first holds.
      const locked = await tx
        .select({ id: invoices.id, status: invoices.status, currency: invoices.currency, dueDate: invoices.dueDate, number: invoices.number })
        .from(invoices)
        .where(and(eq(invoices.tenantId, tenantId), eq(invoices.patientId, input.patientId), inArray(invoices.id, ids)))
        .orderBy(asc(invoices.id))
        .for('update');
      const existing = await findByKey(tx, tenantId, input.idempotencyKey);
      if (existing) {
        if (existing.patientId !== input.patientId) throw new NotFoundError('payment');
        return { payment: existing, existing: true };
      }
      if (locked.length !== ids.length) throw new NotFoundError('invoice');
      const closed = locked.find((i) => i.status !== 'open' && i.status !== 'partially_paid');
      if (closed) {
        throw new PaymentRefusedError(closed.status === 'paid' ? 'invoice-paid' : 'invoice-closed',
          closed.status === 'paid' ? 'This invoice has already been paid.' : 'This invoice can no longer be paid.');
      }
      const currency = locked[0]!.currency;
      const { sums, held } = await sumsAndHeld(tx, tenantId, ids);
      // Oldest first: the order in which a partial payment is spread.
      const payable = [...locked]
        .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
        .map((i) => ({ id: i.id, due: Math.max(0, sums.get(i.id)!.due - (held.get(i.id) ?? 0)), heldBy: held.get(i.id) ?? 0 }));
      const total = payable.reduce((s, p) => s + p.due, 0);
      if (total === 0) {
        throw payable.some((p) => p.heldBy > 0)
          ? new PaymentRefusedError('payment-in-progress', 'A payment of this invoice is already in progress. Wait a moment and reload the page.')
          : new PaymentRefusedError('invoice-paid', 'This invoice has already been paid.');
      }
      if (input.amount <= 0 || input.amount > total || (!input.allowPartial && input.amount !== total)) {
        throw new PaymentRefusedError('amount-changed', input.amount > total
          ? `The amount due is ${formatMoney(total, currency)}, less than ${formatMoney(input.amount, currency)}. Reload the page to see what is due now.`
          : `The amount due is now ${formatMoney(total, currency)}. Reload the page and check it before paying.`);
      }
      let left = input.amount;
      const allocations: { invoiceId: string; amount: number }[] = [];
      for (const p of payable) {
        const take = Math.min(left, p.due);
        if (take > 0) allocations.push({ invoiceId: p.id, amount: take });
        left -= take;
      }
      const [payment] = await tx.insert(payments).values({
        tenantId, patientId: input.patientId, method: input.method, purpose: input.purpose ?? 'invoices', status: 'pending',
        amount: input.amount, currency, idempotencyKey: input.idempotencyKey, gateway: input.gateway,
        gatewaySourceRef: input.sourceRef ?? null, savedCardId: input.savedCardId ?? null,
        accountId: input.accountId ?? null, staffId: input.staffId ?? null, locationId: input.locationId ?? null,
        reference: input.reference ?? null,
      }).returning();
      await tx.insert(paymentAllocations).values(allocations.map((a) => ({ tenantId, paymentId: payment!.id, ...a })));
      const entry = {
        action: BillingAuditActions.paymentStarted, patientId: input.patientId, target: { type: 'payment', id: payment!.id },
        details: { amount: input.amount, currency, method: input.method, purpose: input.purpose ?? 'invoices', invoices: allocations.map((a) => a.invoiceId) },
      };
      await ('system' in audit ? recordAudit(tx, { tenantId, actor: { kind: 'system', label: audit.system }, ...entry }) : recordAudit(tx, audit, entry));
      return { payment: payment!, existing: false };
    });
  } catch (error) {
    // Two requests with one key racing past the lookup: the loser answers with the winner's payment.
    if (postgresErrorCode(error) === PG.uniqueViolation) {
      const again = await findByKey(db, tenantId, input.idempotencyKey);
      if (again && again.patientId === input.patientId) return { payment: again, existing: true };
    }
    throw error;
  }
}

/** One pending payment of an invoice made in the same transaction (startFreshPayments). */
export interface FreshPaymentInput {
  patientId: string;
  invoiceId: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  purpose: ChargePurpose;
  gateway: PaymentGatewayKind;
  idempotencyKey: string;
  savedCardId: string | null;
  sourceRef: string | null;
}

/**
 * startPayment for invoices the caller's transaction has just made (the renewal job's pass): no
 * other transaction can see them yet, so nothing else holds or has paid them and each payment is
 * the invoice's whole amount. The same rows and audit entries as startPayment, in three statements;
 * returned in the order given.
 */
export async function startFreshPayments(tx: Executor, tenantId: string, inputs: readonly FreshPaymentInput[], audit: SystemAudit): Promise<Payment[]> {
  if (inputs.length === 0) return [];
  const rows = await tx.insert(payments).values(inputs.map((input) => ({
    tenantId, patientId: input.patientId, method: input.method, purpose: input.purpose, status: 'pending' as const,
    amount: input.amount, currency: input.currency, idempotencyKey: input.idempotencyKey, gateway: input.gateway,
    gatewaySourceRef: input.sourceRef, savedCardId: input.savedCardId, accountId: null, staffId: null, locationId: null, reference: null,
  }))).returning();
  const byKey = new Map(rows.map((p) => [p.idempotencyKey, p]));
  const made = inputs.map((input) => ({ input, payment: byKey.get(input.idempotencyKey)! }));
  await tx.insert(paymentAllocations).values(made.map(({ input, payment }) => ({ tenantId, paymentId: payment.id, invoiceId: input.invoiceId, amount: input.amount })));
  await recordAudits(tx, made.map(({ input, payment }) => ({
    tenantId, actor: { kind: 'system' as const, label: audit.system },
    action: BillingAuditActions.paymentStarted, patientId: input.patientId, target: { type: 'payment', id: payment.id },
    details: { amount: input.amount, currency: input.currency, method: input.method, purpose: input.purpose, invoices: [input.invoiceId] },
  })));
  return made.map((m) => m.payment);
}

async function findByKey(db: Executor, tenantId: string, key: string): Promise<Payment | null> {
  const [row] = await db.select().from(payments).where(and(eq(payments.tenantId, tenantId), eq(payments.idempotencyKey, key)));
  return row ?? null;
}

/** The state of a payment as the page that started it shows it. */
export function settledOf(payment: Payment, clientSecret: string | null = null): SettledPayment {
  return { id: payment.id, status: payment.status, clientSecret, failureMessage: payment.failureMessage };
}

/**
 * Calls the provider for a pending payment (always with its own idempotency key) and applies the
 * answer. When the provider cannot be reached the payment stays pending, holding its invoices,
 * and the reconciliation job asks again.
 */
export async function chargeAtGateway(
  db: Executor, tenantId: string, payment: Payment, gateway: PaymentGateway, account: GatewayAccount, source: PaymentSource, actor: SettleActor, returnUrl?: string,
): Promise<SettledPayment> {
  try {
    const result = await gateway.createPayment(account, {
      amount: payment.amount, currency: payment.currency, idempotencyKey: payment.idempotencyKey, source,
      metadata: { carebridge_payment_id: payment.id }, returnUrl,
    });
    return await applyPaymentResult(db, tenantId, payment.id, result, actor);
  } catch (error) {
    if (error instanceof GatewayUnavailableError) return settledOf(payment);
    throw error;
  }
}

/** How much of a succeeded payment may still be refunded (pending refunds count as given). */
export async function refundableAmount(db: Executor, tenantId: string, payment: Pick<Payment, 'id' | 'amount' | 'status'>): Promise<number> {
  if (payment.status !== 'succeeded') return 0;
  const [row] = await db
    .select({ refunded: sql<number>`coalesce(sum(${refunds.amount}), 0)::int` })
    .from(refunds)
    .where(and(eq(refunds.tenantId, tenantId), eq(refunds.paymentId, payment.id), inArray(refunds.status, ['pending', 'succeeded'])));
  return payment.amount - (row?.refunded ?? 0);
}
