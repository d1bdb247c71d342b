import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { testGatewayObjects } from '@/db/schema';
import { now } from '@/lib/clock';
import { ConfigurationError, isProductionEnv } from '@/lib/config/env';
import { NotFoundError, RuleError } from '@/lib/kernel/errors';
import { declineMessage, refundFailureMessage } from '../decline-messages';
import { findTestCard, type TestCardOutcome } from './test-cards';
import type {
  CardSummary, CreatePaymentInput, CreateSetupInput, GatewayAccount, GatewayFailure, GatewayPaymentResult,
  GatewayPaymentStatus, GatewayRefundResult, GatewayRefundStatus, GatewaySetupResult, GatewaySetupStatus, PaymentGateway,
} from './types';

/**
 * The built-in test gateway: a simulated card processor for development, demos and tests (the
 * embedded default; lib/billing/gateway/index.ts refuses it in production). Its records live in
 * test_gateway_objects, per clinic, as Stripe would keep them on its side, so it behaves as the
 * real provider does where it matters to Carebridge:
 * - a create call with an idempotency key already used returns the first object, never a second
 *   one (insert … on conflict do nothing, then read back: two racing calls get the same row);
 * - the documented test cards (test-cards.ts) decline, need the bank's check or succeed as
 *   Stripe's do; the check is a step the patient completes on a simulated page;
 * - refunds never exceed what is left of the payment (the payment row is locked while counting).
 * Card numbers are never stored: a "tokenised" card keeps its brand, last four, expiry and outcome.
 */

const TEST_CARD_MESSAGES = {
  'test-card-unknown': 'Use one of the test card numbers listed on this page.',
  'test-card-expired': "The card's expiry date has passed.",
  'test-card-expiry-invalid': "Enter the card's expiry month (1–12) and year.",
  'test-card-cvc': 'Enter the 3- or 4-digit security code (any digits work for a test card).',
} as const;

export type TestCardRuleCode = keyof typeof TEST_CARD_MESSAGES;

/** A test card that cannot be used as typed; the sentence is the one the person reads. */
export class TestCardError extends RuleError {
  constructor(code: TestCardRuleCode, field: 'number' | 'expiry' | 'cvc') {
    super(code, TEST_CARD_MESSAGES[code], { [field]: TEST_CARD_MESSAGES[code] });
    this.name = 'TestCardError';
  }
}

type Row = typeof testGatewayObjects.$inferSelect;

interface CardData extends CardSummary {
  outcome: TestCardOutcome;
  /** The customer the card is saved to (a succeeded setup), null while not saved or once detached. */
  customerRef: string | null;
}

interface PaymentData {
  currency: string;
  cardRef: string;
  customerRef: string | null;
  offSession: boolean;
  card: CardSummary | null;
  failure: GatewayFailure | null;
  clientSecret: string | null;
  metadata: Record<string, string>;
}

interface SetupData {
  customerRef: string;
  cardRef: string;
  card: CardSummary | null;
  failure: GatewayFailure | null;
  clientSecret: string | null;
  metadata: Record<string, string>;
}

interface RefundData {
  paymentRef: string;
  failure: GatewayFailure | null;
  metadata: Record<string, string>;
}

/** gatewayFor refuses the simulator in production; its entry points refuse it too, whoever calls them. */
function assertNotProduction() {
  if (isProductionEnv(process.env)) throw new ConfigurationError('The test gateway is a simulator and is refused in production.');
}

const newRef = (prefix: string) => `test_${prefix}_${randomBytes(12).toString('hex')}`;
const parse = <T>(row: Row) => JSON.parse(row.data) as T;
const failure = (code: string): GatewayFailure => ({ code, message: declineMessage(code) });

function cardSummary(card: CardData): CardSummary {
  return { brand: card.brand, last4: card.last4, expMonth: card.expMonth, expYear: card.expYear };
}

/** A card is good through the last day of its expiry month. */
function hasExpired(expMonth: number, expYear: number, at: Date): boolean {
  return expYear < at.getUTCFullYear() || (expYear === at.getUTCFullYear() && expMonth < at.getUTCMonth() + 1);
}

export interface TestCardInput {
  number: string;
  expMonth: number;
  /** Four digits, or two (25 → 2025) as printed on the card. */
  expYear: number;
  cvc: string;
}

/**
 * What the simulated card form does in place of Stripe's Payment Element: checks that the number
 * is a documented test card and the expiry has not passed, and returns a token (the test
 * gateway's payment method ref) to pay or save with. The number is not stored.
 */
export async function tokenizeTestCard(db: Executor, tenantId: string, input: TestCardInput): Promise<{ token: string }> {
  assertNotProduction();
  const card = findTestCard(input.number);
  if (!card) throw new TestCardError('test-card-unknown', 'number');
  const expYear = input.expYear >= 0 && input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12 || !Number.isInteger(expYear) || expYear < 2000 || expYear > 2100) {
    throw new TestCardError('test-card-expiry-invalid', 'expiry');
  }
  if (hasExpired(input.expMonth, expYear, now())) throw new TestCardError('test-card-expired', 'expiry');
  if (!/^\d{3,4}$/.test(input.cvc.trim())) throw new TestCardError('test-card-cvc', 'cvc');

  const data: CardData = { brand: card.brand, last4: card.number.slice(-4), expMonth: input.expMonth, expYear, outcome: card.outcome, customerRef: null };
  const ref = newRef('pm');
  await db.insert(testGatewayObjects).values({ tenantId, ref, kind: 'card', status: 'active', data: JSON.stringify(data) });
  return { token: ref };
}

async function findObject(db: Executor, tenantId: string, kind: Row['kind'], ref: string): Promise<Row | undefined> {
  const [row] = await db
    .select()
    .from(testGatewayObjects)
    .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, kind), eq(testGatewayObjects.ref, ref)));
  return row;
}

async function byIdempotencyKey(db: Executor, tenantId: string, kind: Row['kind'], key: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(testGatewayObjects)
    .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, kind), eq(testGatewayObjects.idempotencyKey, key)));
  if (!row) throw new Error(`test gateway: no ${kind} for the idempotency key`);
  return row;
}

/**
 * Inserts the object unless one with the same idempotency key exists, and returns whichever is
 * stored: the first call's object answers every retry. A reused key with a different amount is
 * a bug in the caller (Stripe answers it with an idempotency error).
 */
async function createOnce(db: Executor, tenantId: string, values: { kind: Row['kind']; prefix: string; idempotencyKey: string; status: string; amount?: number | null; data: object }): Promise<Row> {
  const [made] = await db
    .insert(testGatewayObjects)
    .values({ tenantId, ref: newRef(values.prefix), kind: values.kind, idempotencyKey: values.idempotencyKey, status: values.status, amount: values.amount ?? null, data: JSON.stringify(values.data) })
    .onConflictDoNothing()
    .returning();
  // Another call with the key got there first: its object is the answer.
  const row = made ?? await byIdempotencyKey(db, tenantId, values.kind, values.idempotencyKey);
  if ((values.amount ?? null) !== row.amount) throw new Error('test gateway: idempotency key reused with different parameters');
  return row;
}

function paymentResult(row: Row): GatewayPaymentResult {
  const data = parse<PaymentData>(row);
  const status = row.status as GatewayPaymentStatus;
  return { ref: row.ref, status, clientSecret: status === 'requires_action' ? data.clientSecret : null, card: data.card, failure: data.failure };
}

function setupResult(row: Row): GatewaySetupResult {
  const data = parse<SetupData>(row);
  const status = row.status as GatewaySetupStatus;
  return {
    ref: row.ref,
    status,
    clientSecret: status === 'requires_action' ? data.clientSecret : null,
    paymentMethodRef: data.cardRef,
    card: data.card,
    failure: data.failure,
  };
}

function refundResult(row: Row): GatewayRefundResult {
  return { ref: row.ref, status: row.status as GatewayRefundStatus, failure: parse<RefundData>(row).failure };
}

function assertAmount(amount: number) {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new Error('test gateway: the amount must be a positive whole number of minor units');
}

/** The outcome of charging this card, decided before the payment object is written. */
/** What the simulated processor answers for a charge of `cardRow` (the stored card, when there is one). */
function decidePayment(cardRow: Row | undefined, input: CreatePaymentInput): { status: GatewayPaymentStatus; data: PaymentData } {
  const source = input.source;
  const cardRef = source.kind === 'token' ? source.token : source.paymentMethodRef;
  const offSession = source.kind === 'saved';
  const base = { currency: input.currency.toUpperCase(), cardRef, customerRef: offSession ? source.customerRef : null, offSession, clientSecret: null, metadata: { ...input.metadata } };
  const card = cardRow ? parse<CardData>(cardRow) : null;
  // Stripe refuses an unknown payment method, or a saved one not attached to the customer named.
  if (!cardRow || !card || (offSession && (cardRow.status !== 'active' || card.customerRef !== source.customerRef))) {
    return { status: 'failed', data: { ...base, card: null, failure: failure('payment_method_unusable') } };
  }
  const summary = cardSummary(card);
  const failed = (code: string) => ({ status: 'failed' as const, data: { ...base, card: summary, failure: failure(code) } });
  if (hasExpired(card.expMonth, card.expYear, now())) return failed('expired_card');
  switch (card.outcome) {
    case 'card_declined':
    case 'charge_declined':
      return failed('card_declined');
    case 'insufficient_funds':
      return failed('insufficient_funds');
    case 'authentication_required':
      // Saved with the bank's check done once: the clinic's later charges go through without it.
      if (offSession) break;
      return { status: 'requires_action', data: { ...base, card: summary, failure: null, clientSecret: `${newRef('secret')}` } };
    case 'success':
      break;
  }
  return { status: 'succeeded', data: { ...base, card: summary, failure: null } };
}

async function decideSetup(db: Executor, tenantId: string, input: CreateSetupInput): Promise<{ status: GatewaySetupStatus; data: SetupData }> {
  const base = { customerRef: input.customerRef, cardRef: input.token, clientSecret: null, metadata: { ...input.metadata } };
  const [cardRow, customer] = await Promise.all([
    findObject(db, tenantId, 'card', input.token),
    findObject(db, tenantId, 'customer', input.customerRef),
  ]);
  const card = cardRow ? parse<CardData>(cardRow) : null;
  if (!cardRow || !card || cardRow.status !== 'active' || !customer) {
    return { status: 'failed', data: { ...base, card: null, failure: failure('payment_method_unusable') } };
  }
  const summary = cardSummary(card);
  if (hasExpired(card.expMonth, card.expYear, now())) return { status: 'failed', data: { ...base, card: summary, failure: failure('expired_card') } };
  // Saving checks the card without taking money: only a card the bank refuses outright fails;
  // one without funds, or one whose charges will be declined, saves fine (as with Stripe).
  if (card.outcome === 'card_declined') return { status: 'failed', data: { ...base, card: summary, failure: failure('card_declined') } };
  if (card.outcome === 'authentication_required') {
    return { status: 'requires_action', data: { ...base, card: summary, failure: null, clientSecret: newRef('secret') } };
  }
  return { status: 'succeeded', data: { ...base, card: summary, failure: null } };
}

/** A succeeded setup saves the card to the customer: the clinic may charge it from now on. */
async function attachCard(db: Executor, tenantId: string, setup: SetupData) {
  await db
    .update(testGatewayObjects)
    .set({ data: sql`jsonb_set(${testGatewayObjects.data}::jsonb, '{customerRef}', to_jsonb(${setup.customerRef}::text))::text`, updatedAt: now() })
    .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, 'card'), eq(testGatewayObjects.ref, setup.cardRef), eq(testGatewayObjects.status, 'active')));
}

export function createTestGateway(db: Executor): PaymentGateway {
  assertNotProduction();
  return {
    kind: 'test',

    async createPayment(account: GatewayAccount, input: CreatePaymentInput) {
      assertAmount(input.amount);
      // The payment made with this key, if any, and the card to charge, in one read.
      const cardRef = input.source.kind === 'token' ? input.source.token : input.source.paymentMethodRef;
      const rows = await db
        .select()
        .from(testGatewayObjects)
        .where(and(eq(testGatewayObjects.tenantId, account.tenantId), or(
          and(eq(testGatewayObjects.kind, 'payment'), eq(testGatewayObjects.idempotencyKey, input.idempotencyKey)),
          and(eq(testGatewayObjects.kind, 'card'), eq(testGatewayObjects.ref, cardRef)),
        )));
      const existing = rows.find((r) => r.kind === 'payment');
      if (existing) return paymentResult(existing);
      const { status, data } = decidePayment(rows.find((r) => r.kind === 'card'), input);
      return paymentResult(await createOnce(db, account.tenantId, { kind: 'payment', prefix: 'pi', idempotencyKey: input.idempotencyKey, status, amount: input.amount, data }));
    },

    async retrievePayment(account: GatewayAccount, ref: string) {
      const row = await findObject(db, account.tenantId, 'payment', ref);
      if (!row) throw new NotFoundError('test gateway payment');
      return paymentResult(row);
    },

    async findPayment(account: GatewayAccount, carebridgePaymentId: string) {
      const [row] = await db
        .select()
        .from(testGatewayObjects)
        .where(and(
          eq(testGatewayObjects.tenantId, account.tenantId), eq(testGatewayObjects.kind, 'payment'),
          sql`(${testGatewayObjects.data}::jsonb -> 'metadata' ->> 'carebridge_payment_id') = ${carebridgePaymentId}`,
        ))
        .limit(1);
      return row ? paymentResult(row) : null;
    },

    async createCustomer(account: GatewayAccount, input) {
      const row = await createOnce(db, account.tenantId, { kind: 'customer', prefix: 'cus', idempotencyKey: input.idempotencyKey, status: 'active', data: { metadata: { ...input.metadata } } });
      return { customerRef: row.ref };
    },

    async createSetup(account: GatewayAccount, input: CreateSetupInput) {
      const existing = await db
        .select()
        .from(testGatewayObjects)
        .where(and(eq(testGatewayObjects.tenantId, account.tenantId), eq(testGatewayObjects.kind, 'setup'), eq(testGatewayObjects.idempotencyKey, input.idempotencyKey)));
      if (existing[0]) return setupResult(existing[0]);
      const { status, data } = await decideSetup(db, account.tenantId, input);
      const row = await createOnce(db, account.tenantId, { kind: 'setup', prefix: 'seti', idempotencyKey: input.idempotencyKey, status, data });
      if (row.status === 'succeeded') await attachCard(db, account.tenantId, parse<SetupData>(row));
      return setupResult(row);
    },

    async retrieveSetup(account: GatewayAccount, ref: string) {
      const row = await findObject(db, account.tenantId, 'setup', ref);
      if (!row) throw new NotFoundError('test gateway setup');
      return setupResult(row);
    },

    async detachCard(account: GatewayAccount, paymentMethodRef: string) {
      // Detaching twice (a retried removal) is fine; an unknown card has nothing to detach.
      await db
        .update(testGatewayObjects)
        .set({ status: 'detached', data: sql`jsonb_set(${testGatewayObjects.data}::jsonb, '{customerRef}', 'null'::jsonb)::text`, updatedAt: now() })
        .where(and(eq(testGatewayObjects.tenantId, account.tenantId), eq(testGatewayObjects.kind, 'card'), eq(testGatewayObjects.ref, paymentMethodRef)));
    },

    async refund(account: GatewayAccount, input) {
      assertAmount(input.amount);
      const tenantId = account.tenantId;
      return db.transaction(async (tx) => {
        // The payment's row is the lock: two refunds of one payment count what is left one at a time.
        const [payment] = await tx
          .select()
          .from(testGatewayObjects)
          .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, 'payment'), eq(testGatewayObjects.ref, input.paymentRef)))
          .for('update');
        const [existing] = await tx
          .select()
          .from(testGatewayObjects)
          .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.kind, 'refund'), eq(testGatewayObjects.idempotencyKey, input.idempotencyKey)));
        if (existing) return refundResult(existing);

        let code: string | null = null;
        if (!payment || payment.status !== 'succeeded') code = 'charge_not_succeeded';
        else {
          const [row] = await tx
            .select({ refunded: sql<number>`coalesce(sum(${testGatewayObjects.amount}), 0)::int` })
            .from(testGatewayObjects)
            .where(and(
              eq(testGatewayObjects.tenantId, tenantId),
              eq(testGatewayObjects.kind, 'refund'),
              inArray(testGatewayObjects.status, ['succeeded', 'pending']),
              sql`${testGatewayObjects.data}::jsonb ->> 'paymentRef' = ${input.paymentRef}`,
            ));
          const left = payment.amount! - (row?.refunded ?? 0);
          if (left <= 0) code = 'charge_already_refunded';
          else if (input.amount > left) code = 'amount_too_large';
        }
        const data: RefundData = { paymentRef: input.paymentRef, failure: code ? { code, message: refundFailureMessage(code) } : null, metadata: { ...input.metadata } };
        return refundResult(await createOnce(tx, tenantId, { kind: 'refund', prefix: 're', idempotencyKey: input.idempotencyKey, status: code ? 'failed' : 'succeeded', amount: input.amount, data }));
      });
    },
  };
}

export type TestAuthenticationResult =
  | { kind: 'payment'; result: GatewayPaymentResult }
  | { kind: 'setup'; result: GatewaySetupResult };

/**
 * The simulated bank's check (3-D Secure): the patient approves or fails it on the test page and
 * the payment or setup waiting for it succeeds or fails (authentication_failed). Only an object
 * waiting for the check moves; asking again answers with how it ended.
 */
export async function completeTestAuthentication(db: Executor, tenantId: string, ref: string, approve: boolean): Promise<TestAuthenticationResult> {
  assertNotProduction();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(testGatewayObjects)
      .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.ref, ref), inArray(testGatewayObjects.kind, ['payment', 'setup'])))
      .for('update');
    if (!row) throw new NotFoundError('test gateway payment');
    let current = row;
    if (row.status === 'requires_action') {
      const data = { ...parse<PaymentData | SetupData>(row), failure: approve ? null : failure('authentication_failed') };
      [current] = await tx
        .update(testGatewayObjects)
        .set({ status: approve ? 'succeeded' : 'failed', data: JSON.stringify(data), updatedAt: now() })
        .where(and(eq(testGatewayObjects.tenantId, tenantId), eq(testGatewayObjects.ref, ref)))
        .returning() as [Row];
      if (approve && row.kind === 'setup') await attachCard(tx, tenantId, data as SetupData);
    }
    return current.kind === 'setup' ? { kind: 'setup', result: setupResult(current) } : { kind: 'payment', result: paymentResult(current) };
  });
}
