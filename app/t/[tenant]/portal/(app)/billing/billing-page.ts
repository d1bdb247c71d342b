import 'server-only';
import { notFound } from 'next/navigation';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import type { TestCardOutcome } from '@/lib/billing/gateway/test-cards';
import { patientZone } from '@/lib/conversations/display-message';
import type { Translate } from '@/lib/i18n/core';
import type { billing } from '@/lib/i18n/messages/billing';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

/**
 * What the portal's billing pages share. Every page reads through lib/billing, which answers
 * not-found for another patient's invoice, payment or card and for everything while the clinic
 * does not show billing in the portal; the page then answers 404.
 */

type T = Translate<typeof billing.en>;

export async function orNotFound<R>(read: Promise<R>): Promise<R> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

/** The clinic's name as patients know it, and the zone times are shown in (the patient's, else the clinic's). */
export async function clinicOf(ctx: PortalContext): Promise<{ name: string; zone: string }> {
  const profile = await getTenantProfile(ctx.tenant.id);
  return { name: profile?.branding.displayName ?? ctx.tenant.name, zone: patientZone(ctx.account.timeZone, profile?.locations ?? []) };
}

/** The schemas' message keys (lib/billing/portal-forms.ts) in the patient's language, for the browser's check. */
export function formErrors(t: T): Record<string, string> {
  const keys = [
    'fixErrors', 'errPageExpired', 'errNotFound', 'errCardNotFound', 'errChooseInvoice', 'errCardNumberRequired', 'errTestCardUnknown',
    'errExpiry', 'errCardExpired', 'errCvc', 'errCardToken', 'errScope', 'errMaxAmount',
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, t(k)]));
}

export function testCardOutcomes(t: T): Record<TestCardOutcome, string> {
  return {
    success: t('testCard_success'),
    card_declined: t('testCard_card_declined'),
    insufficient_funds: t('testCard_insufficient_funds'),
    authentication_required: t('testCard_authentication_required'),
    charge_declined: t('testCard_charge_declined'),
  };
}

/** The platform's publishable key for Stripe.js (public by design), or null when Stripe is not set up. */
export function stripePublishableKey(): string | null {
  return process.env.NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY?.trim() || null;
}

export const linkButton =
  'inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2.5 text-base font-semibold text-brand-contrast shadow-sm hover:shadow-md';
export const secondaryLink =
  'inline-flex min-h-11 items-center justify-center rounded-lg border border-line bg-surface px-4 py-2.5 text-base font-medium hover:bg-surface-muted';
export const textLink = 'inline-flex min-h-11 items-center link';
