import 'server-only';
import { and, desc, eq, isNull, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { cardAuthorizations, cardSetups, gatewayCustomers, savedCards, type ChargePurpose, type PaymentGatewayKind } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { portalActorLabel, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { retryPastDueSubscriptionsSoon } from '@/lib/commerce/subscription-events';
import { isUuid } from '@/lib/kernel/ids';
import { postgresErrorCode, PG } from '@/lib/kernel/errors';
import { BillingAuditActions } from './audit-actions';
import { AUTHORIZATION_TEXT_VERSION } from './charge-rules';
import { gatewayFor } from './gateway';
import { completeTestAuthentication } from './gateway/test-gateway';
import type { GatewayAccount, PaymentGateway } from './gateway/types';
import { PaymentRefusedError } from './payments';
import { applySetupResult, type SettleActor } from './settle';
import { portalBillingEnabled } from './settings';

/**
 * Saved cards (seed 002's "payment methods") and the patient's authorisation for the clinic to
 * charge one. Only the brand, last four digits and expiry are kept; the card itself stays with
 * the provider. The portal acts for the selected patient; staff only read.
 */

function actorOf(ctx: PortalContext): SettleActor {
  return { kind: 'patient', id: ctx.account.id, label: portalActorLabel(ctx), ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null };
}

async function requireBilling(db: Executor, ctx: PortalContext) {
  // The link must still open Billing (a proxy's scope, dates, the clinic's age rules).
  await assertPortalArea(db, ctx, 'billing');
  if (!(await portalBillingEnabled(db, ctx.tenant.id))) throw new NotFoundError('billing');
}

/** The patient's customer at the provider: made once (the key names the patient), then kept. */
async function ensureCustomer(db: Executor, tenantId: string, patientId: string, kind: PaymentGatewayKind, gateway: PaymentGateway, account: GatewayAccount): Promise<string> {
  const where = and(eq(gatewayCustomers.tenantId, tenantId), eq(gatewayCustomers.patientId, patientId), eq(gatewayCustomers.gateway, kind));
  const [known] = await db.select({ ref: gatewayCustomers.customerRef }).from(gatewayCustomers).where(where);
  if (known) return known.ref;
  const { customerRef } = await gateway.createCustomer(account, { idempotencyKey: `customer:${tenantId}:${patientId}:${kind}`, metadata: { carebridge_patient_id: patientId } });
  await db.insert(gatewayCustomers).values({ tenantId, patientId, gateway: kind, customerRef }).onConflictDoNothing();
  const [row] = await db.select({ ref: gatewayCustomers.customerRef }).from(gatewayCustomers).where(where);
  return row!.ref;
}

export interface AuthorizationInput {
  scopes: ChargePurpose[];
  /** The most one charge may be, in minor units; null for no limit. */
  maxAmount: number | null;
}

export interface SaveCardResult {
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed';
  setupId: string;
  savedCardId: string | null;
  clientSecret: string | null;
  failureMessage: string | null;
}

/**
 * Saves a card the browser tokenised, with the authorisation the patient gave beside it (when
 * they gave one and the card was saved at once; after a bank check they are sent to authorise it
 * on the card's page). The attempt key makes a resent form the same attempt.
 */
export async function saveCard(db: Executor, ctx: PortalContext, input: { attemptKey: string; token: string; authorize: AuthorizationInput | null }, returnUrl?: string): Promise<SaveCardResult> {
  await requireBilling(db, ctx);
  if (!isUuid(input.attemptKey)) throw new PaymentRefusedError('attempt-invalid', 'This page has expired. Reload it and try again.');
  const { gateway, account, kind } = await gatewayFor(db, ctx.tenant.id);
  const key = `card-setup:${ctx.account.id}:${input.attemptKey}`;
  const existing = await setupByKey(db, ctx.tenant.id, key);
  if (existing) return { status: existing.status, setupId: existing.id, savedCardId: existing.savedCardId, clientSecret: null, failureMessage: existing.failureMessage };
  const customerRef = await ensureCustomer(db, ctx.tenant.id, ctx.patient.id, kind, gateway, account);
  let setupId: string;
  try {
    const [row] = await db.insert(cardSetups).values({
      tenantId: ctx.tenant.id, patientId: ctx.patient.id, accountId: ctx.account.id, gateway: kind, status: 'pending', idempotencyKey: key,
    }).returning({ id: cardSetups.id });
    setupId = row!.id;
  } catch (error) {
    const again = postgresErrorCode(error) === PG.uniqueViolation ? await setupByKey(db, ctx.tenant.id, key) : null;
    if (again) return { status: again.status, setupId: again.id, savedCardId: again.savedCardId, clientSecret: null, failureMessage: again.failureMessage };
    throw error;
  }
  const result = await gateway.createSetup(account, { customerRef, token: input.token, idempotencyKey: key, metadata: { carebridge_setup_id: setupId }, returnUrl });
  const applied = await applySetupResult(db, ctx.tenant.id, setupId, result, actorOf(ctx));
  if (applied.status === 'succeeded' && applied.savedCardId && input.authorize) {
    await grantAuthorization(db, ctx, applied.savedCardId, input.authorize);
  }
  return { setupId, ...applied };
}

async function setupByKey(db: Executor, tenantId: string, key: string) {
  const [row] = await db.select().from(cardSetups).where(and(eq(cardSetups.tenantId, tenantId), eq(cardSetups.idempotencyKey, key)));
  return row ?? null;
}

/** A card setup of the selected patient; anyone else's (or another clinic's) is not found. */
async function ownSetup(db: Executor, ctx: PortalContext, setupId: string) {
  if (!isUuid(setupId)) throw new NotFoundError('card setup');
  const [row] = await db.select().from(cardSetups)
    .where(and(eq(cardSetups.tenantId, ctx.tenant.id), eq(cardSetups.patientId, ctx.patient.id), eq(cardSetups.id, setupId)));
  if (!row) throw new NotFoundError('card setup');
  return row;
}

type CardSetupRow = Awaited<ReturnType<typeof ownSetup>>;

function setupState(setup: CardSetupRow): SaveCardResult {
  return { status: setup.status, setupId: setup.id, savedCardId: setup.savedCardId, clientSecret: null, failureMessage: setup.failureMessage };
}

export interface PortalCardSetupView {
  id: string;
  status: SaveCardResult['status'];
  gateway: PaymentGatewayKind;
  savedCardId: string | null;
  failureMessage: string | null;
}

/** One card setup of the selected patient, for the page of the bank's check. */
export async function getPortalCardSetup(db: Executor, ctx: PortalContext, setupId: string): Promise<PortalCardSetupView> {
  await requireBilling(db, ctx);
  const { id, status, gateway, savedCardId, failureMessage } = await ownSetup(db, ctx, setupId);
  return { id, status, gateway, savedCardId, failureMessage };
}

/**
 * The test gateway's simulated bank check of a card being saved (test card 4000 0025 0000 3155):
 * Approve saves the card (the default when the patient has none), Fail leaves it unsaved with the
 * bank's words. Only a setup of the selected patient that waits for the check moves; asking again
 * (a resent form) answers with how it ended. The authorisation the patient may have asked for is
 * given afterwards on the card's own page (nothing keeps it on the setup).
 */
export async function authenticateTestCardSetup(db: Executor, ctx: PortalContext, setupId: string, approve: boolean): Promise<SaveCardResult> {
  await requireBilling(db, ctx);
  const setup = await ownSetup(db, ctx, setupId);
  if (setup.gateway !== 'test' || setup.status !== 'requires_action' || !setup.setupRef) return setupState(setup);
  const checked = await completeTestAuthentication(db, ctx.tenant.id, setup.setupRef, approve);
  if (checked.kind !== 'setup') throw new Error('cards: a card setup refers to a payment at the test gateway');
  return { setupId: setup.id, ...(await applySetupResult(db, ctx.tenant.id, setup.id, checked.result, actorOf(ctx))) };
}

/**
 * Where a card setup stands at the provider now: after Stripe's bank check in the browser
 * (handleNextAction), whose word is not proof, or for a setup still pending. A setup that has
 * ended, or was made with a provider the clinic no longer uses, answers as stored.
 */
export async function refreshCardSetup(db: Executor, ctx: PortalContext, setupId: string): Promise<SaveCardResult> {
  await requireBilling(db, ctx);
  const setup = await ownSetup(db, ctx, setupId);
  if ((setup.status !== 'requires_action' && setup.status !== 'pending') || !setup.setupRef) return setupState(setup);
  // Settling: only reads and applies what the provider says, so a clinic whose Stripe charges were just paused still hears it.
  const { gateway, account, kind } = await gatewayFor(db, ctx.tenant.id, { settling: true });
  if (kind !== setup.gateway) return setupState(setup);
  const result = await gateway.retrieveSetup(account, setup.setupRef);
  return { setupId: setup.id, ...(await applySetupResult(db, ctx.tenant.id, setup.id, result, actorOf(ctx))) };
}

async function ownCard(db: Executor, ctx: PortalContext, cardId: string) {
  if (!isUuid(cardId)) throw new NotFoundError('card');
  const [card] = await db.select().from(savedCards)
    .where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.patientId, ctx.patient.id), eq(savedCards.id, cardId), isNull(savedCards.removedAt)))
    .for('update');
  if (!card) throw new NotFoundError('card');
  return card;
}

/**
 * Records the patient's authorisation for a card: the wording's version, what it covers, the
 * ceiling, and when, from which address and browser. A new one replaces the card's current one.
 */
export async function grantAuthorization(db: Executor, ctx: PortalContext, cardId: string, input: AuthorizationInput): Promise<{ id: string }> {
  await requireBilling(db, ctx);
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw new PaymentRefusedError('authorization-scope', 'Choose what the clinic may charge the card for.');
  if (input.maxAmount !== null && (!Number.isSafeInteger(input.maxAmount) || input.maxAmount <= 0)) {
    throw new PaymentRefusedError('authorization-max', 'Enter a limit above zero, or leave it empty for no limit.');
  }
  return db.transaction(async (tx) => {
    await ownCard(tx, ctx, cardId);
    await tx.update(cardAuthorizations).set({ revokedAt: now(), revokedBy: 'patient' })
      .where(and(eq(cardAuthorizations.tenantId, ctx.tenant.id), eq(cardAuthorizations.savedCardId, cardId), isNull(cardAuthorizations.revokedAt)));
    const [row] = await tx.insert(cardAuthorizations).values({
      tenantId: ctx.tenant.id, savedCardId: cardId, patientId: ctx.patient.id, accountId: ctx.account.id,
      textVersion: AUTHORIZATION_TEXT_VERSION, scopes, maxAmount: input.maxAmount, ip: ctx.ip ?? null, userAgent: ctx.userAgent ?? null,
    }).returning({ id: cardAuthorizations.id });
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.authorizationGranted, patientId: ctx.patient.id, target: { type: 'card_authorization', id: row!.id },
      details: { savedCardId: cardId, scopes, maxAmount: input.maxAmount, textVersion: AUTHORIZATION_TEXT_VERSION },
    });
    if (scopes.includes('subscriptions')) await retryPastDueSubscriptionsSoon(tx, ctx.tenant.id, ctx.patient.id, { kind: 'patient', id: ctx.account.id });
    return row!;
  });
}

export async function revokeAuthorization(db: Executor, ctx: PortalContext, cardId: string): Promise<void> {
  await requireBilling(db, ctx);
  await db.transaction(async (tx) => {
    await ownCard(tx, ctx, cardId);
    const revoked = await tx.update(cardAuthorizations).set({ revokedAt: now(), revokedBy: 'patient' })
      .where(and(eq(cardAuthorizations.tenantId, ctx.tenant.id), eq(cardAuthorizations.savedCardId, cardId), isNull(cardAuthorizations.revokedAt)))
      .returning({ id: cardAuthorizations.id });
    if (revoked.length === 0) return;
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.authorizationRevoked, patientId: ctx.patient.id, target: { type: 'card_authorization', id: revoked[0]!.id },
      details: { savedCardId: cardId, by: 'patient' },
    });
  });
}

export async function setDefaultCard(db: Executor, ctx: PortalContext, cardId: string): Promise<void> {
  await requireBilling(db, ctx);
  await db.transaction(async (tx) => {
    const card = await ownCard(tx, ctx, cardId);
    if (card.isDefault) return;
    await tx.update(savedCards).set({ isDefault: false })
      .where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.patientId, ctx.patient.id), eq(savedCards.isDefault, true)));
    await tx.update(savedCards).set({ isDefault: true }).where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.id, cardId)));
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.cardDefaultChanged, patientId: ctx.patient.id, target: { type: 'saved_card', id: cardId }, details: { last4: card.last4 },
    });
  });
}

/**
 * Removes a card: its authorisation ends with it, another card becomes the default, and the
 * provider forgets it (after the commit; a failure there leaves an unusable card at the
 * provider, never a usable one here).
 */
export async function removeCard(db: Executor, ctx: PortalContext, cardId: string): Promise<void> {
  await requireBilling(db, ctx);
  const card = await db.transaction(async (tx) => {
    const c = await ownCard(tx, ctx, cardId);
    await tx.update(savedCards).set({ removedAt: now(), isDefault: false }).where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.id, cardId)));
    await tx.update(cardAuthorizations).set({ revokedAt: now(), revokedBy: 'card_removed' })
      .where(and(eq(cardAuthorizations.tenantId, ctx.tenant.id), eq(cardAuthorizations.savedCardId, cardId), isNull(cardAuthorizations.revokedAt)));
    if (c.isDefault) {
      const [next] = await tx.select({ id: savedCards.id }).from(savedCards)
        .where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.patientId, ctx.patient.id), isNull(savedCards.removedAt), ne(savedCards.id, cardId)))
        .orderBy(desc(savedCards.createdAt)).limit(1);
      if (next) await tx.update(savedCards).set({ isDefault: true }).where(and(eq(savedCards.tenantId, ctx.tenant.id), eq(savedCards.id, next.id)));
    }
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.cardRemoved, patientId: ctx.patient.id, target: { type: 'saved_card', id: cardId }, details: { last4: c.last4 },
    });
    return c;
  });
  try {
    const { gateway, account, kind } = await gatewayFor(db, ctx.tenant.id);
    if (kind === card.gateway) await gateway.detachCard(account, card.paymentMethodRef);
  } catch {
    // The card is already unusable here; the provider's copy is harmless without its customer's clinic.
  }
}

export interface CardView {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  isDefault: boolean;
  authorization: { scopes: ChargePurpose[]; maxAmount: number | null; grantedAt: Date; textVersion: string } | null;
}

async function cardsOf(db: Executor, tenantId: string, patientId: string): Promise<CardView[]> {
  const rows = await db
    .select({
      id: savedCards.id, brand: savedCards.brand, last4: savedCards.last4, expMonth: savedCards.expMonth, expYear: savedCards.expYear, isDefault: savedCards.isDefault,
      scopes: cardAuthorizations.scopes, maxAmount: cardAuthorizations.maxAmount, grantedAt: cardAuthorizations.grantedAt, textVersion: cardAuthorizations.textVersion,
    })
    .from(savedCards)
    .leftJoin(cardAuthorizations, and(eq(cardAuthorizations.tenantId, savedCards.tenantId), eq(cardAuthorizations.savedCardId, savedCards.id), isNull(cardAuthorizations.revokedAt)))
    .where(and(eq(savedCards.tenantId, tenantId), eq(savedCards.patientId, patientId), isNull(savedCards.removedAt)))
    .orderBy(desc(savedCards.isDefault), desc(savedCards.createdAt));
  return rows.map(({ scopes, maxAmount, grantedAt, textVersion, ...card }) => ({
    ...card,
    authorization: scopes && grantedAt && textVersion ? { scopes, maxAmount, grantedAt, textVersion } : null,
  }));
}

export async function listPortalCards(db: Executor, ctx: PortalContext): Promise<CardView[]> {
  await requireBilling(db, ctx);
  return cardsOf(db, ctx.tenant.id, ctx.patient.id);
}

export async function listPatientCards(db: Executor, ctx: StaffContext, patientId: string): Promise<CardView[]> {
  assertPermission(ctx, 'billing.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  return cardsOf(db, ctx.tenant.id, patientId);
}
