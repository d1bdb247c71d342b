/**
 * The built-in test gateway's card numbers, mirroring Stripe's documented test cards so the same
 * numbers behave the same way in both. Pure and browser-safe: the payment pages show this list
 * in their "Test cards" help box. Any future expiry date and any 3-digit security code work.
 */

export type TestCardOutcome =
  /** Payments and saving succeed. */
  | 'success'
  /** Every payment and saving the card is declined (card_declined). */
  | 'card_declined'
  /** Payments are declined for insufficient funds; the card can still be saved. */
  | 'insufficient_funds'
  /** A payment the patient makes (and saving the card) needs the bank's check; charges of the saved card do not. */
  | 'authentication_required'
  /** Saving the card succeeds, every charge of it is declined. */
  | 'charge_declined';

export interface TestCard {
  /** Digits only. */
  number: string;
  brand: 'visa' | 'mastercard';
  /** What the help box shows beside the number. */
  label: string;
  outcome: TestCardOutcome;
}

export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', brand: 'visa', label: 'Visa: the payment succeeds', outcome: 'success' },
  { number: '5555555555554444', brand: 'mastercard', label: 'Mastercard: the payment succeeds', outcome: 'success' },
  { number: '4000000000000002', brand: 'visa', label: 'Declined by the bank', outcome: 'card_declined' },
  { number: '4000000000009995', brand: 'visa', label: 'Declined for insufficient funds', outcome: 'insufficient_funds' },
  { number: '4000002500003155', brand: 'visa', label: "Needs the bank's check (simulated 3-D Secure) when the patient pays", outcome: 'authentication_required' },
  { number: '4000000000000341', brand: 'visa', label: 'Saves fine, but every charge of it is declined', outcome: 'charge_declined' },
];

/** Digits only: what a person types with spaces or dashes between the groups. */
export function cardDigits(input: string): string {
  return input.replace(/[\s-]/g, '');
}

/** The test card with this number (spaces and dashes allowed), if it is one. */
export function findTestCard(number: string): TestCard | undefined {
  const digits = cardDigits(number);
  return TEST_CARDS.find((c) => c.number === digits);
}

/** "4242 4242 4242 4242": the number in groups of four, as the help box shows it. */
export function formatCardNumber(number: string): string {
  return cardDigits(number).replace(/(\d{4})(?=\d)/g, '$1 ');
}
