import 'server-only';
import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { rateLimits } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { lookupHash } from '@/lib/crypto/field-encryption';
import { giveBackRateLimitHit, peekRateLimit, takeRateLimit } from '@/lib/security/rate-limit';
import { SmsSpendAuditActions } from './audit-actions';
import { loadSmsSpendSettings, type SmsSpendSettings } from './clinic-settings';
import { maskPhone, queuedShareOfCeiling } from './rules';

/**
 * Send-rate ceilings against SMS pumping (issue 19 point 3): per phone number and per clinic, per
 * hour, counted in rate_limits (fixed windows shared by every instance). Every SMS the clinic
 * sends takes one from both: sign-in and verification codes when they are requested
 * (lib/auth/challenges.ts: beyond a ceiling the request is refused with the usual "too many
 * codes, try again later", which says nothing about other numbers), queued messages when the
 * outbox dispatcher is about to hand them over (beyond a ceiling they are deferred to the next
 * window, never dropped). Queued messages may use only nine tenths of each ceiling
 * (rules.ts queuedShareOfCeiling), so codes still go during a campaign.
 *
 * A refusal takes nothing (takeRateLimit), and the first refusal of each window is audited, with
 * the number masked. The counter keys hold a keyed hash of the number, never the number.
 */

export type SmsSendKind = 'code' | 'queued';

/** The hits an allowed SMS took: given back if the provider refuses it. */
export interface SmsAllowance {
  hits: readonly { key: string; windowStart: Date }[];
}

export type SmsAllowanceResult =
  | { ok: true; allowance: SmsAllowance }
  | { ok: false; scope: 'phone' | 'clinic'; retryAfterSeconds: number };

const WINDOW_SECONDS = 3600;

// The end-to-end suite signs the same demo patients in dozens of times an hour; as with the
// per-person code limit (lib/auth/policy.ts), only a test server may raise the per-phone ceiling.
const TEST_PHONE_FLOOR = process.env.CAREBRIDGE_ENV === 'test' && process.env.SMS_CODES_PER_HOUR ? Number(process.env.SMS_CODES_PER_HOUR) : 0;

const phoneKey = (tenantId: string, phone: string) => `sms-phone:${tenantId}:${lookupHash('sms-phone', phone)}`;
const clinicKey = (tenantId: string) => `sms-clinic:${tenantId}`;

function limits(settings: SmsSpendSettings, kind: SmsSendKind) {
  const phone = Math.max(settings.perPhoneHourly, TEST_PHONE_FLOOR);
  const clinic = settings.perClinicHourly;
  return kind === 'code' ? { phone, clinic } : { phone: queuedShareOfCeiling(phone), clinic: queuedShareOfCeiling(clinic) };
}

/**
 * Takes one SMS from the phone's and the clinic's hourly ceilings, or neither. Pass the
 * transaction of the send's reservation where there is one (a code's), so a refusal and the
 * reservation commit together.
 */
export async function takeSmsAllowance(
  db: Executor,
  input: { tenantId: string; phone: string; kind: SmsSendKind; settings?: SmsSpendSettings },
): Promise<SmsAllowanceResult> {
  const settings = input.settings ?? (await loadSmsSpendSettings(db, input.tenantId));
  const limit = limits(settings, input.kind);
  const at = clockNow();
  const keys = { phone: phoneKey(input.tenantId, input.phone), clinic: clinicKey(input.tenantId) };
  const phone = await takeRateLimit(db, keys.phone, { limit: limit.phone, windowSeconds: WINDOW_SECONDS, now: at });
  if (!phone.allowed) {
    await recordTrip(db, input, { scope: 'phone', key: keys.phone, windowStart: phone.windowStart, limit: limit.phone });
    return { ok: false, scope: 'phone', retryAfterSeconds: phone.retryAfterSeconds };
  }
  const clinic = await takeRateLimit(db, keys.clinic, { limit: limit.clinic, windowSeconds: WINDOW_SECONDS, now: at });
  if (!clinic.allowed) {
    await giveBackRateLimitHit(db, keys.phone, phone.windowStart);
    await recordTrip(db, input, { scope: 'clinic', key: keys.clinic, windowStart: clinic.windowStart, limit: limit.clinic });
    return { ok: false, scope: 'clinic', retryAfterSeconds: clinic.retryAfterSeconds };
  }
  return { ok: true, allowance: { hits: [{ key: keys.phone, windowStart: phone.windowStart }, { key: keys.clinic, windowStart: clinic.windowStart }] } };
}

/** The provider refused the SMS: it costs neither ceiling. */
export async function giveBackSmsAllowance(db: Executor, allowance: SmsAllowance): Promise<void> {
  for (const hit of allowance.hits) await giveBackRateLimitHit(db, hit.key, hit.windowStart);
}

/**
 * Whether the clinic's ceiling would let a code through now, without taking anything: the decoy of
 * a flow started with an unknown identifier (lib/portal-access/decoy.ts) answers "too many codes"
 * exactly when a real request would, so the ceiling cannot tell which identifiers exist.
 */
export async function clinicCodeCeilingOpen(db: Executor, tenantId: string): Promise<{ open: boolean; retryAfterSeconds: number }> {
  const settings = await loadSmsSpendSettings(db, tenantId);
  const peek = await peekRateLimit(db, clinicKey(tenantId), { limit: limits(settings, 'code').clinic, windowSeconds: WINDOW_SECONDS });
  return { open: peek.allowed, retryAfterSeconds: peek.retryAfterSeconds };
}

/**
 * The first refusal in a counter's window writes one audit entry (a marker row in rate_limits,
 * keyed by the counter, remembers the window it was written for); later refusals in the same
 * window write nothing, so a pumping attempt cannot flood the audit log.
 */
async function recordTrip(
  db: Executor,
  input: { tenantId: string; phone: string; kind: SmsSendKind },
  trip: { scope: 'phone' | 'clinic'; key: string; windowStart: Date; limit: number },
): Promise<void> {
  const windowStart = trip.windowStart.toISOString();
  const first = await db
    .insert(rateLimits)
    .values({ key: `sms-ceiling-trip:${trip.key}`, windowStart: trip.windowStart, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: { windowStart: sql`${windowStart}::timestamptz`, count: 1 },
      setWhere: sql`${rateLimits.windowStart} < ${windowStart}::timestamptz`,
    })
    .returning({ key: rateLimits.key });
  if (first.length === 0) return;
  await recordAudit(db, {
    tenantId: input.tenantId,
    actor: { kind: 'system', label: 'SMS spend guard' },
    action: SmsSpendAuditActions.ceilingReached,
    outcome: 'denied',
    details: {
      scope: trip.scope,
      limitPerHour: trip.limit,
      ...(trip.scope === 'phone' ? { phone: maskPhone(input.phone) } : {}),
      effect: input.kind === 'code' ? 'codes refused' : 'queued messages deferred',
      until: addSeconds(trip.windowStart, WINDOW_SECONDS).toISOString(),
    },
  });
}
