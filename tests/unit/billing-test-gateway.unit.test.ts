import { describe, expect, it } from 'vitest';
import { declineMessage, refundFailureMessage } from '@/lib/billing/decline-messages';
import { cardDigits, findTestCard, formatCardNumber, TEST_CARDS } from '@/lib/billing/gateway/test-cards';

describe('decline messages', () => {
  it('says why a card was declined in plain words', () => {
    expect(declineMessage('card_declined')).toBe('The card was declined by the bank. Try another card.');
    expect(declineMessage('generic_decline')).toBe('The card was declined by the bank. Try another card.');
    expect(declineMessage('insufficient_funds')).toBe('The card was declined for insufficient funds. Try another card.');
    expect(declineMessage('expired_card')).toBe('The card has expired. Try another card.');
    expect(declineMessage('incorrect_cvc')).toBe("The card's security code is incorrect. Check it and try again.");
    expect(declineMessage('processing_error')).toBe('The payment could not be processed. Try again in a few minutes.');
    for (const code of ['authentication_required', 'authentication_failed', 'payment_intent_authentication_failure']) {
      expect(declineMessage(code)).toBe("The bank's check was not completed. Try again, or use another card.");
    }
  });

  it('never tells the person at the keyboard that a card is reported lost, stolen or fraudulent', () => {
    for (const code of ['lost_card', 'stolen_card', 'fraudulent', 'pickup_card']) {
      expect(declineMessage(code)).toBe('The card was declined by the bank. Try another card.');
    }
  });

  it('has a general sentence for unknown or missing codes', () => {
    const general = 'The payment could not be completed. Try again, or use another card.';
    expect(declineMessage('something_new')).toBe(general);
    expect(declineMessage(null)).toBe(general);
    expect(declineMessage(undefined)).toBe(general);
    expect(declineMessage('')).toBe(general);
    // Not a property lookup that could reach Object.prototype.
    expect(declineMessage('constructor')).toBe(general);
  });

  it('explains refused refunds to staff', () => {
    expect(refundFailureMessage('amount_too_large')).toBe('The refund is more than what is left of the payment to refund.');
    expect(refundFailureMessage('charge_already_refunded')).toBe('This payment has already been refunded in full.');
    expect(refundFailureMessage('weird')).toBe('The refund could not be made. Try again later.');
  });
});

describe('test cards', () => {
  it('lists Stripe’s documented numbers with their outcomes', () => {
    expect(TEST_CARDS.map((c) => [c.number, c.brand, c.outcome])).toEqual([
      ['4242424242424242', 'visa', 'success'],
      ['5555555555554444', 'mastercard', 'success'],
      ['4000000000000002', 'visa', 'card_declined'],
      ['4000000000009995', 'visa', 'insufficient_funds'],
      ['4000002500003155', 'visa', 'authentication_required'],
      ['4000000000000341', 'visa', 'charge_declined'],
    ]);
    for (const card of TEST_CARDS) expect(card.label.length).toBeGreaterThan(5);
  });

  it('finds a card typed with spaces or dashes, and nothing else', () => {
    expect(findTestCard('4242 4242 4242 4242')?.outcome).toBe('success');
    expect(findTestCard('4000-0025-0000-3155')?.outcome).toBe('authentication_required');
    expect(findTestCard('4242424242424241')).toBeUndefined();
    expect(findTestCard('4111111111111111')).toBeUndefined();
    expect(findTestCard('')).toBeUndefined();
    expect(cardDigits(' 5555 5555-5555 4444 ')).toBe('5555555555554444');
  });

  it('formats a number in groups of four', () => {
    expect(formatCardNumber('4000000000000341')).toBe('4000 0000 0000 0341');
    expect(formatCardNumber('4242 4242 4242 4242')).toBe('4242 4242 4242 4242');
  });
});
