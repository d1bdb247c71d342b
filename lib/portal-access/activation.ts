import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientPortalSettings, patients } from '@/db/schema';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { completeVerifiedChallenge, createChallenge, findOpenChallenge } from '@/lib/auth/challenges';
import { maskPhone, normalizeIdentifier } from '@/lib/auth/identifiers';
import { lockoutKey } from '@/lib/auth/lockout';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { fieldErrorsOf } from '@/lib/actions/failures';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { hashPassword } from '@/lib/identity/password-hash';
import { getSmsSender } from '@/lib/messaging/providers';
import { maskNationalId } from '@/lib/patients/national-id';
import { clearRateLimit, hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { createOrFindAccount, findAccountByIdentity, findPatientForAccess, fullNameOf, LOCK_SCOPES, linkAccountToPatient } from './accounts';
import { checkFlowCode, flowLockedSeconds, flowResender, readFlowPayload, sendFlowCode, writeFlowPayload, type CodeRefusal, type FlowPayload } from './flow';
import { initialsMatch } from './matching';
import { checkNewPassword } from './passwords';
import { PORTAL_ACCESS_POLICY } from './policy';
import { registrationHoldsLink } from './registration';
import { invalidInput, problemsFromFieldErrors, type InvalidInput } from './results';
import { activationCredentialsSchema, activationDetailsSchema, emailSchema, type ActivationDetailsInput } from './schemas';

/**
 * Printed activation (seed 001): the patient types the 6-digit portal ID from the clinic's
 * instructions, both initials and the date of birth; then chooses the sign-in identifier (email
 * clinics) and a password; then confirms the phone on file with an SMS code. Five wrong tries
 * from one address on one portal ID make that attempt wait an hour; the ID stays usable for the
 * patient it belongs to. Nothing from the record but the masked phone is shown before the SMS
 * code is verified (the email is typed, never prefilled).
 */

const PURPOSE = 'portal_activation' as const;

interface ActivationPayload extends FlowPayload {
  portalCode: string;
  email?: string | null;
  passwordHash?: string;
}

export type StartActivationResult =
  | {
      ok: true;
      challengeId: string;
      maskedPhone: string;
      /** Email clinics ask for the email (typed, not shown from the record); national-ID clinics use the one on file. */
      identifier: { mode: 'email' } | { mode: 'national_id'; masked: string | null };
    }
  | InvalidInput
  | { ok: false; error: 'portal-disabled' | 'access-disabled' | 'no-phone' | 'no-identifier' | 'code-locked' }
  | { ok: false; error: 'no-match'; attemptsLeft: number }
  | { ok: false; error: 'rate-limited' | 'clinic-busy' | 'attempt-locked' | 'locked'; retryAfterSeconds: number };

export async function startActivation(
  db: Executor,
  profile: TenantProfile,
  input: ActivationDetailsInput,
  client: ClientInfo,
): Promise<StartActivationResult> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  const parsed = activationDetailsSchema.safeParse(input);
  if (!parsed.success) return invalidInput(problemsFromFieldErrors(fieldErrorsOf(parsed.error)));
  const { portalCode, firstInitial, lastInitial, dateOfBirth } = parsed.data;
  const tenantId = profile.id;
  const audit = { tenantId, ip: client.ip, userAgent: client.userAgent };

  const perIp = await hitRateLimit(db, `activation-ip:${tenantId}:${client.ip ?? 'unknown'}`, {
    limit: PORTAL_ACCESS_POLICY.perIpPerHour, windowSeconds: 3600,
  });
  if (!perIp.allowed) return { ok: false, error: 'rate-limited', retryAfterSeconds: perIp.retryAfterSeconds };
  const perClinic = await hitRateLimit(db, `activation-clinic:${tenantId}`, PORTAL_ACCESS_POLICY.perClinic);
  if (!perClinic.allowed) return { ok: false, error: 'clinic-busy', retryAfterSeconds: perClinic.retryAfterSeconds };
  // Counted before the details are checked, in one statement: a locked attempt must not learn
  // whether a guess was right, and a burst of parallel guesses gets no more than five.
  const attempt = await hitRateLimit(db, attemptKey(tenantId, portalCode, client.ip), attemptLimit());
  if (!attempt.allowed) return { ok: false, error: 'attempt-locked', retryAfterSeconds: attempt.retryAfterSeconds };

  const [found] = await db
    .select({ settings: patientPortalSettings, firstName: patients.firstName, lastName: patients.lastName, dateOfBirth: patients.dateOfBirth })
    .from(patientPortalSettings)
    .innerJoin(patients, and(eq(patients.tenantId, patientPortalSettings.tenantId), eq(patients.id, patientPortalSettings.patientId)))
    .where(and(eq(patientPortalSettings.tenantId, tenantId), eq(patientPortalSettings.portalCode, portalCode)));
  if (!found) return wrongDetails(db, tenantId, null, portalCode, audit, client.ip, attempt.count);

  const { settings } = found;
  const patientId = settings.patientId;
  if (settings.portalCodeLockedAt) {
    await recordAudit(db, { ...audit, actor: { kind: 'anonymous' }, action: AuditActions.portalActivationFailed, outcome: 'denied', patientId, details: { reason: 'portal-id-locked' } });
    return { ok: false, error: 'code-locked' };
  }
  const matches = initialsMatch(firstInitial, found.firstName) && initialsMatch(lastInitial, found.lastName) && dateOfBirth === found.dateOfBirth;
  if (!matches) return wrongDetails(db, tenantId, patientId, portalCode, audit, client.ip, attempt.count);

  // The person knows the printed details: their earlier typos no longer count.
  await clearRateLimit(db, attemptKey(tenantId, portalCode, client.ip));
  await db
    .update(patientPortalSettings)
    .set({ portalCodeFailedAttempts: 0 })
    .where(and(eq(patientPortalSettings.tenantId, tenantId), eq(patientPortalSettings.patientId, patientId)));
  if (!settings.accessEnabled || settings.disabledAt) return { ok: false, error: 'access-disabled' };
  const patient = (await findPatientForAccess(db, tenantId, patientId))!;
  if (!patient.phone) return { ok: false, error: 'no-phone' };
  const mode = profile.portal.identificationMode;
  if (mode === 'national_id' && !patient.nationalIdHash) return { ok: false, error: 'no-identifier' };

  const lockKey = lockoutKey(LOCK_SCOPES.activation, tenantId, patientId);
  const locked = await flowLockedSeconds(db, lockKey);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };

  const payload: ActivationPayload = { lockKey, portalCode };
  const challenge = await createChallenge(db, {
    tenantId, purpose: PURPOSE, subject: { kind: 'patient', id: patientId }, phone: patient.phone, payload: { ...payload }, ip: client.ip,
  });
  return {
    ok: true,
    challengeId: challenge.id,
    maskedPhone: maskPhone(patient.phone),
    identifier: mode === 'email' ? { mode: 'email' } : { mode: 'national_id', masked: maskNationalId(patient.nationalIdLast4) },
  };
}

type AuditBase = { tenantId: string; ip: string | null; userAgent: string | null };

/** Wrong tries count per portal ID and address: the attempt waits, not the ID. */
function attemptKey(tenantId: string, portalCode: string, ip: string | null): string {
  return `activation-attempt:${tenantId}:${portalCode}:${ip ?? 'unknown'}`;
}

function attemptLimit() {
  return { limit: PORTAL_ACCESS_POLICY.portalCodeMaxAttempts, windowSeconds: PORTAL_ACCESS_POLICY.attemptLockSeconds };
}

/** The answer to a wrong try, the `tries`-th by this address on this ID: the fifth makes the attempt wait. */
async function wrongTryAnswer(db: Executor, tenantId: string, portalCode: string, ip: string | null, tries: number): Promise<StartActivationResult> {
  const left = PORTAL_ACCESS_POLICY.portalCodeMaxAttempts - tries;
  if (left <= 0) {
    const { retryAfterSeconds } = await peekRateLimit(db, attemptKey(tenantId, portalCode, ip), attemptLimit());
    return { ok: false, error: 'attempt-locked', retryAfterSeconds };
  }
  return { ok: false, error: 'no-match', attemptsLeft: left };
}

/**
 * A wrong try. On a real portal ID it is counted for staff to see (they may issue a new ID),
 * never locking it. A portal ID nobody holds answers exactly like a real one (tries left, then
 * the attempt waits) and runs the same statements (its count matches no row), so neither the
 * answers nor their timing tell which IDs exist.
 */
async function wrongDetails(
  db: Executor, tenantId: string, patientId: string | null, portalCode: string, audit: AuditBase, ip: string | null, tries: number,
): Promise<StartActivationResult> {
  await db
    .update(patientPortalSettings)
    .set({ portalCodeFailedAttempts: sql`${patientPortalSettings.portalCodeFailedAttempts} + 1`, updatedAt: clockNow() })
    .where(and(eq(patientPortalSettings.tenantId, tenantId), eq(patientPortalSettings.portalCode, portalCode)));
  const reason = patientId ? 'details-mismatch' : 'unknown-portal-id';
  await recordAudit(db, { ...audit, actor: { kind: 'anonymous' }, action: AuditActions.portalActivationFailed, outcome: 'failure', patientId, details: { reason } });
  const result = await wrongTryAnswer(db, tenantId, portalCode, ip, tries);
  if (result.ok === false && result.error === 'attempt-locked') {
    await recordAudit(db, { ...audit, actor: { kind: 'anonymous' }, action: AuditActions.locked, outcome: 'denied', patientId, details: { area: 'activation', scope: 'attempt' } });
  }
  return result;
}

export type ActivationCredentialsResult =
  | { ok: true; maskedPhone: string; resendAvailableAt: Date }
  | InvalidInput
  | { ok: false; error: 'no-attempt' }
  | { ok: false; error: 'sms-failed' }
  | { ok: false; error: 'too-many-codes'; retryAfterSeconds: number };

/** Step 2: the identifier (email clinics) and the new password; then the code is sent. */
export async function submitActivationCredentials(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  input: { identifier?: string; password: string; confirmPassword: string },
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<ActivationCredentialsResult> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId: profile.id, purposes: [PURPOSE] });
  if (!challenge || challenge.verifiedAt || !challenge.phone) return { ok: false, error: 'no-attempt' };
  const patient = await findPatientForAccess(db, profile.id, challenge.subjectId);
  if (!patient) return { ok: false, error: 'no-attempt' };
  const parsed = activationCredentialsSchema.safeParse(input);
  if (!parsed.success) return invalidInput(problemsFromFieldErrors(fieldErrorsOf(parsed.error)));

  let email: string | null = patient.email ? normalizeIdentifier('email', patient.email) : null;
  const problems: { identifier?: string } = {};
  if (profile.portal.identificationMode === 'email') {
    const typed = emailSchema.safeParse({ email: parsed.data.identifier ?? '' });
    if (typed.success) email = normalizeIdentifier('email', typed.data.email);
    else problems.identifier = parsed.data.identifier ? 'Enter a valid email address.' : 'Enter the email you will sign in with.';
  }
  const password = await checkNewPassword(parsed.data, { email, name: fullNameOf(patient) });
  if (problems.identifier || !password.ok) return invalidInput({ ...problems, ...(password.ok ? {} : password.problems) });

  const payload = readFlowPayload<ActivationPayload>(challenge);
  const updated = await writeFlowPayload(db, challenge, {
    ...payload, email, passwordHash: await hashPassword(parsed.data.password),
  });
  if (!updated) return { ok: false, error: 'no-attempt' };
  const sent = await sendFlowCode(db, profile, updated, sms, client, 'activation');
  if (!sent.ok) {
    // Sent less than a minute ago (the person went back to fix the password): that code still works.
    if (sent.error === 'resend-too-soon') {
      return { ok: true, maskedPhone: maskPhone(challenge.phone), resendAvailableAt: addSeconds(clockNow(), sent.retryAfterSeconds) };
    }
    return sent.error === 'sms-failed' ? { ok: false, error: 'sms-failed' } : { ok: false, error: 'too-many-codes', retryAfterSeconds: sent.retryAfterSeconds };
  }
  return { ok: true, maskedPhone: maskPhone(challenge.phone), resendAvailableAt: sent.resendAvailableAt };
}

export type CompleteActivationResult =
  /** A new account: its verified sign-in attempt, for Auth.js to consume (the code was just checked). */
  | { ok: true; outcome: 'created'; signInChallengeId: string }
  /** An account that already signed in with the identifier: its password was not checked, so no session. */
  | { ok: true; outcome: 'linked' }
  | CodeRefusal
  | { ok: false; error: 'activation-expired' }
  /** The identifier signs in to a self-registration the clinic must check first (registration.ts). */
  | { ok: false; error: 'identifier-held' };

/**
 * Step 3: the SMS code. Creates the account (or, when an account already signs in with that
 * identifier, links the patient to it and leaves its password alone), links the patient as
 * "self" and retires the portal ID, in one transaction. A new account leaves with a verified
 * sign-in attempt: the SMS code it just passed is the second factor, so the patient is signed in
 * without typing the password again or waiting for another code.
 */
export async function completeActivation(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<CompleteActivationResult> {
  const checked = await checkFlowCode(db, profile.id, challengeId, PURPOSE, code, client, { area: 'activation' });
  if (!checked.ok) return checked;
  const payload = readFlowPayload<ActivationPayload>(checked.challenge);
  if (!payload.passwordHash || !payload.portalCode) return { ok: false, error: 'no-attempt' };
  const tenantId = profile.id;
  const patientId = checked.challenge.subjectId;
  // An account someone registered with this identifier, unproven, is not this patient's to join.
  const holder = await accountForActivation(db, profile, payload.email ?? null, patientId);
  if (holder && (await registrationHoldsLink(db, tenantId, holder.id, patientId))) return { ok: false, error: 'identifier-held' };

  return db.transaction(async (tx): Promise<CompleteActivationResult> => {
    const done = await completeVerifiedChallenge(tx, checked.challenge.id, { tenantId, purposes: [PURPOSE] });
    if (!done?.phone) return { ok: false, error: 'no-attempt' };
    const at = clockNow();
    // Staff may have issued a new ID, or turned access off, while the person was typing.
    const [retired] = await tx
      .update(patientPortalSettings)
      .set({ portalCode: null, portalCodeFailedAttempts: 0, portalCodeLockedAt: null, updatedAt: at })
      .where(and(
        eq(patientPortalSettings.tenantId, tenantId),
        eq(patientPortalSettings.patientId, patientId),
        eq(patientPortalSettings.portalCode, payload.portalCode!),
        eq(patientPortalSettings.accessEnabled, true),
        isNull(patientPortalSettings.disabledAt),
        isNull(patientPortalSettings.portalCodeLockedAt),
      ))
      .returning({ patientId: patientPortalSettings.patientId });
    const patient = retired ? await findPatientForAccess(tx, tenantId, patientId) : null;
    if (!patient) return { ok: false, error: 'activation-expired' };

    const { accountId, created } = await createOrFindAccount(tx, tenantId, profile.portal.identificationMode, {
      fullName: fullNameOf(patient),
      email: payload.email ?? null,
      nationalIdHash: patient.nationalIdHash,
      phone: done.phone,
      passwordHash: payload.passwordHash!,
      language: patient.preferredLanguage,
    }, at);
    await linkAccountToPatient(tx, tenantId, accountId, patientId, 'self', at);
    await recordAudit(tx, {
      tenantId, actor: { kind: 'patient', id: accountId }, action: AuditActions.portalActivated, patientId,
      target: { type: 'portal_account', id: accountId }, ip: client.ip, userAgent: client.userAgent,
      details: { accountCreated: created },
    });
    if (!created) return { ok: true, outcome: 'linked' };
    // Handed to Auth.js (lib/auth/portal-session.ts), which consumes it, starts the session as
    // after any sign-in, and records the sign-in with this method.
    const signIn = await createChallenge(tx, {
      tenantId, purpose: 'portal_sign_in', subject: { kind: 'portal_account', id: accountId }, phone: done.phone,
      payload: { method: 'activation' }, ip: client.ip, verified: true,
    });
    return { ok: true, outcome: 'created', signInChallengeId: signIn.id };
  });
}

/** The account that already signs in with the identifier this activation will use, if any. */
async function accountForActivation(db: Executor, profile: TenantProfile, email: string | null, patientId: string) {
  const patient = await findPatientForAccess(db, profile.id, patientId);
  if (!patient) return null;
  return findAccountByIdentity(db, profile.id, profile.portal.identificationMode, { email, nationalIdHash: patient.nationalIdHash });
}

/** "Resend code", 60 s after the last one. */
export const resendActivationCode = flowResender(PURPOSE, { area: 'activation' });
