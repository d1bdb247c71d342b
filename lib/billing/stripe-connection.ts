import 'server-only';

/**
 * The words of CRM → Billing's Stripe connection (the answers of its buttons, and the page after
 * Stripe sends the admin back). No Stripe and no database, but read only by the page and the
 * actions.
 */

export interface StripeAccountStatus {
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
}

/** What Stripe said about the clinic's account, and what the admin does next. */
export function stripeStatusMessage(status: StripeAccountStatus): string {
  if (status.chargesEnabled) return 'Stripe says the account can take card payments.';
  if (status.detailsSubmitted) {
    return 'Stripe has the account’s details and is still reviewing them: card payments are not enabled yet. Choose “Check status again” later.';
  }
  return 'Stripe still needs the account’s details. Choose “Continue Stripe setup” to finish them.';
}

export const STRIPE_CONNECTION_TEXT = {
  /** When the platform has no Stripe keys: nothing an admin of a clinic can do about it. */
  notConfigured: 'Stripe is not set up on this platform. The platform operator must set STRIPE_SECRET_KEY first; until then the clinic can use the test gateway.',
  /** Stripe's refresh_url: the onboarding link expired or was used already. */
  linkExpired: 'The Stripe setup link expired or was already used. Choose “Continue Stripe setup” for a fresh one.',
  backFromStripe: 'Back from Stripe.',
  checkAgain: 'Choose “Check status again” to ask Stripe again.',
} as const;

/**
 * The only place "Connect Stripe" sends a browser: Stripe's onboarding host (the CSP of CRM →
 * Billing admits it as a form's target, lib/security/headers.ts). An account link elsewhere is
 * not followed.
 */
export function isStripeOnboardingUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.host === 'connect.stripe.com';
  } catch {
    return false;
  }
}
