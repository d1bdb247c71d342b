import 'server-only';
import { and, eq, isNull, ne, or } from 'drizzle-orm';
import Stripe from 'stripe';
import type { Executor } from '@/db/client';
import { billingSettings } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { RuleError } from '@/lib/kernel/errors';
import { BillingAuditActions } from '../audit-actions';
import { forgetBillingSettings } from '../settings';
import { isStripeConfigured, stripeClient } from './stripe-gateway';

/**
 * Stripe Connect for a clinic (CRM → Billing): the clinic is the merchant, with its own Stripe
 * account that Stripe onboards and supports (full dashboard, Stripe collects its details and
 * carries the losses: what the deprecated `type: 'standard'` meant). Carebridge keeps the
 * account's id and whether it can take charges (`charges_enabled`, also kept current by the
 * account.updated webhook). These calls are the platform's own, so they carry no Stripe-Account.
 */

const MESSAGES = {
  'stripe-not-configured': 'Stripe is not set up on this platform yet. Ask the platform operator to add its Stripe keys.',
  'stripe-not-connected': 'Connect a Stripe account first.',
  'stripe-account-taken': 'This Stripe account is already connected to another clinic.',
  'stripe-unavailable': 'Stripe did not answer as expected. Try again in a few minutes.',
} as const;

export type StripeConnectCode = keyof typeof MESSAGES;

export class StripeConnectError extends RuleError {
  constructor(code: StripeConnectCode) {
    super(code, MESSAGES[code]);
    this.name = 'StripeConnectError';
  }
}

/** A Stripe failure as a refusal in words; the log line names its type and code only. */
function connectFailure(what: string, error: unknown): never {
  if (error instanceof StripeConnectError) throw error;
  if (error instanceof Stripe.errors.StripeError) {
    console.warn(`stripe connect: ${what} failed (${error.type}${error.code ? ` ${error.code}` : ''})`);
    throw new StripeConnectError('stripe-unavailable');
  }
  throw error;
}

async function connectedAccountOf(db: Executor, tenantId: string): Promise<string | null> {
  const [row] = await db.select({ id: billingSettings.stripeAccountId }).from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
  return row?.id ?? null;
}

function assertStripeConfigured() {
  if (!isStripeConfigured()) throw new StripeConnectError('stripe-not-configured');
}

/**
 * The clinic's own Stripe account, made once: its creation carries the key
 * `connect-account:{tenantId}`, so a double click or a retry within Stripe's 24 hours gets the
 * same account. Its metadata names the clinic by id only.
 */
export async function createConnectedAccount(tenantId: string): Promise<{ id: string; chargesEnabled: boolean }> {
  try {
    const account = await stripeClient().accounts.create(
      {
        controller: { stripe_dashboard: { type: 'full' }, fees: { payer: 'account' }, losses: { payments: 'stripe' }, requirement_collection: 'stripe' },
        metadata: { carebridge_tenant_id: tenantId },
      },
      { idempotencyKey: `connect-account:${tenantId}` },
    );
    return { id: account.id, chargesEnabled: account.charges_enabled };
  } catch (error) {
    connectFailure('account create', error);
  }
}

/**
 * Where to send the admin to fill in (or finish) the account's details with Stripe. Links are
 * single-use and expire in minutes, so each request makes a fresh one: no key of ours (a key per
 * clinic would hand back the first, possibly spent, link); the SDK keys each request itself, so
 * its retries of one request still make one link.
 */
export async function createOnboardingLink(stripeAccountId: string, input: { returnUrl: string; refreshUrl: string }): Promise<string> {
  try {
    const link = await stripeClient().accountLinks.create({
      account: stripeAccountId,
      refresh_url: input.refreshUrl,
      return_url: input.returnUrl,
      type: 'account_onboarding',
    });
    return link.url;
  } catch (error) {
    connectFailure('account link', error);
  }
}

export async function retrieveConnectedAccount(stripeAccountId: string): Promise<{ chargesEnabled: boolean; detailsSubmitted: boolean }> {
  try {
    const account = await stripeClient().accounts.retrieve(stripeAccountId);
    return { chargesEnabled: account.charges_enabled, detailsSubmitted: account.details_submitted };
  } catch (error) {
    connectFailure('account retrieve', error);
  }
}

/** Starts (or resumes) the clinic's Stripe onboarding (billing.settings) and returns the link to send the admin to. */
export async function startStripeOnboarding(
  db: Executor,
  ctx: StaffContext,
  input: { returnUrl: string; refreshUrl: string },
): Promise<{ url: string; stripeAccountId: string }> {
  assertPermission(ctx, 'billing.settings');
  assertStripeConfigured();
  let stripeAccountId = await connectedAccountOf(db, ctx.tenant.id);
  if (!stripeAccountId) {
    const account = await createConnectedAccount(ctx.tenant.id);
    stripeAccountId = await saveAccount(db, ctx, account.id, account.chargesEnabled);
  }
  return { url: await createOnboardingLink(stripeAccountId, input), stripeAccountId };
}

/**
 * Stores the new account on the clinic's settings (made here if the clinic never saved them),
 * unless another clinic has it (one clinic per account: webhooks name the account) or this
 * clinic got one meanwhile (two admins at once: the same account, by the idempotency key).
 */
async function saveAccount(db: Executor, ctx: StaffContext, accountId: string, chargesEnabled: boolean): Promise<string> {
  const tenantId = ctx.tenant.id;
  const saved = db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ tenantId: billingSettings.tenantId })
      .from(billingSettings)
      .where(and(eq(billingSettings.stripeAccountId, accountId), ne(billingSettings.tenantId, tenantId)))
      .limit(1);
    if (taken) throw new StripeConnectError('stripe-account-taken');
    await tx.insert(billingSettings).values({ tenantId }).onConflictDoNothing();
    const [saved] = await tx
      .update(billingSettings)
      .set({ stripeAccountId: accountId, stripeChargesEnabled: chargesEnabled, updatedAt: now() })
      .where(and(eq(billingSettings.tenantId, tenantId), or(isNull(billingSettings.stripeAccountId), eq(billingSettings.stripeAccountId, accountId))))
      .returning({ id: billingSettings.stripeAccountId });
    if (!saved) {
      const [current] = await tx.select({ id: billingSettings.stripeAccountId }).from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
      return current!.id!;
    }
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.stripeConnected,
      target: { type: 'billing_settings', id: tenantId },
      details: { stripeAccountId: accountId, chargesEnabled },
    });
    return accountId;
  });
  return saved.finally(() => forgetBillingSettings(tenantId));
}

/** Asks Stripe whether the clinic's account can take charges now (the admin's "Refresh" after onboarding). */
export async function refreshStripeStatus(db: Executor, ctx: StaffContext): Promise<{ stripeAccountId: string; chargesEnabled: boolean; detailsSubmitted: boolean }> {
  assertPermission(ctx, 'billing.settings');
  assertStripeConfigured();
  const stripeAccountId = await connectedAccountOf(db, ctx.tenant.id);
  if (!stripeAccountId) throw new StripeConnectError('stripe-not-connected');
  const account = await retrieveConnectedAccount(stripeAccountId);
  await applyAccountStatus(db, ctx.tenant.id, stripeAccountId, account.chargesEnabled, ctx);
  return { stripeAccountId, ...account };
}

/**
 * Stores whether the clinic's account can take charges (from the admin's refresh, or the
 * account.updated webhook without a person: ctx null), audited when it changes. Only for the
 * account the clinic still has: a late event about an account it replaced changes nothing.
 */
export async function applyAccountStatus(db: Executor, tenantId: string, stripeAccountId: string, chargesEnabled: boolean, ctx: StaffContext | null = null): Promise<boolean> {
  const applied = db.transaction(async (tx) => {
    const [before] = await tx
      .select({ chargesEnabled: billingSettings.stripeChargesEnabled })
      .from(billingSettings)
      .where(and(eq(billingSettings.tenantId, tenantId), eq(billingSettings.stripeAccountId, stripeAccountId)))
      .for('update');
    if (!before || before.chargesEnabled === chargesEnabled) return false;
    await tx
      .update(billingSettings)
      .set({ stripeChargesEnabled: chargesEnabled, updatedAt: now() })
      .where(and(eq(billingSettings.tenantId, tenantId), eq(billingSettings.stripeAccountId, stripeAccountId)));
    const entry = {
      action: BillingAuditActions.settingsUpdated,
      target: { type: 'billing_settings', id: tenantId },
      details: { changed: { stripeChargesEnabled: { before: before.chargesEnabled, after: chargesEnabled } }, stripeAccountId },
    };
    if (ctx) await recordAudit(tx, ctx, entry);
    else await recordAudit(tx, { tenantId, actor: { kind: 'system' }, ...entry });
    return true;
  });
  // This request's cached settings (getBillingSettings) would still say the old status.
  return applied.finally(() => forgetBillingSettings(tenantId));
}
