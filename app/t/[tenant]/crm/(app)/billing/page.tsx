import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { BillingSettingsForm } from '@/components/billing/settings-form';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { billingCurrencyLocked, getBillingSettings } from '@/lib/billing/settings';
import { saveBillingSettingsAction } from './actions';

export const metadata: Metadata = { title: 'Billing' };

export default async function BillingSettingsPage() {
  const ctx = await requireStaff('crm', 'billing.settings');
  const db = getDb();
  const [settings, currencyLocked] = await Promise.all([getBillingSettings(db, ctx.tenant.id), billingCurrencyLocked(db, ctx)]);
  return (
    <Page title="Billing" description="Whether the clinic takes payments, what patients see of their bills in the portal, the currency and tax on invoices, and the payment provider.">
      {settings.gateway === 'test' ? (
        <p role="note" className="rounded-xl border-2 border-dashed border-amber-400 bg-amber-50 p-4 font-medium text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
          Test gateway — simulated cards, no real money. Payments use the built-in simulator and its test card numbers; nothing is charged.
          Choose Stripe below and connect the clinic’s Stripe account to take real payments.
        </p>
      ) : null}

      {/* Stripe connection: the gateway's connect button and onboarding link go in this section. */}
      <CardSection
        id="stripe-connection-heading"
        title="Stripe connection"
        description="Card payments go to the clinic’s own Stripe account: the clinic is the merchant, and Stripe pays out to its bank."
      >
        <dl data-slot="stripe-connection" className="mt-3 grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">Account</dt>
          <dd>{settings.stripeAccountId ? <span className="font-mono">{settings.stripeAccountId}</span> : 'Not connected'}</dd>
          <dt className="font-medium">Can take card payments</dt>
          <dd>{settings.stripeChargesEnabled ? 'Yes' : settings.stripeAccountId ? 'Not yet — Stripe has not enabled charges for this account' : 'No'}</dd>
        </dl>
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
