import 'server-only';
import type { ChargePurpose } from '@/db/schema/billing';
import { authorizationText } from '@/lib/billing/charge-rules';
import { brandName } from '@/lib/billing/pdf';
import type { Locale, Translate } from '@/lib/i18n/core';
import type { billing } from '@/lib/i18n/messages/billing';
import type { AuthorizationMessages } from '@/components/billing/portal/authorization-fields';

type T = Translate<typeof billing.en>;

/** "Visa •••• 4242" */
export function cardName(t: T, card: { brand: string; last4: string }): string {
  return t('cardLabel', { brand: brandName(card.brand), last4: card.last4 });
}

export function purposeLabels(t: T): Record<ChargePurpose, string> {
  return { invoices: t('purpose_invoices'), no_show_fees: t('purpose_no_show_fees'), subscriptions: t('purpose_subscriptions') };
}

/**
 * The authorisation's words and fields. In English the wording is lib's own (the version lib
 * records is of that text); in Spanish, the catalogue's translation of it.
 */
export function authorizationMessages(t: T, locale: Locale, clinic: string): AuthorizationMessages {
  return {
    legend: t('authorizeLegend', { clinic }),
    checkbox: t('authorizeCheckbox', { clinic }),
    text: locale === 'en' ? authorizationText(clinic) : t('authorizationText', { clinic }),
    scopeLegend: t('scopeLegend'),
    purposes: purposeLabels(t),
    maxAmountLabel: t('maxAmountLabel'),
    maxAmountHint: t('maxAmountHint'),
  };
}
