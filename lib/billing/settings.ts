import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { billingSettings, invoices, payments, services, type PaymentGatewayKind } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isProductionEnv } from '@/lib/config/env';
import { RuleError } from '@/lib/kernel/errors';
import { FRAME_MEMO_MS, frameMemo } from '@/lib/kernel/frame-memo';
import { requestMemoized } from '@/lib/kernel/request-memo';
import { changedFields } from '@/lib/settings/errors';
import { BillingAuditActions } from './audit-actions';
import type { BillingSettingsInput } from './settings-forms';

/**
 * A clinic's billing options (CRM → Billing, issue 16 point 2). The row is made on first save (or
 * when the first invoice number is taken); until then every clinic has the defaults below:
 * payments off, billing visible in the portal once payments are on, US dollars, the test gateway.
 */

export interface BillingSettingsView {
  paymentsEnabled: boolean;
  portalBillingVisible: boolean;
  currency: string;
  invoiceFooter: string | null;
  taxId: string | null;
  defaultTaxRateBp: number;
  paymentDueDays: number;
  gateway: PaymentGatewayKind;
  stripeAccountId: string | null;
  stripeChargesEnabled: boolean;
}

export const DEFAULT_BILLING_SETTINGS: Readonly<BillingSettingsView> = {
  paymentsEnabled: false,
  portalBillingVisible: true,
  currency: 'USD',
  invoiceFooter: null,
  taxId: null,
  defaultTaxRateBp: 0,
  paymentDueDays: 30,
  gateway: 'test',
  stripeAccountId: null,
  stripeChargesEnabled: false,
};

const columns = {
  paymentsEnabled: billingSettings.paymentsEnabled,
  portalBillingVisible: billingSettings.portalBillingVisible,
  currency: billingSettings.currency,
  invoiceFooter: billingSettings.invoiceFooter,
  taxId: billingSettings.taxId,
  defaultTaxRateBp: billingSettings.defaultTaxRateBp,
  paymentDueDays: billingSettings.paymentDueDays,
  gateway: billingSettings.gateway,
  stripeAccountId: billingSettings.stripeAccountId,
  stripeChargesEnabled: billingSettings.stripeChargesEnabled,
};

/** A billing option the clinic cannot have now, in words for the admin. */
export class BillingSettingsRuleError extends RuleError {
  constructor(code: 'currency-locked' | 'gateway-not-ready', message: string, fieldErrors?: Record<string, string>) {
    super(code, message, fieldErrors);
    this.name = 'BillingSettingsRuleError';
  }
}

async function readBillingSettings(db: Executor, tenantId: string): Promise<BillingSettingsView> {
  const [row] = await db.select(columns).from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
  return row ?? { ...DEFAULT_BILLING_SETTINGS };
}

// The portal's layout (its nav), the page's data functions and their checks all ask: one query a request.
const perRequest = requestMemoized(readBillingSettings, (settings) => ({ ...settings }));

/**
 * The clinic's billing options (the defaults when it has never saved them). No permission check:
 * the portal, the EMR and the payment code all read them; what they show is their own business.
 * Inside a transaction always from the database: it may just have changed them, or locked them.
 */
export async function getBillingSettings(db: Executor, tenantId: string): Promise<BillingSettingsView> {
  return perRequest.get(db, tenantId);
}

/**
 * After a change to the clinic's billing options: this request's later reads go to the database
 * (the CRM page reads them again after asking Stripe how the account stands).
 */
export function forgetBillingSettings(tenantId: string): void {
  perRequest.forget(tenantId);
  billingNav.forget(tenantId);
}

/** The portal's Billing section exists only when the clinic takes payments and shows billing there. */
export async function portalBillingEnabled(db: Executor, tenantId: string): Promise<boolean> {
  return billingShown(await getBillingSettings(db, tenantId));
}

function billingShown(settings: BillingSettingsView): boolean {
  return settings.paymentsEnabled && settings.portalBillingVisible;
}

const billingNav = frameMemo('portal-nav-billing', FRAME_MEMO_MS, async (db, tenantId) => billingShown(await readBillingSettings(db, tenantId)));

/**
 * Whether the portal's navigation lists Billing, remembered by the process for a few seconds
 * (every portal page's frame asks; the billing pages and actions ask `portalBillingEnabled`).
 */
export async function billingShownInNav(db: Executor, tenantId: string): Promise<boolean> {
  return billingNav.get(db, tenantId);
}

/**
 * Saves the form (billing.settings). The currency can change only while the clinic has billed
 * nothing: a sent invoice or a payment is in the old currency, and mixing two in one balance
 * would make it meaningless. Drafts and service prices follow the new currency (their amounts
 * are numbers people typed; a draft's currency is re-read when it is sent). The row is locked
 * first, as sending an invoice locks it to take a number, so a currency change and a send
 * cannot pass each other.
 */
export async function updateBillingSettings(db: Executor, ctx: StaffContext, input: BillingSettingsInput): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'billing.settings');
  const after = {
    paymentsEnabled: input.paymentsEnabled,
    portalBillingVisible: input.portalBillingVisible,
    currency: input.currency,
    invoiceFooter: input.invoiceFooter,
    taxId: input.taxId,
    defaultTaxRateBp: input.defaultTaxRate,
    paymentDueDays: input.paymentDueDays,
    gateway: input.gateway,
  };
  return db.transaction(async (tx) => {
    await tx.insert(billingSettings).values({ tenantId: ctx.tenant.id }).onConflictDoNothing();
    const [before] = await tx.select(columns).from(billingSettings).where(eq(billingSettings.tenantId, ctx.tenant.id)).for('update');
    const changed = changedFields(before!, after);
    if (Object.keys(changed).length === 0) return { changed: false };
    // Patients would see "Pay" and then be refused: turning payments on (or moving them to another
    // gateway) needs a gateway that can take them now. Saving other options is never blocked.
    if (after.paymentsEnabled && (changed.paymentsEnabled || changed.gateway)) {
      if (after.gateway === 'stripe' && !(before!.stripeAccountId && before!.stripeChargesEnabled)) {
        throw new BillingSettingsRuleError('gateway-not-ready', 'Payments were not turned on.', {
          paymentsEnabled: before!.stripeAccountId
            ? 'The clinic’s Stripe account cannot take card payments yet: finish its setup with Stripe (Continue Stripe setup), then turn payments on.'
            : 'Connect the clinic’s Stripe account first (Connect Stripe), then turn payments on.',
        });
      }
      if (after.gateway === 'test' && isProductionEnv(process.env)) {
        throw new BillingSettingsRuleError('gateway-not-ready', 'Payments were not turned on.', {
          gateway: 'The test gateway only simulates cards. Choose Stripe and connect the clinic’s account to take real payments.',
        });
      }
    }
    let draftsUpdated = 0;
    if (changed.currency) {
      if (await hasBilled(tx, ctx.tenant.id)) {
        throw new BillingSettingsRuleError(
          'currency-locked',
          'The currency was not changed.',
          { currency: `The clinic has already sent invoices in ${before!.currency}, so its currency can no longer change: balances would mix two currencies.` },
        );
      }
      const drafts = await tx
        .update(invoices)
        .set({ currency: after.currency, updatedAt: now() })
        .where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.status, 'draft'), ne(invoices.currency, after.currency)))
        .returning({ id: invoices.id });
      draftsUpdated = drafts.length;
      // Service prices are in the clinic's currency too (services.currency predates this setting):
      // without this, every visit invoice would be refused as priced in another currency.
      await tx.update(services).set({ currency: after.currency }).where(and(eq(services.tenantId, ctx.tenant.id), ne(services.currency, after.currency)));
    }
    await tx.update(billingSettings).set({ ...after, updatedAt: now() }).where(eq(billingSettings.tenantId, ctx.tenant.id));
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.settingsUpdated,
      target: { type: 'billing_settings', id: ctx.tenant.id },
      details: { changed, ...(changed.currency ? { draftsUpdated } : {}) },
    });
    return { changed: true };
  }).finally(() => forgetBillingSettings(ctx.tenant.id));
}

/** The CRM page's hint: once true, the currency field is shown but cannot change. */
export async function billingCurrencyLocked(db: Executor, ctx: StaffContext): Promise<boolean> {
  assertPermission(ctx, 'billing.settings');
  return hasBilled(db, ctx.tenant.id);
}

/** Whether anything has been billed in the clinic's currency: a sent invoice or a payment. */
async function hasBilled(tx: Executor, tenantId: string): Promise<boolean> {
  const [invoice] = await tx.select({ id: invoices.id }).from(invoices).where(and(eq(invoices.tenantId, tenantId), ne(invoices.status, 'draft'))).limit(1);
  if (invoice) return true;
  const [payment] = await tx.select({ id: payments.id }).from(payments).where(eq(payments.tenantId, tenantId)).limit(1);
  return Boolean(payment);
}
