import 'server-only';
/**
 * A payment provider's decline and error codes in plain words for the person paying. Pure (no
 * database); server-only because the words reach the browser in the actions' results (a client
 * component that needs the table itself can drop the import). Codes are Stripe's (the test
 * gateway uses the same ones). Reasons a bank gives in confidence (a lost or stolen card,
 * suspected fraud) read as an ordinary decline: telling the person at the keyboard that the card
 * is reported stolen helps only a thief.
 */

const DECLINED = 'The card was declined by the bank. Try another card.';
const AUTHENTICATION = "The bank's check was not completed. Try again, or use another card.";

const MESSAGES: Record<string, string> = {
  card_declined: DECLINED,
  generic_decline: DECLINED,
  do_not_honor: DECLINED,
  lost_card: DECLINED,
  stolen_card: DECLINED,
  pickup_card: DECLINED,
  fraudulent: DECLINED,
  restricted_card: DECLINED,
  card_not_supported: DECLINED,
  card_velocity_exceeded: DECLINED,
  withdrawal_count_limit_exceeded: DECLINED,
  transaction_not_allowed: DECLINED,
  insufficient_funds: 'The card was declined for insufficient funds. Try another card.',
  expired_card: 'The card has expired. Try another card.',
  incorrect_cvc: "The card's security code is incorrect. Check it and try again.",
  invalid_cvc: "The card's security code is incorrect. Check it and try again.",
  incorrect_number: 'The card number is incorrect. Check it and try again.',
  invalid_number: 'The card number is incorrect. Check it and try again.',
  invalid_expiry_month: "The card's expiry date is incorrect. Check it and try again.",
  invalid_expiry_year: "The card's expiry date is incorrect. Check it and try again.",
  processing_error: 'The payment could not be processed. Try again in a few minutes.',
  authentication_required: AUTHENTICATION,
  authentication_failed: AUTHENTICATION,
  payment_intent_authentication_failure: AUTHENTICATION,
  setup_intent_authentication_failure: AUTHENTICATION,
  payment_intent_payment_attempt_failed: DECLINED,
  canceled: 'The payment was cancelled. Nothing was charged.',
};

const DEFAULT_MESSAGE = 'The payment could not be completed. Try again, or use another card.';

/** Plain words for a decline or error code; unknown or missing codes get a general sentence. */
export function declineMessage(code: string | null | undefined): string {
  return lookup(MESSAGES, code) ?? DEFAULT_MESSAGE;
}

// Own keys only: a code such as "constructor" must not find Object.prototype's.
function lookup(table: Record<string, string>, code: string | null | undefined): string | undefined {
  return code && Object.hasOwn(table, code) ? table[code] : undefined;
}

const REFUND_MESSAGES: Record<string, string> = {
  amount_too_large: 'The refund is more than what is left of the payment to refund.',
  charge_already_refunded: 'This payment has already been refunded in full.',
  charge_not_succeeded: 'Only a payment that went through can be refunded.',
  charge_disputed: 'This payment is disputed with the bank and cannot be refunded here.',
  expired_or_canceled_card: "The card the payment came from can no longer take a refund; return the money another way.",
  lost_or_stolen_card: "The card the payment came from can no longer take a refund; return the money another way.",
  insufficient_funds: "The clinic's payment account does not have enough money for this refund right now.",
};

/** Plain words for staff when a refund is refused (Stripe's refund failure reasons and error codes). */
export function refundFailureMessage(code: string | null | undefined): string {
  return lookup(REFUND_MESSAGES, code) ?? 'The refund could not be made. Try again later.';
}
