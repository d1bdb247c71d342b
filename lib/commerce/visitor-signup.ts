import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import type { Executor } from '@/db/client';
import { authChallenges, patients, type AuthChallenge, type ChallengePurpose, type IdentificationMode } from '@/db/schema';
import type { AuditActor } from '@/lib/audit/record-audit';
import { recordAudit } from '@/lib/audit/record-audit';
import { challengeKey, completeVerifiedChallenge, createChallenge, findOpenChallenge } from '@/lib/auth/challenges';
import { maskPhone, normalizeIdentifier } from '@/lib/auth/identifiers';
import { lockoutKey } from '@/lib/auth/lockout';
import { AUTH_POLICY } from '@/lib/auth/policy';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { now as clockNow } from '@/lib/clock';
import { decryptField, encryptField } from '@/lib/crypto/field-encryption';
import { recordEvent } from '@/lib/engagement/events';
import { toLocale } from '@/lib/i18n/core';
import { hashPassword } from '@/lib/identity/password-hash';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { getSmsSender } from '@/lib/messaging/providers';
import { insertPatientRecord, lockPatientRecords, sameNameAndBirthDate } from '@/lib/patients/editing';
import { createOrFindAccount, findAccountByIdentity, linkAccountToPatient } from '@/lib/portal-access/accounts';
import {
  checkFlowCode, flowLockedSeconds, readFlowPayload, resendFlowCode, startFlowAttempt,
  type AttemptRefusal, type CodeRefusal, type FlowPayload, type FlowResend,
} from '@/lib/portal-access/flow';
import { checkNewPersonDetails, clinicCountry } from '@/lib/portal-access/new-person';
import { checkNewPassword } from '@/lib/portal-access/passwords';
import { PORTAL_ACCESS_POLICY } from '@/lib/portal-access/policy';
import { hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { CommerceAuditActions } from './audit-actions';
import { getCommerceSettings } from './settings';
import { safeNextPath, type VisitorSignupValues } from './visitor-signup-forms';

/**
 * A new visitor creates their portal account in the shop's checkout (issue 17; seed 004's "patient
 * who never visited the clinic"), when the clinic's shop is on and open to new visitors:
 *   1. details, password and consent; an SMS code goes to the phone typed (flow.ts: 60 s between
 *      sends, 5 guesses a code, wrong codes counted towards a lock on that phone);
 *   2. the right code. Only then, in one transaction, is the clinic checked for the person: an
 *      account with the identifier, or a patient with the same phone or email and date of birth,
 *      the same name and date of birth, or the same national ID. A match makes nothing and is
 *      answered with one neutral sentence (never which of them, never that patient's details);
 *      otherwise the patient record (the clinic's next record number), the account and the "self"
 *      link are made, and a verified sign-in attempt is handed to Auth.js for the session.
 * What was typed waits in the attempt's payload, encrypted (it names a person), and is dropped
 * when the code step ends the attempt.
 */

// A challenge kind of its own: the claim page's resend can never reach a sign-up's attempt (and so
// never its per-phone limit). The payload's `kind` is checked as well.
const PURPOSE = 'portal_signup' as const satisfies ChallengePurpose;
const KIND = 'visitor-signup';
const LOCK_SCOPE = 'portal-signup';

interface SignupPayload extends FlowPayload {
  kind: typeof KIND;
  /** SignupDetails as JSON, AES-GCM encrypted (lib/crypto/field-encryption). */
  details?: string;
}

/** What the visitor typed, as it will be stored. */
export interface VisitorDetails {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  email: string;
  phone: string;
  /** Stored as patients keep it: ciphertext, lookup hash, last four. */
  nationalId: { nationalIdEnc: string; nationalIdHash: string; nationalIdLast4: string } | null;
}

interface SignupDetails extends VisitorDetails {
  passwordHash: string;
  language: 'en' | 'es';
  next: string;
}

/** Fields the form shows a problem under. Values are shop-join catalogue keys, except the password's (the policy's English, translated as in every portal flow). */
export type VisitorSignupField = 'firstName' | 'lastName' | 'dateOfBirth' | 'phone' | 'email' | 'identifier' | 'terms' | 'confirmPassword';
export type VisitorSignupProblems = Partial<Record<VisitorSignupField, string>> & { password?: string[] };
export type VisitorSignupInvalid = { ok: false; error: 'invalid-input'; problems: VisitorSignupProblems };

export interface VisitorSignupInput extends Omit<VisitorSignupValues, 'identifier' | 'terms' | 'next'> {
  identifier?: string;
  terms?: string;
  next?: string;
  /** The language the visitor reads the page in: the new record's and account's. */
  language: string;
}

// ---------------------------------------------------------------------------------------------
// Whether, and where

/** The shop takes new visitors: the portal is on, and so are the shop and its "open to new visitors". */
export async function visitorSignupOpen(db: Executor, profile: TenantProfile): Promise<boolean> {
  if (!profile.portal.enabled) return false;
  const settings = await getCommerceSettings(db, profile.id);
  return settings.shopEnabled && settings.openToNewVisitors;
}

/** Where the clinic is and what the form's sentences name: shared with the portal's self-registration. */
export { clinicCountry, newPersonWording as signupWording } from '@/lib/portal-access/new-person';

// ---------------------------------------------------------------------------------------------
// Step 1: details, then the code

/**
 * The details as the record will hold them, or every problem at once. Pure: the phone number is
 * read in the clinic's country, the date of birth must be a real day between 1900 and `today`
 * (async only for the password's strength dictionary, loaded on first use).
 */
export async function checkVisitorDetails(
  input: VisitorSignupInput,
  rules: { mode: IdentificationMode; country: CountryCode; today: string },
): Promise<{ ok: true; details: VisitorDetails } | { ok: false; problems: VisitorSignupProblems }> {
  const person = checkNewPersonDetails(input, { ...rules, emailRequired: true });
  const problems: VisitorSignupProblems = person.ok ? {} : { ...person.problems };
  if (input.terms !== 'on') problems.terms = 'errTerms';
  const email = person.ok ? person.details.email : normalizeIdentifier('email', input.email);
  const password = await checkNewPassword(input, { email, name: `${input.firstName} ${input.lastName}` });
  if (!password.ok) Object.assign(problems, password.problems);
  if (!person.ok || Object.keys(problems).length > 0) return { ok: false, problems };
  // Required above, so never null here.
  return { ok: true, details: { ...person.details, email: person.details.email! } };
}

export type StartVisitorSignupResult =
  | { ok: true; challengeId: string; maskedPhone: string; resendAvailableAt: Date }
  | VisitorSignupInvalid
  | AttemptRefusal
  | { ok: false; error: 'not-available' }
  | { ok: false; error: 'rate-limited' | 'locked' | 'too-many-codes'; retryAfterSeconds: number };

/** Codes one phone number may be sent in an hour, whatever the attempt (each attempt is a new subject to flow.ts). */
const phoneSendsKey = (lockKey: string) => `signup-sms:${lockKey}`;
const perPhone = () => ({ limit: AUTH_POLICY.codesPerHour, windowSeconds: 3600 });

/**
 * Step 1. Nothing here looks for the person in the clinic's records: that waits for the code, so
 * this answer is the same for anyone. The code goes to the phone typed, and the attempt's subject
 * is the id the new patient will have (the audit of its codes then belongs to that record).
 */
export async function startVisitorSignup(
  db: Executor,
  profile: TenantProfile,
  input: VisitorSignupInput,
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<StartVisitorSignupResult> {
  if (!(await visitorSignupOpen(db, profile))) return { ok: false, error: 'not-available' };
  const tenantId = profile.id;
  const checked = await checkVisitorDetails(input, {
    mode: profile.portal.identificationMode, country: await clinicCountry(db, tenantId), today: clockNow().toISOString().slice(0, 10),
  });
  if (!checked.ok) return { ok: false, error: 'invalid-input', problems: checked.problems };

  const perIp = await hitRateLimit(db, `signup-ip:${tenantId}:${client.ip ?? 'unknown'}`, { limit: PORTAL_ACCESS_POLICY.perIpPerHour, windowSeconds: 3600 });
  if (!perIp.allowed) return { ok: false, error: 'rate-limited', retryAfterSeconds: perIp.retryAfterSeconds };
  const { phone } = checked.details;
  const lockKey = lockoutKey(LOCK_SCOPE, tenantId, phone);
  const locked = await flowLockedSeconds(db, lockKey);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  const sends = await hitRateLimit(db, phoneSendsKey(lockKey), perPhone());
  if (!sends.allowed) return { ok: false, error: 'too-many-codes', retryAfterSeconds: sends.retryAfterSeconds };

  const details: SignupDetails = {
    ...checked.details,
    passwordHash: await hashPassword(input.password),
    language: toLocale(input.language),
    next: safeNextPath(input.next),
  };
  const payload: SignupPayload = { kind: KIND, lockKey, details: encryptField(JSON.stringify(details)) };
  const started = await startFlowAttempt(db, profile, {
    purpose: PURPOSE, subject: { kind: 'patient', id: randomUUID() }, phone, payload: { ...payload },
  }, sms, client, 'signup');
  return started.ok ? { ...started, maskedPhone: maskPhone(phone) } : started;
}

/** This clinic's open sign-up attempt with this id; null for anything else (a claim's attempt too). */
async function findSignup(db: Executor, tenantId: string, challengeId: string | null): Promise<AuthChallenge | null> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: [PURPOSE] });
  return challenge && readFlowPayload<SignupPayload>(challenge).kind === KIND ? challenge : null;
}

/** Seconds the attempt's phone is locked for (wrong codes, flow.ts); 0 when it is not. */
async function lockedFor(db: Executor, challenge: AuthChallenge): Promise<number> {
  const lockKey = readFlowPayload<SignupPayload>(challenge).lockKey;
  return lockKey ? flowLockedSeconds(db, lockKey) : 0;
}

/** "Resend code", 60 s after the last one, within the phone's hourly allowance, unless the phone is locked. */
export const resendVisitorSignupCode: FlowResend = async (db, profile, challengeId, client, sms = getSmsSender()) => {
  const challenge = await findSignup(db, profile.id, challengeId);
  if (!challenge || challenge.verifiedAt || !(await visitorSignupOpen(db, profile))) return { ok: false, error: 'no-attempt' };
  const locked = await lockedFor(db, challenge);
  if (locked > 0) return { ok: false, error: 'too-many-codes', retryAfterSeconds: locked };
  const key = phoneSendsKey(String(readFlowPayload<SignupPayload>(challenge).lockKey ?? ''));
  const allowance = await peekRateLimit(db, key, perPhone());
  if (!allowance.allowed) return { ok: false, error: 'too-many-codes', retryAfterSeconds: allowance.retryAfterSeconds };
  const sent = await resendFlowCode(db, profile, challenge.id, PURPOSE, client, sms, { area: 'signup' });
  // Counted once sent: a resend refused as too soon costs nothing.
  if (sent.ok) await hitRateLimit(db, key, perPhone());
  return sent;
};

// ---------------------------------------------------------------------------------------------
// Step 2: the code, then the record, the account and the session

export type CompleteVisitorSignupResult =
  | { ok: true; outcome: 'registered'; patientId: string; accountId: string; signInChallengeId: string; next: string }
  /** The neutral answer: the clinic may already know this person. Nothing was made. */
  | { ok: true; outcome: 'may-have-account' }
  | CodeRefusal
  | { ok: false; error: 'not-available' };

type ExistingPerson = { reason: 'identifier-in-use'; patientId: null } | { reason: 'possible-existing-patient'; match: string; patientId: string };

/** Thrown inside the transaction to undo the record when the identifier was taken meanwhile. */
class IdentifierTakenMeanwhile extends Error {}

export async function completeVisitorSignup(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<CompleteVisitorSignupResult> {
  if (!(await visitorSignupOpen(db, profile))) return { ok: false, error: 'not-available' };
  const tenantId = profile.id;
  const pending = await findSignup(db, tenantId, challengeId);
  if (!pending) return { ok: false, error: 'no-attempt' };
  // As at sign-in: a lock that began during this attempt stops even the right code.
  const locked = await lockedFor(db, pending);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  const checked = await checkFlowCode(db, tenantId, pending.id, PURPOSE, code, client, { area: 'signup' });
  if (!checked.ok) return checked;
  const payload = readFlowPayload<SignupPayload>(checked.challenge);
  const details = readDetails(payload.details);
  if (!details) return { ok: false, error: 'no-attempt' };
  const audit = { tenantId, ip: client.ip, userAgent: client.userAgent };
  const anonymous: AuditActor = { kind: 'anonymous' };

  try {
    return await db.transaction(async (tx): Promise<CompleteVisitorSignupResult> => {
      const done = await completeVerifiedChallenge(tx, checked.challenge.id, { tenantId, purposes: [PURPOSE] });
      if (!done?.phone) return { ok: false, error: 'no-attempt' };
      // What was typed is not kept once the attempt is over.
      await tx.update(authChallenges).set({ payload: JSON.stringify({ kind: KIND, lockKey: payload.lockKey }) }).where(challengeKey(done));
      // No other sign-up (or staff member) creates a patient of this clinic until this one is done.
      await lockPatientRecords(tx, tenantId);
      const existing = await findExistingPerson(tx, profile, details);
      if (existing) {
        await recordAudit(tx, {
          ...audit, actor: anonymous, action: CommerceAuditActions.visitorRegistered, outcome: 'failure', patientId: existing.patientId,
          details: existing.reason === 'identifier-in-use' ? { reason: existing.reason } : { reason: existing.reason, match: existing.match },
        });
        return { ok: true, outcome: 'may-have-account' };
      }

      const at = clockNow();
      const patient = await insertPatientRecord(tx, { id: tenantId, slug: profile.slug }, {
        id: done.subjectId, firstName: details.firstName, lastName: details.lastName, dateOfBirth: details.dateOfBirth,
        email: details.email, phone: done.phone, preferredLanguage: details.language, ...(details.nationalId ?? {}),
      });
      const account = await createOrFindAccount(tx, tenantId, profile.portal.identificationMode, {
        fullName: `${details.firstName} ${details.lastName}`.trim(), email: details.email, nationalIdHash: details.nationalId?.nationalIdHash ?? null,
        phone: done.phone, passwordHash: details.passwordHash, language: details.language,
      }, at);
      if (!account.created) throw new IdentifierTakenMeanwhile();
      await linkAccountToPatient(tx, tenantId, account.accountId, patient.id, 'self', at);

      const actor: AuditActor = { kind: 'patient', id: account.accountId };
      await recordAudit(tx, {
        ...audit, actor, action: 'patient.created', patientId: patient.id, target: { type: 'patient', id: patient.id },
        details: { source: 'self_registration' },
      });
      await recordEvent(tx, tenantId, { name: 'patient.created', patientId: patient.id, subject: {}, actor: { kind: 'patient', id: account.accountId } });
      await recordAudit(tx, {
        ...audit, actor, action: CommerceAuditActions.visitorRegistered, patientId: patient.id,
        target: { type: 'portal_account', id: account.accountId }, details: { source: 'self_registration', termsAccepted: true },
      });
      // Handed to Auth.js (lib/auth/portal-session.ts), which consumes it and starts the session.
      const signIn = await createChallenge(tx, {
        tenantId, purpose: 'portal_sign_in', subject: { kind: 'portal_account', id: account.accountId }, phone: done.phone, ip: client.ip, verified: true,
      });
      return { ok: true, outcome: 'registered', patientId: patient.id, accountId: account.accountId, signInChallengeId: signIn.id, next: details.next };
    });
  } catch (error) {
    // Another way into the portal took the identifier (or the national ID) between the check and
    // the insert: the same neutral answer, and the attempt is spent.
    if (!(error instanceof IdentifierTakenMeanwhile) && postgresErrorCode(error) !== PG.uniqueViolation) throw error;
    await completeVerifiedChallenge(db, checked.challenge.id, { tenantId, purposes: [PURPOSE] });
    await db.update(authChallenges).set({ payload: JSON.stringify({ kind: KIND, lockKey: payload.lockKey }) }).where(challengeKey(checked.challenge));
    await recordAudit(db, { ...audit, actor: anonymous, action: CommerceAuditActions.visitorRegistered, outcome: 'failure', details: { reason: 'identifier-in-use' } });
    return { ok: true, outcome: 'may-have-account' };
  }
}

function readDetails(sealed: string | undefined): SignupDetails | null {
  if (!sealed) return null;
  try {
    return JSON.parse(decryptField(sealed)) as SignupDetails;
  } catch {
    // Under a retired key, or not ours: the visitor starts again.
    return null;
  }
}

/**
 * Whether the clinic may already know this person: an account signs in with the identifier, or a
 * patient has the same national ID, the same phone or email and date of birth, or the same name
 * and date of birth (the clinic's own duplicate test, lib/patients/editing.ts).
 */
async function findExistingPerson(tx: Executor, profile: TenantProfile, details: SignupDetails): Promise<ExistingPerson | null> {
  const tenantId = profile.id;
  const identity = { email: details.email, nationalIdHash: details.nationalId?.nationalIdHash ?? null };
  if (await findAccountByIdentity(tx, tenantId, profile.portal.identificationMode, identity)) return { reason: 'identifier-in-use', patientId: null };

  const sameBirthDate = sql`${patients.dateOfBirth} = ${details.dateOfBirth}`;
  const samePhone = sql`(${sameBirthDate} and ${patients.phone} = ${details.phone})`;
  const sameEmail = sql`(${sameBirthDate} and lower(${patients.email}) = ${details.email})`;
  const sameName = sql`(${sameNameAndBirthDate(details)})`;
  const sameId = identity.nationalIdHash ? sql`${patients.nationalIdHash} = ${identity.nationalIdHash}` : sql`false`;
  const [match] = await tx
    .select({
      id: patients.id,
      match: sql<string>`case when ${sameId} then 'national-id' when ${samePhone} then 'phone-and-birth-date'
        when ${sameEmail} then 'email-and-birth-date' else 'name-and-birth-date' end`,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), sql`(${sameId} or ${samePhone} or ${sameEmail} or ${sameName})`))
    .limit(1);
  return match ? { reason: 'possible-existing-patient', match: match.match, patientId: match.id } : null;
}
