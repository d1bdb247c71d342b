import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { BillingSettingsForm } from '@/components/billing/settings-form';
import { StripeConnectionForms } from '@/components/billing/stripe-connection-forms';
import { FormMessage } from '@/components/ui/form-controls';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import type { StaffContext } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { refreshStripeStatus, StripeConnectError } from '@/lib/billing/gateway/stripe-connect';
import { isStripeConfigured } from '@/lib/billing/gateway/stripe-gateway';
import { billingCurrencyLocked, getBillingSettings } from '@/lib/billing/settings';
import { STRIPE_CONNECTION_TEXT, stripeStatusMessage } from '@/lib/billing/stripe-connection';
import { connectStripeAction, refreshStripeStatusAction, saveBillingSettingsAction } from './actions';

export const metadata: Metadata = { title: 'Billing' };

type Notice = { message: string; tone: 'info' | 'error' };

/**
 * Stripe sends the admin back with ?stripe=return (ask it once how the account stands now) or
 * ?stripe=refresh (the onboarding link expired or was used: press the button for a fresh one).
 */
async function stripeNotice(ctx: StaffContext, back: unknown, configured: boolean, hasAccount: boolean): Promise<Notice | null> {
  if (!configured) return null;
  if (back === 'refresh') return { message: STRIPE_CONNECTION_TEXT.linkExpired, tone: 'info' };
  if (back !== 'return' || !hasAccount) return null;
  try {
    const status = await refreshStripeStatus(getDb(), ctx);
    return { message: `${STRIPE_CONNECTION_TEXT.backFromStripe} ${stripeStatusMessage(status)}`, tone: 'info' };
  } catch (error) {
    if (!(error instanceof StripeConnectError)) throw error;
    return { message: `${error.userMessage} ${STRIPE_CONNECTION_TEXT.checkAgain}`, tone: 'error' };
  }
}

export default async function BillingSettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('crm', 'billing.settings');
  const db = getDb();
  const configured = isStripeConfigured();
  const before = await getBillingSettings(db, ctx.tenant.id);
  const notice = await stripeNotice(ctx, (await searchParams).stripe, configured, Boolean(before.stripeAccountId));
  // Read again when Stripe was just asked: the section shows what it said.
  const [settings, currencyLocked] = await Promise.all([notice ? getBillingSettings(db, ctx.tenant.id) : before, billingCurrencyLocked(db, ctx)]);
  return (
    <Page title="Billing" description="Whether the clinic takes payments, what patients see of their bills in the portal, the currency and tax on invoices, and the payment provider.">
      {settings.gateway === 'test' ? (
        <p role="note" className="rounded-xl border-2 border-dashed border-amber-400 bg-amber-50 p-4 font-medium text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          Test gateway — simulated cards, no real money. Payments use the built-in simulator and its test card numbers; nothing is charged.
          Choose Stripe below and connect the clinic’s Stripe account to take real payments.
        </p>
      ) : null}

      <CardSection
        id="stripe-connection-heading"
        title="Stripe connection"
        description="Card payments go to the clinic’s own Stripe account: the clinic is the merchant, and Stripe pays out to its bank."
      >
        {notice ? <div className="mt-3" data-testid="stripe-notice"><FormMessage message={notice.message} tone={notice.tone} /></div> : null}
        <dl data-slot="stripe-connection" className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">Account</dt>
          <dd>{settings.stripeAccountId ? <span className="font-mono">{settings.stripeAccountId}</span> : 'Not connected'}</dd>
          <dt className="font-medium">Can take card payments</dt>
          <dd>{settings.stripeChargesEnabled ? 'Yes' : settings.stripeAccountId ? 'Not yet — Stripe has not enabled charges for this account' : 'No'}</dd>
        </dl>
        {configured ? (
          <StripeConnectionForms
            connect={connectStripeAction}
            refresh={refreshStripeStatusAction}
            hasAccount={Boolean(settings.stripeAccountId)}
            chargesEnabled={settings.stripeChargesEnabled}
          />
        ) : (
          <p className="mt-4 rounded-lg border border-line bg-surface-muted px-3 py-2 text-sm" data-testid="stripe-not-configured">{STRIPE_CONNECTION_TEXT.notConfigured}</p>
        )}
      </CardSection>

      <BillingSettingsForm
        action={saveBillingSettingsAction}
        currencyLocked={currencyLocked}
        initial={{
          paymentsEnabled: settings.paymentsEnabled,
          portalBillingVisible: settings.portalBillingVisible,
          currency: settings.currency,
          invoiceFooter: settings.invoiceFooter ?? '',
          taxId: settings.taxId ?? '',
          defaultTaxRateBp: settings.defaultTaxRateBp,
          paymentDueDays: settings.paymentDueDays,
          gateway: settings.gateway,
        }}
      />
    </Page>
  );
}
