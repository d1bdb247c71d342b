import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientPortalSettings, patients } from '@/db/schema';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { completeVerifiedChallenge, findOpenChallenge } from '@/lib/auth/challenges';
import { normalizeIdentifier } from '@/lib/auth/identifiers';
import { lockoutKey } from '@/lib/auth/lockout';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { now as clockNow } from '@/lib/clock';
import { hashPassword } from '@/lib/identity/password-hash';
import { getSmsSender } from '@/lib/messaging/providers';
import { nationalIdLookupHash } from '@/lib/patients/national-id';
import { hitRateLimit } from '@/lib/security/rate-limit';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { createOrFindAccount, findAccountByIdentity, findPatientForAccess, fullNameOf, LOCK_SCOPES, linkAccountToPatient, patientHasSelfAccount } from './accounts';
import { startDecoy } from './decoy';
import { checkFlowCode, flowLockedSeconds, flowResender, startFlowAttempt, type AttemptStart, type CodeRefusal, type FlowPayload } from './flow';
import { checkNewPassword } from './passwords';
import { PORTAL_ACCESS_POLICY } from './policy';
import { invalidInput, type InvalidInput } from './results';
import { emailSchema } from './schemas';

/**
 * Automatic access (seed 004): in a clinic whose access mode is automatic, every patient with a
 * phone on file may set up an account by typing their identifier, confirming the SMS code sent
 * to that phone and choosing a password. Whether we know the identifier is never said: an
 * unknown one gets the same answer and a decoy code step (decoy.ts), and nothing is sent.
 */

const PURPOSE = 'portal_claim' as const;

type ClaimPayload = FlowPayload;

export type StartClaimResult =
  | AttemptStart
  | InvalidInput
  | { ok: false; error: 'not-available' | 'portal-disabled' }
  | { ok: false; error: 'rate-limited' | 'locked'; retryAfterSeconds: number };

export async function startClaim(
  db: Executor,
  profile: TenantProfile,
  input: { identifier: string },
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<StartClaimResult> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  if (profile.portal.accessMode !== 'automatic') return { ok: false, error: 'not-available' };
  const mode = profile.portal.identificationMode;
  const identifier = normalizeIdentifier(mode, input.identifier ?? '');
  if (!identifier) return invalidInput({ identifier: 'Enter your sign-in identifier.' });
  if (mode === 'email' && !emailSchema.safeParse({ email: identifier }).success) return invalidInput({ identifier: 'Enter a valid email address.' });
  const tenantId = profile.id;

  const perIp = await hitRateLimit(db, `claim-ip:${tenantId}:${client.ip ?? 'unknown'}`, { limit: PORTAL_ACCESS_POLICY.perIpPerHour, windowSeconds: 3600 });
  if (!perIp.allowed) return { ok: false, error: 'rate-limited', retryAfterSeconds: perIp.retryAfterSeconds };
  const lockKey = lockoutKey(LOCK_SCOPES.claim, tenantId, identifier);
  const locked = await flowLockedSeconds(db, lockKey);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };

  const patient = await findClaimablePatient(db, tenantId, mode, identifier);
  const audit = { tenantId, ip: client.ip, userAgent: client.userAgent };
  if (!patient) {
    await recordAudit(db, { ...audit, actor: { kind: 'anonymous' }, action: AuditActions.portalClaimed, outcome: 'failure', details: { reason: 'no-claimable-patient' } });
    return startDecoy(db, lockKey);
  }

  const payload: ClaimPayload = { lockKey };
  return startFlowAttempt(db, profile, { purpose: PURPOSE, subject: { kind: 'patient', id: patient.id }, phone: patient.phone, payload: { ...payload } }, sms, client, 'claim');
}

/**
 * The one patient this identifier names, with a phone on file and access not turned off by
 * staff. An email shared by several patients (a family) names none of them: the clinic invites
 * those people instead.
 */
async function findClaimablePatient(db: Executor, tenantId: string, mode: TenantProfile['portal']['identificationMode'], identifier: string) {
  const rows = await db
    .select({ id: patients.id, phone: patients.phone, disabledAt: patientPortalSettings.disabledAt })
    .from(patients)
    .leftJoin(patientPortalSettings, and(eq(patientPortalSettings.tenantId, patients.tenantId), eq(patientPortalSettings.patientId, patients.id)))
    .where(and(
      eq(patients.tenantId, tenantId),
      mode === 'email' ? sql`lower(${patients.email}) = ${identifier}` : eq(patients.nationalIdHash, nationalIdLookupHash(identifier)),
    ))
    .limit(2);
  if (rows.length !== 1) return null;
  const [row] = rows;
  if (!row?.phone || row.disabledAt) return null;
  return { id: row.id, phone: row.phone };
}

export type VerifyClaimResult = { ok: true } | CodeRefusal | { ok: false; error: 'account-exists' };

/** Step 2: the SMS code. Only now, to the phone's owner, do we say an account already exists. */
export async function verifyClaimCode(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<VerifyClaimResult> {
  const checked = await checkFlowCode(db, profile.id, challengeId, PURPOSE, code, client, { area: 'claim', allowDecoy: true });
  if (!checked.ok) return checked;
  if (await alreadyHasAccount(db, profile, checked.challenge.subjectId)) return { ok: false, error: 'account-exists' };
  return { ok: true };
}

async function alreadyHasAccount(db: Executor, profile: TenantProfile, patientId: string): Promise<boolean> {
  const patient = await findPatientForAccess(db, profile.id, patientId);
  if (!patient) return true;
  const identity = { email: patient.email ? normalizeIdentifier('email', patient.email) : null, nationalIdHash: patient.nationalIdHash };
  if (await findAccountByIdentity(db, profile.id, profile.portal.identificationMode, identity)) return true;
  return patientHasSelfAccount(db, profile.id, patientId);
}

export type CompleteClaimResult =
  | { ok: true }
  | InvalidInput
  | { ok: false; error: 'no-attempt' | 'account-exists' };

/** Step 3: the password. Creates the account and links the patient as "self". */
export async function completeClaim(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  input: { password: string; confirmPassword: string },
  client: ClientInfo,
): Promise<CompleteClaimResult> {
  const challenge = await findOpenChallenge(db, challengeId, { tenantId: profile.id, purposes: [PURPOSE] });
  if (!challenge?.verifiedAt || !challenge.phone) return { ok: false, error: 'no-attempt' };
  const tenantId = profile.id;
  const patient = await findPatientForAccess(db, tenantId, challenge.subjectId);
  if (!patient) return { ok: false, error: 'no-attempt' };
  const email = patient.email ? normalizeIdentifier('email', patient.email) : null;
  const password = await checkNewPassword(input, { email, name: fullNameOf(patient) });
  if (!password.ok) return invalidInput(password.problems);
  const passwordHash = await hashPassword(input.password);

  return db.transaction(async (tx): Promise<CompleteClaimResult> => {
    const done = await completeVerifiedChallenge(tx, challenge.id, { tenantId, purposes: [PURPOSE] });
    if (!done?.phone) return { ok: false, error: 'no-attempt' };
    if (await alreadyHasAccount(tx, profile, patient.id)) return { ok: false, error: 'account-exists' };
    const at = clockNow();
    const { accountId, created } = await createOrFindAccount(tx, tenantId, profile.portal.identificationMode, {
      fullName: fullNameOf(patient), email, nationalIdHash: patient.nationalIdHash, phone: done.phone, passwordHash,
      language: patient.preferredLanguage,
    }, at);
    if (!created) return { ok: false, error: 'account-exists' };
    await linkAccountToPatient(tx, tenantId, accountId, patient.id, 'self', at);
    await recordAudit(tx, {
      tenantId, actor: { kind: 'patient', id: accountId }, action: AuditActions.portalClaimed, patientId: patient.id,
      target: { type: 'portal_account', id: accountId }, ip: client.ip, userAgent: client.userAgent,
    });
    return { ok: true };
  });
}

/** "Resend code", 60 s after the last one (a decoy answers alike). */
export const resendClaimCode = flowResender(PURPOSE, { area: 'claim', allowDecoy: true });
