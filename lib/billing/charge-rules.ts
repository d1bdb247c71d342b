import 'server-only';
import type { ChargePurpose } from '@/db/schema/billing';
import { formatMoney } from './money';

/**
 * Whether the clinic may charge a saved card without the patient present (pure: the desk's
 * button shows the same words the server refuses with). The patient's authorisation must be
 * active, cover the purpose and allow the amount; the card must not have expired.
 */

export const AUTHORIZATION_TEXT_VERSION = '2026-12-v1';

export const CHARGE_PURPOSE_LABELS: Record<ChargePurpose, string> = {
  invoices: 'invoices for visits and products',
  no_show_fees: 'fees for missed visits (no-shows and late cancellations)',
  subscriptions: 'subscription renewals',
};

/** The words the patient agrees to, by version: kept so an old authorisation can be read as given. */
export function authorizationText(clinicName: string, version = AUTHORIZATION_TEXT_VERSION): string {
  if (version !== AUTHORIZATION_TEXT_VERSION) throw new Error(`unknown authorisation text version ${version}`);
  return `I authorise ${clinicName} to charge this card, without asking me each time, for the purposes I have ticked and up to the limit I set. ` +
    `I will be sent a receipt for every charge. I can withdraw this authorisation at any time in the patient portal; charges made before then stand.`;
}

export interface CardForCharge {
  expMonth: number;
  expYear: number;
  removedAt: Date | null;
}

export interface AuthorizationForCharge {
  scopes: readonly ChargePurpose[];
  maxAmount: number | null;
  revokedAt: Date | null;
}

/** Null when the charge is allowed, else why not, in the words staff read on the button. */
export function chargeRefusal(
  card: CardForCharge | null, authorization: AuthorizationForCharge | null, purpose: ChargePurpose, amount: number, currency: string, today: { year: number; month: number },
): string | null {
  if (!card || card.removedAt) return 'The patient has no saved card.';
  if (card.expYear < today.year || (card.expYear === today.year && card.expMonth < today.month)) return 'The saved card has expired.';
  if (!authorization || authorization.revokedAt) return 'The patient has not authorised the clinic to charge this card.';
  if (!authorization.scopes.includes(purpose)) return `The patient's authorisation does not cover ${CHARGE_PURPOSE_LABELS[purpose]}.`;
  if (authorization.maxAmount !== null && amount > authorization.maxAmount) {
    return `The patient authorised charges of up to ${formatMoney(authorization.maxAmount, currency)}; this one is ${formatMoney(amount, currency)}.`;
  }
  if (amount <= 0) return 'Nothing is due on this invoice.';
  return null;
}
