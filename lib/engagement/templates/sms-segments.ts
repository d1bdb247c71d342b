import { SegmentedMessage } from 'sms-segments-calculator';

/**
 * How many parts (segments) an SMS is sent as, which is what the clinic pays for (issue 18
 * point 9). Counted by Twilio's calculator (sms-segments-calculator): GSM-7 when every character
 * is in the GSM 03.38 alphabet — 160 characters in one part, 153 a part when split, the
 * extension characters (€ [ ] { } | ^ ~ \) taking two places — else UCS-2, 70 in one part and 67
 * a part when split (an emoji takes two places, and is never split across parts). Spanish á, í,
 * ó and ú are not GSM-7: one of them makes the whole text UCS-2. Browser-safe (the CRM's live count).
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  segments: number;
  encoding: SmsEncoding;
  /** Characters as a person counts them (an emoji or an accented letter is one). */
  characters: number;
}

/** A template is refused above this: a longer text costs too much for a clinic by mistake. */
export const MAX_SMS_SEGMENTS = 10;

export function smsSegments(text: string): SmsSegments {
  if (text === '') return { segments: 0, encoding: 'GSM-7', characters: 0 };
  const message = new SegmentedMessage(text);
  return { segments: message.segmentsCount, encoding: message.encodingName, characters: message.graphemes.length };
}

/** "2 segments · GSM-7, 190 characters". */
export function describeSmsSegments(count: SmsSegments): string {
  const segments = `${count.segments} ${count.segments === 1 ? 'segment' : 'segments'}`;
  const characters = `${count.characters.toLocaleString('en-US')} ${count.characters === 1 ? 'character' : 'characters'}`;
  return `${segments} · ${count.encoding}, ${characters}`;
}

/** The line every marketing SMS ends with, unless its text already says how to stop. */
export const SMS_STOP_LINE: Record<'en' | 'es', string> = {
  en: 'Reply STOP to opt out.',
  // No á/í/ó/ú, which would make the whole text UCS-2.
  es: 'Responda STOP para darse de baja.',
};

/** An SMS as it is sent: a marketing text gets the STOP line (carriers require one) when it has none. */
export function smsAsSent(text: string, purpose: 'care' | 'marketing', language: 'en' | 'es'): string {
  const trimmed = text.trim();
  return purpose === 'marketing' && !/\bSTOP\b/.test(trimmed) ? `${trimmed}\n${SMS_STOP_LINE[language]}` : trimmed;
}
