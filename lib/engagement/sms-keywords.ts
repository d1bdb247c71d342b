import 'server-only';
import type { Executor } from '@/db/client';
import { recordConsentForAddress } from './consent';
import { normaliseAddress, suppress, unsuppress } from './suppressions';

/**
 * The carrier keywords of a reply to a clinic's text (CTIA; AWS End User Messaging treats the
 * same words as opt-out and opt-in): STOP and its synonyms stop every text to that number,
 * START and UNSTOP lift that, HELP asks for information (the provider answers it; nothing
 * changes here). Only a reply that is the keyword alone counts ("Stop." yes, "stop by at 3" no).
 *
 * The inbound route that would call this in production (SNS two-way SMS) is not built yet;
 * /dev/outbox calls it to play a reply in development.
 */

export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  STOP: 'stop', STOPALL: 'stop', UNSUBSCRIBE: 'stop', CANCEL: 'stop', END: 'stop', QUIT: 'stop',
  START: 'start', UNSTOP: 'start',
  HELP: 'help',
};

/** The keyword a reply is, or null for an ordinary message. Case, spaces and punctuation do not matter. */
export function parseSmsKeyword(text: string): SmsKeyword | null {
  if (typeof text !== 'string' || text.length > 160) return null;
  // "Stop all" and "STOP ALL" are STOPALL; "stop!" is STOP. Letters only, so a sentence never matches.
  const word = text.normalize('NFKC').toUpperCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  return Object.hasOwn(KEYWORDS, word) ? KEYWORDS[word]! : null;
}

export interface SmsKeywordOutcome {
  keyword: SmsKeyword | null;
  /** Patients of the clinic with this phone whose recorded consent changed (STOP only). */
  patientsChanged: number;
}

/**
 * Applies a reply from `phone` to the clinic `tenantId`:
 * - STOP (and synonyms): the number goes on the suppression list ('stopped': no text at all,
 *   care included), and every patient of the clinic with that phone gets a recorded "no" to SMS
 *   for both purposes (source 'sms_keyword');
 * - START / UNSTOP: the 'stopped' row goes and the patients with that phone get a recorded
 *   "yes" to care texts again (reminders, codes: what STOP took away); marketing stays "no" —
 *   a patient who wants offers by text says so in the portal or to staff;
 * - HELP or anything else: nothing.
 * One transaction. `phone` is normalised to E.164; a number that is not one changes nothing.
 */
export async function applySmsKeyword(db: Executor, tenantId: string, phone: string, text: string): Promise<SmsKeywordOutcome> {
  const keyword = parseSmsKeyword(text);
  const address = normaliseAddress('sms', phone);
  if (!address || (keyword !== 'stop' && keyword !== 'start')) return { keyword, patientsChanged: 0 };
  return db.transaction(async (tx) => {
    if (keyword === 'start') {
      await unsuppress(tx, tenantId, 'sms', address);
      const restored = await recordConsentForAddress(
        tx, tenantId,
        { channel: 'sms', address, purposes: ['care'], granted: true, source: 'sms_keyword' },
        { actor: { kind: 'system', label: 'SMS reply' } },
      );
      return { keyword, patientsChanged: restored.length };
    }
    await suppress(tx, tenantId, 'sms', address, 'stopped');
    const changed = await recordConsentForAddress(
      tx, tenantId,
      { channel: 'sms', address, purposes: ['care', 'marketing'], granted: false, source: 'sms_keyword' },
      { actor: { kind: 'system', label: 'SMS reply' } },
    );
    return { keyword, patientsChanged: changed.length };
  });
}
