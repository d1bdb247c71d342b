import 'server-only';
import { and, eq, exists, or, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patients, portalAccounts, suppressions, tenants } from '@/db/schema';
import { recordConsentForAddress } from './consent';
import { normaliseAddress, suppress, unsuppress } from './suppressions';

/**
 * The carrier keywords of a reply to a clinic's text (CTIA; AWS End User Messaging treats the
 * same words as opt-out and opt-in): STOP and its synonyms stop every text to that number,
 * START and UNSTOP lift that, HELP asks for information (the provider answers it; nothing
 * changes here). Only a reply that is the keyword alone counts ("Stop." yes, "stop by at 3" no).
 * The stop words are AWS's required opt-out keywords, so what the product records matches the
 * opt-out list AWS keeps for the number.
 *
 * In production the replies come from AWS End User Messaging through SNS
 * (app/api/webhooks/sms/route.ts → applyInboundSmsKeyword below); in development /dev/outbox
 * plays a reply to one clinic's captured text with applySmsKeyword.
 */

export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Readonly<Record<string, SmsKeyword>> = {
  STOP: 'stop', STOPALL: 'stop', UNSUBSCRIBE: 'stop', CANCEL: 'stop', END: 'stop', QUIT: 'stop',
  // AWS's list also has these ("OPT-OUT" reads as OPTOUT; ARRET and TD are French).
  OPTOUT: 'stop', REMOVE: 'stop', ARRET: 'stop', TD: 'stop',
  START: 'start', UNSTOP: 'start',
  HELP: 'help',
};

/** The keyword a reply is, or null for an ordinary message. Case, spaces and punctuation do not matter. */
export function parseSmsKeyword(text: string): SmsKeyword | null {
  if (typeof text !== 'string' || text.length > 160) return null;
  // "Stop all" and "STOP ALL" are STOPALL; "stop!" is STOP; "Arrêt" is ARRET (accents dropped).
  // Letters only, so a sentence never matches.
  const word = text.normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().replace(/[\s\p{P}\p{S}]+/gu, '');
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
  const patientsChanged = await db.transaction((tx) => applyToClinic(tx, tenantId, address, keyword));
  return { keyword, patientsChanged };
}

/** STOP or START for one clinic, in the caller's transaction: the patients whose answer changed. */
async function applyToClinic(tx: Executor, tenantId: string, address: string, keyword: 'stop' | 'start'): Promise<number> {
  const by = { actor: { kind: 'system', label: 'SMS reply' } } as const;
  if (keyword === 'start') {
    await unsuppress(tx, tenantId, 'sms', address);
    const restored = await recordConsentForAddress(tx, tenantId, { channel: 'sms', address, purposes: ['care'], granted: true, source: 'sms_keyword' }, by);
    return restored.length;
  }
  await suppress(tx, tenantId, 'sms', address, 'stopped');
  const changed = await recordConsentForAddress(tx, tenantId, { channel: 'sms', address, purposes: ['care', 'marketing'], granted: false, source: 'sms_keyword' }, by);
  return changed.length;
}

export interface InboundSmsKeywordOutcome {
  keyword: SmsKeyword | null;
  /** Clinics the STOP or START was applied to. */
  clinics: number;
  /** Patients, across those clinics, whose recorded answer changed. */
  patientsChanged: number;
}

/**
 * A reply that reached the platform's number in production (AWS End User Messaging, through
 * the SNS webhook). Every clinic texts from the same AWS account and origination number(s)
 * (lib/sms/sns-sender.ts publishes with no per-clinic sender), and AWS's own opt-out list is
 * per account: a STOP there stops the phone for every clinic. So the reply is applied, as
 * applySmsKeyword does, to each clinic that knows the phone — a patient's phone, a portal
 * account's (a parent who gets a child's reminders), or an SMS suppression row (a START must
 * find a STOP whose patient has since changed number) — all in one transaction.
 *
 * Inbound messages are not stored (no table for them, by design): the effect is idempotent
 * instead, so SNS delivering the same message twice (it delivers at least once) changes nothing
 * the second time: the number is already suppressed (an upsert) and the answers are already
 * "no", and consent rows with their audit entries are written only when an answer changes.
 * Replies apply in the order they arrive; the webhook refuses deliveries older than SNS's retry
 * window, so an old captured STOP cannot be replayed after a START.
 */
export async function applyInboundSmsKeyword(db: Executor, phone: string, text: string): Promise<InboundSmsKeywordOutcome> {
  const keyword = parseSmsKeyword(text);
  const address = normaliseAddress('sms', phone);
  const outcome: InboundSmsKeywordOutcome = { keyword, clinics: 0, patientsChanged: 0 };
  if (!address || (keyword !== 'stop' && keyword !== 'start')) return outcome;
  return db.transaction(async (tx) => {
    for (const tenantId of await clinicsKnowingPhone(tx, address)) {
      outcome.patientsChanged += await applyToClinic(tx, tenantId, address, keyword);
      outcome.clinics++;
    }
    return outcome;
  });
}

/** Clinics with a patient, a portal account or an SMS suppression for the phone (E.164). */
async function clinicsKnowingPhone(tx: Executor, address: string): Promise<string[]> {
  // One EXISTS per clinic, so patients are found through their (tenant_id, phone) index.
  const rows = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(or(
      exists(tx.select({ one: sql`1` }).from(patients).where(and(eq(patients.tenantId, tenants.id), eq(patients.phone, address)))),
      exists(tx.select({ one: sql`1` }).from(portalAccounts).where(and(eq(portalAccounts.tenantId, tenants.id), eq(portalAccounts.phone, address)))),
      exists(tx.select({ one: sql`1` }).from(suppressions).where(and(eq(suppressions.tenantId, tenants.id), eq(suppressions.channel, 'sms'), eq(suppressions.address, address)))),
    ))
    .orderBy(tenants.id);
  return rows.map((r) => r.id);
}
