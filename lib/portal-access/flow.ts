import 'server-only';
import { and, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges, type AuthChallenge, type ChallengePurpose } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record-audit';
import { AuditActions, type AuditAction } from '@/lib/audit/actions';
import { challengeKey, challengePayload, createChallenge, findOpenChallenge, firstCodeRefusal, sendSignInCode, verifyChallengeCode, type CodeSendOutcome } from '@/lib/auth/challenges';
import { clearSignInFailures, lockRemainingSeconds, recordSignInFailure } from '@/lib/auth/lockout';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { getSmsSender } from '@/lib/messaging/providers';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { checkDecoyCode, resendDecoy } from './decoy';

/**
 * The SMS-code step every way into the portal shares, with portal sign-in's rules and answers:
 * a code bound to one challenge (the HttpOnly cookie holds its id), 60 s between sends, 5 sends
 * an hour, 5 guesses a code, and wrong codes counted towards the flow's lockout key.
 */

export type FlowArea = 'activation' | 'claim' | 'invite' | 'password-reset' | 'signup' | 'registration';

/** Every flow keeps its lockout key in the payload; the rest is the flow's own. */
export interface FlowPayload {
  lockKey?: string;
}

export type { CodeSendOutcome } from '@/lib/auth/challenges';

/** A new attempt with its first code on the way (or a decoy's, which answers the same). */
export type AttemptStart =
  | { ok: true; challengeId: string; resendAvailableAt: Date }
  | AttemptRefusal;
export type AttemptRefusal = ReturnType<typeof firstCodeRefusal>;

export type ResendOutcome = CodeSendOutcome | { ok: false; error: 'no-attempt' };

export type CodeCheckOutcome =
  | { ok: true; challenge: AuthChallenge }
  | { ok: false; error: 'no-attempt' | 'malformed' | 'expired' | 'too-many-attempts' | 'no-code' }
  | { ok: false; error: 'wrong-code'; attemptsLeft: number }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

/** Why a code was not taken (a flow's own reasons come on top). */
export type CodeRefusal = Exclude<CodeCheckOutcome, { ok: true }>;

export function flowActor(challenge: Pick<AuthChallenge, 'subjectKind' | 'subjectId'>): AuditActor {
  return challenge.subjectKind === 'portal_account' ? { kind: 'patient', id: challenge.subjectId } : { kind: 'anonymous' };
}

function flowPatientId(challenge: Pick<AuthChallenge, 'subjectKind' | 'subjectId'>): string | null {
  return challenge.subjectKind === 'patient' ? challenge.subjectId : null;
}

export function readFlowPayload<T extends FlowPayload>(challenge: AuthChallenge): Partial<T> {
  return challengePayload<T & Record<string, unknown>>(challenge);
}

/** Replaces the payload of a challenge whose code is not yet verified. */
export async function writeFlowPayload(db: Executor, challenge: AuthChallenge, payload: FlowPayload & Record<string, unknown>): Promise<AuthChallenge | null> {
  const [row] = await db
    .update(authChallenges)
    .set({ payload: JSON.stringify(payload) })
    .where(and(challengeKey(challenge), isNull(authChallenges.verifiedAt), isNull(authChallenges.completedAt)))
    .returning();
  return row ?? null;
}

export async function flowLockedSeconds(db: Executor, lockKey: string): Promise<number> {
  return lockRemainingSeconds(db, lockKey);
}

/**
 * Flows that answer an unknown identifier with a decoy (decoy.ts) send their code after the
 * response: waiting for the provider would make the real answer slower than the decoy's. The
 * others can only be reached by the right person, so they wait and can say the SMS failed.
 */
const FLOWS_WITH_DECOYS: ReadonlySet<FlowArea> = new Set(['claim', 'password-reset', 'registration']);

export async function sendFlowCode(
  db: Executor,
  profile: TenantProfile,
  challenge: AuthChallenge,
  sms: SmsSender,
  client: ClientInfo,
  area: FlowArea,
  sentAudit: SentAudit = { action: AuditActions.codeSent, details: { area } },
): Promise<CodeSendOutcome> {
  const delivery = FLOWS_WITH_DECOYS.has(area) ? 'after-response' : 'before-answer';
  const sent = await sendSignInCode(db, challenge, sms, profile.branding.displayName, delivery);
  if (!sent.ok) return sent;
  await recordAudit(db, {
    tenantId: profile.id, actor: flowActor(challenge), action: sentAudit.action, patientId: flowPatientId(challenge),
    ip: client.ip, userAgent: client.userAgent, details: sentAudit.details,
  });
  return { ok: true, resendAvailableAt: sent.resendAvailableAt };
}

/** The audit row of a code that went out: `auth.code_sent` unless the flow records its own event. */
export interface SentAudit {
  action: AuditAction;
  details: Record<string, unknown>;
}

/**
 * A new attempt of a flow and its first code, to the phone the challenge names. `sentAudit`
 * lets a flow record its own event (a reset request) as the one row of the first code.
 */
export async function startFlowAttempt(
  db: Executor,
  profile: TenantProfile,
  attempt: Omit<Parameters<typeof createChallenge>[1], 'tenantId'>,
  sms: SmsSender,
  client: ClientInfo,
  area: FlowArea,
  sentAudit?: SentAudit,
): Promise<AttemptStart> {
  const challenge = await createChallenge(db, { ...attempt, tenantId: profile.id, ip: client.ip });
  const sent = await sendFlowCode(db, profile, challenge, sms, client, area, sentAudit);
  return sent.ok ? { ok: true, challengeId: challenge.id, resendAvailableAt: sent.resendAvailableAt } : firstCodeRefusal(sent);
}

/** A flow's "Resend code", 60 s after the last one. */
export type FlowResend = (db: Executor, profile: TenantProfile, challengeId: string | null, client: ClientInfo, sms?: SmsSender) => Promise<ResendOutcome>;

export function flowResender(purpose: ChallengePurpose, options: { area: FlowArea; allowDecoy?: boolean }): FlowResend {
  return (db, profile, challengeId, client, sms = getSmsSender()) => resendFlowCode(db, profile, challengeId, purpose, client, sms, options);
}

/** "Resend code". Only once a first code went out; a decoy answers like a real flow. */
export async function resendFlowCode(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  purpose: ChallengePurpose,
  client: ClientInfo,
  sms: SmsSender,
  options: { area: FlowArea; allowDecoy?: boolean },
): Promise<ResendOutcome> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId: profile.id, purposes: [purpose] });
  if (!challenge) {
    const decoy = options.allowDecoy ? await resendDecoy(db, challengeId) : null;
    return decoy ?? { ok: false, error: 'no-attempt' };
  }
  if (challenge.verifiedAt || !challenge.codeSentAt) return { ok: false, error: 'no-attempt' };
  return sendFlowCode(db, profile, challenge, sms, client, options.area);
}

/**
 * Checks a code as portal sign-in does. A challenge already verified answers ok again (the
 * person went back a step); the caller decides what verified allows.
 */
export async function checkFlowCode(
  db: Executor,
  tenantId: string,
  challengeId: string | null,
  purpose: ChallengePurpose,
  code: string,
  client: ClientInfo,
  options: { area: FlowArea; allowDecoy?: boolean },
): Promise<CodeCheckOutcome> {
  const audit = { tenantId, ip: client.ip, userAgent: client.userAgent, details: { area: options.area } };
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: [purpose] });
  if (!challenge) {
    const decoy = options.allowDecoy ? await checkDecoyCode(db, challengeId, code) : null;
    if (!decoy) return { ok: false, error: 'no-attempt' };
    if (decoy.result.error === 'malformed' || decoy.result.error === 'expired') return decoy.result;
    await recordAudit(db, { ...audit, actor: { kind: 'anonymous' }, action: AuditActions.codeFailed, outcome: 'failure' });
    return (await lockAfterFailure(db, decoy.lockKey, audit, { kind: 'anonymous' }, null)) ?? decoy.result;
  }
  if (challenge.verifiedAt) return { ok: true, challenge };

  const lockKey = String(readFlowPayload(challenge).lockKey ?? '');
  const result = await verifyChallengeCode(db, challenge, code);
  if (result.ok) {
    if (lockKey) await clearSignInFailures(db, lockKey);
    return { ok: true, challenge: result.challenge };
  }
  if (result.reason === 'wrong-code' || result.reason === 'too-many-attempts') {
    const actor = flowActor(challenge);
    await recordAudit(db, { ...audit, actor, action: AuditActions.codeFailed, outcome: 'failure', patientId: flowPatientId(challenge) });
    const locked = lockKey ? await lockAfterFailure(db, lockKey, audit, actor, flowPatientId(challenge)) : null;
    if (locked) return locked;
  }
  if (result.reason === 'wrong-code') return { ok: false, error: 'wrong-code', attemptsLeft: result.attemptsLeft };
  return { ok: false, error: result.reason };
}

async function lockAfterFailure(
  db: Executor,
  lockKey: string,
  audit: { tenantId: string; ip: string | null; userAgent: string | null; details: Record<string, unknown> },
  actor: AuditActor,
  patientId: string | null,
): Promise<{ ok: false; error: 'locked'; retryAfterSeconds: number } | null> {
  const lockedFor = await recordSignInFailure(db, lockKey);
  if (lockedFor <= 0) return null;
  await recordAudit(db, { ...audit, actor, action: AuditActions.locked, outcome: 'denied', patientId });
  return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
}
