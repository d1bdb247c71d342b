'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { refreshStripeStatus, startStripeOnboarding, StripeConnectError } from '@/lib/billing/gateway/stripe-connect';
import { updateBillingSettings } from '@/lib/billing/settings';
import { BILLING_SETTINGS_FIELDS, billingSettingsSchema } from '@/lib/billing/settings-forms';
import { isStripeOnboardingUrl, stripeStatusMessage } from '@/lib/billing/stripe-connection';
import { getRequestOrigin } from '@/lib/http/request-origin';

export const saveBillingSettingsAction = staffAction(
  {
    area: 'crm', permission: 'billing.settings', schema: billingSettingsSchema, echo: BILLING_SETTINGS_FIELDS,
    messages: { forbidden: 'You don’t have permission to change the clinic’s billing options.' },
  },
  async (ctx, input): Promise<ActionState> => {
    const { changed } = await updateBillingSettings(getDb(), ctx, input);
    if (!changed) return { ok: true, message: 'Nothing to save: the billing options are already as shown.' };
    // Read per request by the portal, the EMR and the payment code: only this page shows them cached.
    revalidatePath('/crm/billing');
    return { ok: true, message: 'Billing options saved.' };
  },
);

const stripeSpec = {
  area: 'crm', permission: 'billing.settings',
  messages: { forbidden: 'You don’t have permission to connect the clinic’s Stripe account.' },
} as const;

/**
 * "Connect Stripe" / "Continue Stripe setup": the clinic's account is made once (lib), then each
 * press gets a fresh onboarding link and the browser goes to Stripe (a 303 without JavaScript).
 * Stripe sends the admin back to this page on the host of this request (one of the clinic's own
 * hosts, as resolved for the session), never to an address taken from the form.
 */
export const connectStripeAction = staffAction(stripeSpec, async (ctx): Promise<ActionState> => {
  const origin = await getRequestOrigin();
  const { url } = await startStripeOnboarding(getDb(), ctx, {
    returnUrl: `${origin}/crm/billing?stripe=return`,
    refreshUrl: `${origin}/crm/billing?stripe=refresh`,
  });
  revalidatePath('/crm/billing');
  if (!isStripeOnboardingUrl(url)) throw new StripeConnectError('stripe-unavailable');
  redirect(url);
});

/** "Check status again": asks Stripe whether the account can take charges now (lib stores and audits a change). */
export const refreshStripeStatusAction = staffAction(stripeSpec, async (ctx): Promise<ActionState> => {
  const status = await refreshStripeStatus(getDb(), ctx);
  revalidatePath('/crm/billing');
  return { ok: true, message: stripeStatusMessage(status) };
});
