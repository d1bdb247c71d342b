import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authChallenges, patients, portalAccounts, portalRegistrations, type AuthChallenge, type ChallengePurpose } from '@/db/schema';
import { recordAudit, type AuditActor } from '@/lib/audit/record-audit';
import { challengeKey, completeVerifiedChallenge, createChallenge, findOpenChallenge } from '@/lib/auth/challenges';
import { maskPhone } from '@/lib/auth/identifiers';
import { lockoutKey } from '@/lib/auth/lockout';
import { AUTH_POLICY } from '@/lib/auth/policy';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { now as clockNow } from '@/lib/clock';
import { decryptField, encryptField } from '@/lib/crypto/field-encryption';
import { createTaskFromAutomation } from '@/lib/engagement/tasks';
import { recordEvent } from '@/lib/engagement/events';
import { toLocale } from '@/lib/i18n/core';
import { hashPassword } from '@/lib/identity/password-hash';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { getSmsSender } from '@/lib/messaging/providers';
import { insertPatientRecord, lockPatientRecords } from '@/lib/patients/editing';
import { hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { createOrFindAccount, findAccountByIdentity, linkAccountToPatient } from './accounts';
import { startDecoy } from './decoy';
import {
  checkFlowCode, flowLockedSeconds, readFlowPayload, resendFlowCode, startFlowAttempt,
  type AttemptRefusal, type CodeRefusal, type FlowPayload, type FlowResend,
} from './flow';
import { checkNewPersonDetails, clinicCountry, type NewPersonDetails, type NewPersonInput, type NewPersonProblems } from './new-person';
import { checkNewPassword } from './passwords';
import { PORTAL_ACCESS_POLICY } from './policy';
import { RegistrationAuditActions } from './registration-audit-actions';
import { forgetPendingRegistrations } from './registration-review';
import { queueRegistrationAttemptNotice } from './registration-notices';
import { invalidInput, type InvalidInput } from './results';

/**
 * A new patient registers in the portal by themselves (issue 19 point 4; seed 004's "patient who
 * has never visited the clinic"), where the clinic's setting allows it ('open' or 'approval'):
 *   1. name, date of birth, the clinic's identifier (email, or the national ID where the clinic
 *      signs in with it) and a mobile phone; an SMS code goes to that phone (flow.ts's rules);
 *   2. the code;
 *   3. a password (the portal's policy). Then, in one transaction: the patient record, the
 *      account ('active' and signed in when open, 'pending' until staff approve), the "self" link
 *      and the portal_registrations row.
 * Nothing the registrant sees says whether the clinic knows them:
 *   - a likely duplicate of a patient on file (the same national ID, phone or email, or the same
 *     date of birth and a close name) registers exactly like anyone else; the registration names
 *     the patient (possible_duplicate_of) and the clinic gets a task to compare and merge;
 *   - an identifier that already signs in to an account makes nothing: the owner is told (an
 *     email, or an SMS without one), and the registrant's attempt is a decoy (decoy.ts) that
 *     answers like a real one, with no code sent. The code step says so ("if you already have an
 *     account, we wrote to you instead"), so the owner knows where to look.
 * What was typed waits in the attempt's payload, encrypted (it names a person), and is dropped
 * when the attempt ends.
 */

const PURPOSE = 'portal_registration' as const satisfies ChallengePurpose;
const KIND = 'self-registration';
const LOCK_SCOPE = 'portal-registration';
const AREA = 'registration' as const;

interface RegistrationPayload extends FlowPayload {
  kind: typeof KIND;
  /** RegistrationDetails as JSON, AES-GCM encrypted (lib/crypto/field-encryption). */
  details?: string;
}

interface RegistrationDetails extends NewPersonDetails {
  language: 'en' | 'es';
}

export interface RegistrationInput extends NewPersonInput {
  /** The language the registrant reads the page in: the new record's and account's. */
  language: string;
}

/** The clinic takes self-registrations: the portal is on and the setting is 'open' or 'approval'. */
export function registrationOpen(profile: TenantProfile): boolean {
  return profile.portal.enabled && profile.portal.selfRegistration !== 'off';
}

// ---------------------------------------------------------------------------------------------
// Step 1: the details, then the code

export type StartRegistrationResult =
  | { ok: true; challengeId: string; maskedPhone: string; resendAvailableAt: Date }
  | { ok: false; error: 'invalid-input'; problems: NewPersonProblems }
  | AttemptRefusal
  | { ok: false; error: 'not-available' }
  | { ok: false; error: 'rate-limited' | 'clinic-busy' | 'locked' | 'too-many-codes'; retryAfterSeconds: number };

/** Codes one phone number may be sent in an hour, whatever the attempt (each attempt is a new subject to flow.ts). */
const phoneSendsKey = (lockKey: string) => `registration-sms:${lockKey}`;
const perPhone = () => ({ limit: AUTH_POLICY.codesPerHour, windowSeconds: 3600 });
/** The owner of an identifier hears about attempts on it at most once an hour. */
const ownerNoticeKey = (tenantId: string, accountId: string) => `registration-owner-notice:${tenantId}:${accountId}`;

export async function startRegistration(
  db: Executor,
  profile: TenantProfile,
  input: RegistrationInput,
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<StartRegistrationResult> {
  if (!registrationOpen(profile)) return { ok: false, error: 'not-available' };
  const tenantId = profile.id;
  const mode = profile.portal.identificationMode;
  const checked = checkNewPersonDetails(input, {
    mode, country: await clinicCountry(db, tenantId), today: clockNow().toISOString().slice(0, 10), emailRequired: mode === 'email',
  });
  if (!checked.ok) return { ok: false, error: 'invalid-input', problems: checked.problems };

  const perIp = await hitRateLimit(db, `registration-ip:${tenantId}:${client.ip ?? 'unknown'}`, { limit: PORTAL_ACCESS_POLICY.perIpPerHour, windowSeconds: 3600 });
  if (!perIp.allowed) return { ok: false, error: 'rate-limited', retryAfterSeconds: perIp.retryAfterSeconds };
  const perClinic = await hitRateLimit(db, `registration-clinic:${tenantId}`, PORTAL_ACCESS_POLICY.perClinic);
  if (!perClinic.allowed) return { ok: false, error: 'clinic-busy', retryAfterSeconds: perClinic.retryAfterSeconds };
  const { details } = checked;
  const lockKey = lockoutKey(LOCK_SCOPE, tenantId, details.phone);
  const locked = await flowLockedSeconds(db, lockKey);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  const sends = await hitRateLimit(db, phoneSendsKey(lockKey), perPhone());
  if (!sends.allowed) return { ok: false, error: 'too-many-codes', retryAfterSeconds: sends.retryAfterSeconds };
  const maskedPhone = maskPhone(details.phone);

  const owner = await findAccountByIdentity(db, tenantId, mode, { email: details.email, nationalIdHash: details.nationalId?.nationalIdHash ?? null });
  if (owner) {
    await tellOwner(db, tenantId, owner, client);
    const decoy = await startDecoy(db, lockKey);
    return decoy.ok ? { ...decoy, maskedPhone } : decoy;
  }

  const sealed: RegistrationDetails = { ...details, language: toLocale(input.language) };
  const payload: RegistrationPayload = { kind: KIND, lockKey, details: encryptField(JSON.stringify(sealed)) };
  // The attempt's subject is the id the new patient will have: the audit of its codes belongs to that record.
  const started = await startFlowAttempt(db, profile, {
    purpose: PURPOSE, subject: { kind: 'patient', id: randomUUID() }, phone: details.phone, payload: { ...payload },
  }, sms, client, AREA);
  return started.ok ? { ...started, maskedPhone } : started;
}

/** "Someone tried to register with your details", at most once an hour per account; audited without what was typed. */
async function tellOwner(db: Executor, tenantId: string, owner: { id: string; email: string | null; phone: string; language: string }, client: ClientInfo) {
  const at = clockNow();
  const allowance = await hitRateLimit(db, ownerNoticeKey(tenantId, owner.id), { limit: 1, windowSeconds: 3600, now: at });
  await db.transaction(async (tx) => {
    if (allowance.allowed) await queueRegistrationAttemptNotice(tx, tenantId, owner, `portal-registration-attempt:${owner.id}:${at.getTime()}`);
    await recordAudit(tx, {
      tenantId, actor: { kind: 'anonymous' }, action: RegistrationAuditActions.failed, outcome: 'failure', ip: client.ip, userAgent: client.userAgent,
      target: { type: 'portal_account', id: owner.id }, details: { reason: 'identifier-in-use', ownerTold: allowance.allowed },
    });
  });
}

/** This clinic's open registration attempt with this id; null for anything else (another flow's attempt, a decoy). */
async function findRegistration(db: Executor, tenantId: string, challengeId: string | null): Promise<AuthChallenge | null> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: [PURPOSE] });
  return challenge && readFlowPayload<RegistrationPayload>(challenge).kind === KIND ? challenge : null;
}

async function lockedFor(db: Executor, challenge: AuthChallenge): Promise<number> {
  const lockKey = readFlowPayload<RegistrationPayload>(challenge).lockKey;
  return lockKey ? flowLockedSeconds(db, lockKey) : 0;
}

/** "Resend code", 60 s after the last one, within the phone's hourly allowance; a decoy answers alike. */
export const resendRegistrationCode: FlowResend = async (db, profile, challengeId, client, sms = getSmsSender()) => {
  if (!registrationOpen(profile)) return { ok: false, error: 'no-attempt' };
  const challenge = await findRegistration(db, profile.id, challengeId);
  // No attempt of ours: a decoy's resend (or nothing).
  if (!challenge) return resendFlowCode(db, profile, challengeId, PURPOSE, client, sms, { area: AREA, allowDecoy: true });
  if (challenge.verifiedAt) return { ok: false, error: 'no-attempt' };
  const locked = await lockedFor(db, challenge);
  if (locked > 0) return { ok: false, error: 'too-many-codes', retryAfterSeconds: locked };
  const key = phoneSendsKey(String(readFlowPayload<RegistrationPayload>(challenge).lockKey ?? ''));
  const allowance = await peekRateLimit(db, key, perPhone());
  if (!allowance.allowed) return { ok: false, error: 'too-many-codes', retryAfterSeconds: allowance.retryAfterSeconds };
  const sent = await resendFlowCode(db, profile, challenge.id, PURPOSE, client, sms, { area: AREA });
  // Counted once sent: a resend refused as too soon costs nothing.
  if (sent.ok) await hitRateLimit(db, key, perPhone());
  return sent;
};

// ---------------------------------------------------------------------------------------------
// Step 2: the code

export type VerifyRegistrationResult = { ok: true } | CodeRefusal;

export async function verifyRegistrationCode(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<VerifyRegistrationResult> {
  if (!registrationOpen(profile)) return { ok: false, error: 'no-attempt' };
  const pending = await findRegistration(db, profile.id, challengeId);
  // As at sign-in: a lock that began during this attempt stops even the right code.
  const locked = pending ? await lockedFor(db, pending) : 0;
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  // No attempt of ours: a decoy's (every code is wrong, counted like real ones), or nothing.
  const checked = await checkFlowCode(db, profile.id, challengeId, PURPOSE, code, client, { area: AREA, allowDecoy: true });
  return checked.ok ? { ok: true } : checked;
}

// ---------------------------------------------------------------------------------------------
// Step 3: the password, then the record, the account and the registration

export type CompleteRegistrationResult =
  /** 'open': the account is active; Auth.js consumes this verified sign-in attempt for the session. */
  | { ok: true; outcome: 'signed-in'; signInChallengeId: string }
  /** 'approval': the account waits for the clinic. */
  | { ok: true; outcome: 'pending' }
  | InvalidInput
  | { ok: false; error: 'no-attempt' | 'not-available' };

/** Thrown inside the transaction to undo everything when the identifier was taken meanwhile. */
class IdentifierTakenMeanwhile extends Error {}

export async function completeRegistration(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  input: { password: string; confirmPassword: string },
  client: ClientInfo,
): Promise<CompleteRegistrationResult> {
  if (!registrationOpen(profile)) return { ok: false, error: 'not-available' };
  const tenantId = profile.id;
  const challenge = await findRegistration(db, tenantId, challengeId);
  if (!challenge?.verifiedAt || !challenge.phone) return { ok: false, error: 'no-attempt' };
  const payload = readFlowPayload<RegistrationPayload>(challenge);
  const details = readDetails(payload.details);
  if (!details) return { ok: false, error: 'no-attempt' };
  const fullName = `${details.firstName} ${details.lastName}`.trim();
  const password = await checkNewPassword(input, { email: details.email, name: fullName });
  if (!password.ok) return invalidInput(password.problems);
  const passwordHash = await hashPassword(input.password);
  const status = profile.portal.selfRegistration === 'approval' ? 'pending' : 'active';
  const audit = { tenantId, ip: client.ip, userAgent: client.userAgent };
  const mode = profile.portal.identificationMode;
  const identity = { email: details.email, nationalIdHash: details.nationalId?.nationalIdHash ?? null };
  const spend = async (tx: Executor, done: AuthChallenge) => {
    // What was typed is not kept once the attempt is over.
    await tx.update(authChallenges).set({ payload: JSON.stringify({ kind: KIND, lockKey: payload.lockKey }) }).where(challengeKey(done));
  };

  try {
    return await db.transaction(async (tx): Promise<CompleteRegistrationResult> => {
      const done = await completeVerifiedChallenge(tx, challenge.id, { tenantId, purposes: [PURPOSE] });
      if (!done?.phone) return { ok: false, error: 'no-attempt' };
      await spend(tx, done);
      // No other registration (or staff member) creates a patient of this clinic until this one is done.
      await lockPatientRecords(tx, tenantId);
      if (await findAccountByIdentity(tx, tenantId, mode, identity)) throw new IdentifierTakenMeanwhile();
      const duplicate = await findLikelyDuplicate(tx, tenantId, details);
      const at = clockNow();
      // A national ID stays with the record that has it; the new record waits for the merge without it.
      const nationalIdOnFile = duplicate?.match === 'national-id';
      const patient = await insertPatientRecord(tx, { id: tenantId, slug: profile.slug }, {
        id: done.subjectId, firstName: details.firstName, lastName: details.lastName, dateOfBirth: details.dateOfBirth,
        email: details.email, phone: done.phone, preferredLanguage: details.language, ...(details.nationalId && !nationalIdOnFile ? details.nationalId : {}),
      });
      const account = await createOrFindAccount(tx, tenantId, mode, {
        fullName, ...identity, phone: done.phone, passwordHash, language: details.language, status,
      }, at);
      if (!account.created) throw new IdentifierTakenMeanwhile();
      await linkAccountToPatient(tx, tenantId, account.accountId, patient.id, 'self', at, { activated: status === 'active' });
      const [registration] = await tx.insert(portalRegistrations).values({
        tenantId, accountId: account.accountId, patientId: patient.id, status: status === 'active' ? 'approved' : 'pending',
        possibleDuplicateOf: duplicate?.patientId ?? null, decidedAt: status === 'active' ? at : null, createdAt: at,
      }).returning({ id: portalRegistrations.id });
      if (duplicate) {
        await createTaskFromAutomation(tx, tenantId, {
          sourceKey: `portal-registration:${registration!.id}:possible-duplicate`,
          title: `Possible duplicate: ${patient.recordNumber} registered in the portal`,
          details: mergeTaskDetails(patient.recordNumber, duplicate, status),
          patientId: patient.id,
        });
      }

      const actor: AuditActor = { kind: 'patient', id: account.accountId };
      await recordAudit(tx, {
        ...audit, actor, action: 'patient.created', patientId: patient.id, target: { type: 'patient', id: patient.id },
        details: { source: 'self_registration' },
      });
      await recordEvent(tx, tenantId, { name: 'patient.created', patientId: patient.id, subject: {}, actor: { kind: 'patient', id: account.accountId } });
      await recordAudit(tx, {
        ...audit, actor, action: RegistrationAuditActions.registered, patientId: patient.id, target: { type: 'portal_account', id: account.accountId },
        details: { registrationId: registration!.id, status, possibleDuplicateOf: duplicate?.patientId ?? null, match: duplicate?.match ?? null },
      });
      if (status === 'pending') return { ok: true, outcome: 'pending' };
      // Handed to Auth.js (lib/auth/portal-session.ts), which consumes it and starts the session.
      const signIn = await createChallenge(tx, {
        tenantId, purpose: 'portal_sign_in', subject: { kind: 'portal_account', id: account.accountId }, phone: done.phone, ip: client.ip, verified: true,
      });
      return { ok: true, outcome: 'signed-in', signInChallengeId: signIn.id };
    }).finally(() => forgetPendingRegistrations(tenantId));
  } catch (error) {
    // Another way into the portal took the identifier between step 1 and now: nothing is made, the
    // attempt is spent and the owner is told. Waiting for approval reads the same as a registration
    // would; an open clinic can only ask to start again (step 1 then answers with a decoy).
    if (!(error instanceof IdentifierTakenMeanwhile) && postgresErrorCode(error) !== PG.uniqueViolation) throw error;
    const done = await completeVerifiedChallenge(db, challenge.id, { tenantId, purposes: [PURPOSE] });
    await spend(db, done ?? challenge);
    const owner = await findAccountByIdentity(db, tenantId, mode, identity);
    if (owner) await tellOwner(db, tenantId, owner, client);
    return status === 'pending' ? { ok: true, outcome: 'pending' } : { ok: false, error: 'no-attempt' };
  }
}

function readDetails(sealed: string | undefined): RegistrationDetails | null {
  if (!sealed) return null;
  try {
    return JSON.parse(decryptField(sealed)) as RegistrationDetails;
  } catch {
    // Under a retired key, or not ours: the registrant starts again.
    return null;
  }
}

export type DuplicateMatch = 'national-id' | 'phone' | 'email' | 'name-and-birth-date';
export interface LikelyDuplicate {
  patientId: string;
  recordNumber: string;
  match: DuplicateMatch;
}

/** How close two names must be (pg_trgm similarity of "first last", either order) on the same date of birth. */
const CLOSE_NAME = 0.5;

/**
 * The patient on file this registration most likely repeats: the same national ID, email or
 * phone, or the same date of birth and a close name (a typo, a second name, swapped first and
 * last). The strongest match first (an identifier before a phone a family may share); null when none.
 */
export async function findLikelyDuplicate(tx: Executor, tenantId: string, details: NewPersonDetails): Promise<LikelyDuplicate | null> {
  const typedName = `${details.firstName} ${details.lastName}`.toLowerCase();
  const sameId = details.nationalId ? sql`${patients.nationalIdHash} = ${details.nationalId.nationalIdHash}` : sql`false`;
  const samePhone = sql`${patients.phone} = ${details.phone}`;
  const sameEmail = details.email ? sql`lower(${patients.email}) = ${details.email}` : sql`false`;
  const closeName = sql`(${patients.dateOfBirth} = ${details.dateOfBirth} and greatest(
    similarity(lower(${patients.firstName} || ' ' || ${patients.lastName}), ${typedName}),
    similarity(lower(${patients.lastName} || ' ' || ${patients.firstName}), ${typedName})) >= ${CLOSE_NAME})`;
  const [match] = await tx
    .select({
      patientId: patients.id,
      recordNumber: patients.recordNumber,
      match: sql<DuplicateMatch>`case when ${sameId} then 'national-id' when ${sameEmail} then 'email' when ${samePhone} then 'phone' else 'name-and-birth-date' end`,
    })
    .from(patients)
    .where(and(eq(patients.tenantId, tenantId), sql`(${sameId} or ${samePhone} or ${sameEmail} or ${closeName})`))
    .orderBy(sql`case when ${sameId} then 0 when ${sameEmail} then 1 when ${samePhone} then 2 else 3 end`, patients.createdAt)
    .limit(1);
  return match ?? null;
}

const MATCH_WORDS: Record<DuplicateMatch, string> = {
  'national-id': 'the same national ID',
  phone: 'the same mobile number',
  email: 'the same email address',
  'name-and-birth-date': 'the same date of birth and a similar name',
};

/** The merge task's words: both record numbers and why, nothing typed by the registrant. */
function mergeTaskDetails(newRecord: string, duplicate: LikelyDuplicate, status: 'active' | 'pending'): string {
  return [
    `${newRecord} registered in the patient portal and may be the same person as ${duplicate.recordNumber} (${MATCH_WORDS[duplicate.match]}).`,
    'Compare the two records. If they are one person, merge them by hand (keep the older record, move what the new one has, and link the portal account to it).',
    status === 'pending' ? 'The registration waits for a decision in EMR → Registrations: decide after comparing.' : 'The clinic’s registration is open: the new account can already sign in.',
    duplicate.match === 'national-id' ? `The national ID stays on ${duplicate.recordNumber}; ${newRecord} was made without it.` : '',
  ].filter(Boolean).join('\n');
}

// ---------------------------------------------------------------------------------------------
// Other ways into the portal

/**
 * Whether linking `patientId` to this existing account must wait for the clinic: the account is a
 * self-registration still waiting (or rejected), or one no member of staff has approved (an open
 * clinic's) and the patient is not its own. Printed activation links a patient to the account that
 * already signs in with the identifier typed, without its password; a registrant confirmed a phone,
 * never the email or ID they registered with, so their account must not reach a record on file
 * that way (someone registering with a patient's address before the patient activates).
 */
export async function registrationHoldsLink(db: Executor, tenantId: string, accountId: string, patientId: string): Promise<boolean> {
  const [row] = await db
    .select({ status: portalAccounts.status, ownPatientId: portalRegistrations.patientId, decidedBy: portalRegistrations.decidedByStaffId })
    .from(portalAccounts)
    .leftJoin(portalRegistrations, and(eq(portalRegistrations.tenantId, portalAccounts.tenantId), eq(portalRegistrations.accountId, portalAccounts.id)))
    .where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, accountId)));
  if (!row) return false;
  if (row.status === 'pending' || row.status === 'rejected') return true;
  return row.ownPatientId !== null && row.decidedBy === null && row.ownPatientId !== patientId;
}
