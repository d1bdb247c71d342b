import 'server-only';
import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { cardAuthorizations, gatewayCustomers, invoices, savedCards, type ChargePurpose, type Payment, type PaymentGatewayKind } from '@/db/schema';
import { recordAudit, type AuditContext } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { BillingAuditActions } from './audit-actions';
import { chargeRefusal } from './charge-rules';
import type { ClinicGateway } from './gateway';
import type { PaymentSource } from './gateway/types';
import { invoiceChangeRefusal } from './invoice-status';
import { heldByUnsettledPayments, invoiceSums, postLedgerEntries } from './ledger';
import { PaymentRefusedError, chargeAtGateway, startPayment, type StartedPayment, type SystemAudit } from './payments';
import type { SettleActor, SettledPayment } from './settle';

/**
 * Charging a saved card without the patient there ("off-session"): the desk's charge of a card on
 * file (desk.ts) and the subscription renewals (lib/commerce/renewals.ts) both go through here.
 * A card may be charged only under the patient's active authorisation covering the purpose and
 * the amount (charge-rules.ts). As every payment, the pending row with its idempotency key is
 * written first (startPayment) and only then is the provider called with that key, so a repeat
 * after a crash gets the provider's first answer instead of a second charge.
 */

/** The patient's customer at the provider, when a card was ever saved there. */
export async function customerRefOf(db: Executor, tenantId: string, patientId: string, gateway: PaymentGatewayKind): Promise<string | null> {
  const [row] = await db.select({ ref: gatewayCustomers.customerRef }).from(gatewayCustomers)
    .where(and(eq(gatewayCustomers.tenantId, tenantId), eq(gatewayCustomers.patientId, patientId), eq(gatewayCustomers.gateway, gateway)));
  return row?.ref ?? null;
}

export interface OffSessionCard {
  id: string;
  gateway: PaymentGatewayKind;
  paymentMethodRef: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  removedAt: Date | null;
  authorization: { scopes: ChargePurpose[]; maxAmount: number | null; revokedAt: Date | null } | null;
  /** The patient's customer at the card's provider (read with the card: charging it needs both). */
  customerRef: string | null;
}

/**
 * The patient's default card and the card named (a subscription's), each with its active
 * authorisation, in one statement: what an off-session charge chooses from.
 */
export async function offSessionCards(db: Executor, tenantId: string, patientId: string, namedCardId: string | null): Promise<OffSessionCard[]> {
  const rows = await db
    .select(offSessionColumns)
    .from(savedCards)
    .leftJoin(cardAuthorizations, activeAuthorization)
    .leftJoin(gatewayCustomers, customerOfCard)
    .where(and(
      eq(savedCards.tenantId, tenantId), eq(savedCards.patientId, patientId), isNull(savedCards.removedAt),
      namedCardId ? or(eq(savedCards.isDefault, true), eq(savedCards.id, namedCardId)) : eq(savedCards.isDefault, true),
    ))
    .orderBy(desc(savedCards.isDefault), desc(savedCards.createdAt));
  return rows.map(offSessionCard);
}

/**
 * offSessionCards of many patients of one clinic in one statement (the renewal job's pass): each
 * patient's default card and the card named for them, in offSessionCards' order.
 */
export async function offSessionCardsOf(db: Executor, tenantId: string, wanted: readonly { patientId: string; namedCardId: string | null }[]): Promise<Map<string, OffSessionCard[]>> {
  const out = new Map<string, OffSessionCard[]>(wanted.map((w) => [w.patientId, []]));
  if (wanted.length === 0) return out;
  const named = new Map(wanted.map((w) => [w.patientId, w.namedCardId]));
  const namedIds = wanted.map((w) => w.namedCardId).filter((id): id is string => id !== null);
  const rows = await db
    .select({ ...offSessionColumns, patientId: savedCards.patientId })
    .from(savedCards)
    .leftJoin(cardAuthorizations, activeAuthorization)
    .leftJoin(gatewayCustomers, customerOfCard)
    .where(and(
      eq(savedCards.tenantId, tenantId), inArray(savedCards.patientId, [...named.keys()]), isNull(savedCards.removedAt),
      namedIds.length > 0 ? or(eq(savedCards.isDefault, true), inArray(savedCards.id, namedIds)) : eq(savedCards.isDefault, true),
    ))
    .orderBy(desc(savedCards.isDefault), desc(savedCards.createdAt));
  for (const { patientId, ...row } of rows) {
    // Another patient's named card is not this patient's candidate.
    if (row.isDefault || row.id === named.get(patientId)) out.get(patientId)!.push(offSessionCard(row));
  }
  return out;
}

const offSessionColumns = {
      id: savedCards.id, gateway: savedCards.gateway, paymentMethodRef: savedCards.paymentMethodRef, brand: savedCards.brand, last4: savedCards.last4,
      expMonth: savedCards.expMonth, expYear: savedCards.expYear, isDefault: savedCards.isDefault, removedAt: savedCards.removedAt,
  scopes: cardAuthorizations.scopes, maxAmount: cardAuthorizations.maxAmount, customerRef: gatewayCustomers.customerRef,
};
const activeAuthorization = and(eq(cardAuthorizations.tenantId, savedCards.tenantId), eq(cardAuthorizations.savedCardId, savedCards.id), isNull(cardAuthorizations.revokedAt));
const customerOfCard = and(
  eq(gatewayCustomers.tenantId, savedCards.tenantId), eq(gatewayCustomers.patientId, savedCards.patientId), eq(gatewayCustomers.gateway, savedCards.gateway),
);

function offSessionCard({ scopes, maxAmount, ...card }: { scopes: ChargePurpose[] | null; maxAmount: number | null } & Omit<OffSessionCard, 'authorization'>): OffSessionCard {
  return { ...card, authorization: scopes ? { scopes, maxAmount, revokedAt: null } : null };
}

/**
 * The card to charge for `purpose`: the default card when it may be (the card the patient chose
 * last, so updating it is how a patient fixes a failing subscription), else the named card; with
 * the refusal of the first candidate when neither may be charged.
 */
export function chooseOffSessionCard(
  cards: readonly OffSessionCard[], purpose: ChargePurpose, amount: number, currency: string, today: { year: number; month: number },
): { card: OffSessionCard; refusal: null } | { card: OffSessionCard | null; refusal: string } {
  let first: { card: OffSessionCard | null; refusal: string } | null = null;
  for (const card of cards) {
    const refusal = chargeRefusal(card, card.authorization, purpose, amount, currency, today);
    if (!refusal) return { card, refusal: null };
    first ??= { card, refusal };
  }
  return first ?? { card: null, refusal: chargeRefusal(null, null, purpose, amount, currency, today)! };
}

export interface CardOnFilePaymentInput {
  patientId: string;
  invoiceIds: string[];
  amount: number;
  purpose: ChargePurpose;
  idempotencyKey: string;
  /** With its customer when offSessionCards read it (else it is looked up). */
  card: Pick<OffSessionCard, 'id' | 'gateway' | 'paymentMethodRef'> & { customerRef?: string | null };
  staffId?: string | null;
}

/**
 * Writes the pending card-on-file payment (or finds the one made with this key), refusing a card
 * saved with another provider than the clinic's now or a patient with no customer there. The
 * source to charge comes back with it, for chargeCardOnFile.
 */
export async function startCardOnFilePayment(
  db: Executor, tenantId: string, gatewayKind: PaymentGatewayKind, input: CardOnFilePaymentInput, audit: AuditContext | SystemAudit,
): Promise<StartedPayment & { source: PaymentSource }> {
  if (input.card.gateway !== gatewayKind) throw new PaymentRefusedError('card-other-gateway', 'This card was saved with another payment provider. Ask the patient to add it again.');
  const customerRef = input.card.customerRef !== undefined ? input.card.customerRef : await customerRefOf(db, tenantId, input.patientId, gatewayKind);
  if (!customerRef) throw new PaymentRefusedError('charge-not-allowed', 'The patient has no saved card.');
  const started = await startPayment(db, tenantId, {
    patientId: input.patientId, invoiceIds: input.invoiceIds, amount: input.amount, method: 'card_on_file', purpose: input.purpose,
    gateway: gatewayKind, idempotencyKey: input.idempotencyKey, staffId: input.staffId ?? null, savedCardId: input.card.id, sourceRef: input.card.paymentMethodRef,
  }, audit);
  return { ...started, source: { kind: 'saved', customerRef, paymentMethodRef: input.card.paymentMethodRef } };
}

/**
 * The source of a card-on-file payment already written (a repeat after a crash): its card and
 * the patient's customer, or null when the card is gone.
 */
export async function cardOnFileSource(db: Executor, payment: Pick<Payment, 'tenantId' | 'savedCardId'>): Promise<PaymentSource | null> {
  if (!payment.savedCardId) return null;
  const [row] = await db.select({ customerRef: gatewayCustomers.customerRef, paymentMethodRef: savedCards.paymentMethodRef })
    .from(savedCards)
    .innerJoin(gatewayCustomers, and(eq(gatewayCustomers.tenantId, savedCards.tenantId), eq(gatewayCustomers.patientId, savedCards.patientId), eq(gatewayCustomers.gateway, savedCards.gateway)))
    .where(and(eq(savedCards.tenantId, payment.tenantId), eq(savedCards.id, payment.savedCardId)));
  return row ? { kind: 'saved', customerRef: row.customerRef, paymentMethodRef: row.paymentMethodRef } : null;
}

/** Calls the provider for a pending card-on-file payment (its own key) and applies the answer. */
export async function chargeCardOnFile(
  db: Executor, tenantId: string, payment: Payment, clinic: ClinicGateway, source: PaymentSource, actor: SettleActor,
): Promise<SettledPayment> {
  return chargeAtGateway(db, tenantId, payment, clinic.gateway, clinic.account, source, actor);
}

/**
 * Closes an invoice that an off-session charge never paid and nobody will (a renewal given up
 * after its last retry, or a subscription cancelled while its renewal was unpaid): a 'void' entry
 * takes what it asks for off the balance, as staff's void does. Nothing happens (false) when it
 * is already closed, has money on it, or a payment of it is still in progress — the payment's
 * outcome decides then.
 */
export async function voidUnpaidInvoice(
  tx: Executor, tenantId: string, invoiceId: string, reason: string, actor: { kind: 'system' | 'patient' | 'staff'; id?: string | null },
): Promise<boolean> {
  const [invoice] = await tx.select().from(invoices).where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, invoiceId))).for('update');
  if (!invoice) return false;
  const sums = (await invoiceSums(tx, tenantId, [invoiceId])).get(invoiceId)!;
  if (invoice.status === 'paid' || invoiceChangeRefusal(invoice.status, 'void', sums)) return false;
  if (((await heldByUnsettledPayments(tx, tenantId, [invoiceId])).get(invoiceId) ?? 0) > 0) return false;
  if (sums.due > 0) {
    await postLedgerEntries(tx, [{
      tenantId, patientId: invoice.patientId, kind: 'void', amount: -sums.due, currency: invoice.currency, invoiceId, actorKind: actor.kind, actorId: actor.id ?? null,
    }]);
  }
  const at = now();
  await tx.update(invoices).set({ status: 'void', voidReason: reason, closedAt: at, updatedAt: at })
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, invoiceId)));
  await recordAudit(tx, {
    tenantId, actor: { kind: actor.kind, id: actor.id ?? null }, action: BillingAuditActions.invoiceVoided,
    patientId: invoice.patientId, target: { type: 'invoice', id: invoiceId },
    details: { number: invoice.number, amount: sums.due > 0 ? -sums.due : 0, currency: invoice.currency, status: { before: invoice.status, after: 'void' } },
  });
  return true;
}
