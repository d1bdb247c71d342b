import { describe, expect, it } from 'vitest';
import { describeSmsSegments, MAX_SMS_SEGMENTS, smsAsSent, smsSegments } from '@/lib/engagement/templates/sms-segments';

/**
 * SMS segments (issue 18 point 9): what a text costs. GSM-7 fits 160 characters in one part and
 * 153 a part once split (the extension characters take two places); one character outside the
 * alphabet makes the text UCS-2, 70 in one part and 67 a part.
 */

const gsm = (n: number) => 'a'.repeat(n);

describe('GSM-7', () => {
  it('fits 160 in one part, then 153 a part', () => {
    expect(smsSegments(gsm(160))).toEqual({ segments: 1, encoding: 'GSM-7', characters: 160 });
    expect(smsSegments(gsm(161))).toEqual({ segments: 2, encoding: 'GSM-7', characters: 161 });
    expect(smsSegments(gsm(306)).segments).toBe(2);
    expect(smsSegments(gsm(307)).segments).toBe(3);
    expect(smsSegments(gsm(153 * 10)).segments).toBe(10);
    expect(smsSegments(gsm(153 * 10 + 1)).segments).toBe(11);
  });

  it('counts an extension character (€ [ ] { } | ^ ~ \\) as two places, but one character', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ segments: 1, encoding: 'GSM-7', characters: 80 });
    expect(smsSegments('€'.repeat(81))).toEqual({ segments: 2, encoding: 'GSM-7', characters: 81 });
    expect(smsSegments(`${gsm(159)}[`).segments).toBe(2);
    expect(smsSegments(`${gsm(158)}~`).segments).toBe(1);
  });

  it('keeps the GSM letters of Spanish (é ñ ü ¿ ¡) in GSM-7', () => {
    expect(smsSegments('¿Mañana? ¡Sí! é ü').encoding).toBe('UCS-2'); // í is not GSM-7
    expect(smsSegments('¿Mañana? ¡Claro! é ü Ñ').encoding).toBe('GSM-7');
  });
});

describe('UCS-2', () => {
  it('fits 70 in one part, then 67 a part, when one character is outside GSM-7', () => {
    expect(smsSegments(`á${gsm(69)}`)).toEqual({ segments: 1, encoding: 'UCS-2', characters: 70 });
    expect(smsSegments(`á${gsm(70)}`)).toEqual({ segments: 2, encoding: 'UCS-2', characters: 71 });
    expect(smsSegments(`á${gsm(133)}`).segments).toBe(2);
    expect(smsSegments(`á${gsm(134)}`).segments).toBe(3);
    // A typographic apostrophe is enough to leave GSM-7.
    expect(smsSegments('Can’t come?').encoding).toBe('UCS-2');
  });

  it('counts an emoji as one character and two places', () => {
    expect(smsSegments('😀'.repeat(35))).toEqual({ segments: 1, encoding: 'UCS-2', characters: 35 });
    expect(smsSegments('😀'.repeat(36)).segments).toBe(2);
  });
});

describe('what the CRM shows', () => {
  it('says the count, the encoding and the characters', () => {
    expect(describeSmsSegments(smsSegments(gsm(190)))).toBe('2 segments · GSM-7, 190 characters');
    expect(describeSmsSegments(smsSegments('Hi'))).toBe('1 segment · GSM-7, 2 characters');
    expect(describeSmsSegments(smsSegments(''))).toBe('0 segments · GSM-7, 0 characters');
    expect(MAX_SMS_SEGMENTS).toBe(10);
  });

  it('ends a marketing text with how to stop, unless it says so already; a care text as written', () => {
    expect(smsAsSent(' Spring offer at Sunrise. ', 'marketing', 'en')).toBe('Spring offer at Sunrise.\nReply STOP to opt out.');
    expect(smsAsSent('Oferta de primavera.', 'marketing', 'es')).toBe('Oferta de primavera.\nResponda STOP para darse de baja.');
    expect(smsAsSent('Offer. Text STOP to end.', 'marketing', 'en')).toBe('Offer. Text STOP to end.');
    expect(smsAsSent('Your visit is tomorrow.', 'care', 'en')).toBe('Your visit is tomorrow.');
    expect(smsSegments(smsAsSent('Oferta de primavera.', 'marketing', 'es')).encoding).toBe('GSM-7');
  });
});
