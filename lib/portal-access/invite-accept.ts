import 'server-only';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authTokens, portalAccounts } from '@/db/schema';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { completeVerifiedChallenge } from '@/lib/auth/challenges';
import { maskPhone } from '@/lib/auth/identifiers';
import { lockoutKey, recordSignInFailure } from '@/lib/auth/lockout';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { addSeconds, now as clockNow } from '@/lib/clock';
import { hashPassword, verifyPassword } from '@/lib/identity/password-hash';
import { hashToken } from '@/lib/identity/secrets';
import { getSmsSender } from '@/lib/messaging/providers';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { createOrFindAccount, findAccountByEmail, findPortalSettings, LOCK_SCOPES, linkAccountToPatient } from './accounts';
import { checkFlowCode, flowLockedSeconds, flowResender, readFlowPayload, startFlowAttempt, type AttemptRefusal, type CodeRefusal, type FlowPayload } from './flow';
import { resolveInvitee } from './invitee';
import { checkNewPassword } from './passwords';
import { invalidInput, type InvalidInput } from './results';
import { linkTokenSchema } from './schemas';

/**
 * Accepting an emailed invitation (seed 003). Someone who already has an account in this clinic
 * (same email) confirms with its password and the SMS code to its phone, and the patient is
 * added to it; anyone else chooses a password and confirms the phone the clinic has for them.
 * The token is spent by one guarded UPDATE in the transaction that creates or links the account,
 * so two tabs accepting the same link cannot both succeed.
 */

const PURPOSE = 'portal_invite' as const;

interface InvitePayload extends FlowPayload {
  tokenHash: string;
  mode: 'new' | 'existing';
  accountId?: string;
  passwordHash?: string;
}

export type InviteLinkProblem = 'link-invalid' | 'link-used' | 'link-expired' | 'access-disabled' | 'no-phone' | 'no-identifier';

export type InviteLookup =
  | { ok: true; mode: 'new' | 'existing'; email: string; maskedPhone: string; expiresAt: Date }
  | { ok: false; error: InviteLinkProblem };

async function findInviteToken(db: Executor, tenantId: string, token: string): Promise<typeof authTokens.$inferSelect | null> {
  if (!linkTokenSchema.safeParse(token).success) return null;
  const [row] = await db
    .select()
    .from(authTokens)
    .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, 'patient_invite')));
  return row ?? null;
}

/** What the invitation page shows. Read-only: opening the link (or a mail scanner) spends nothing. */
export async function inspectPortalInvite(db: Executor, profile: TenantProfile, token: string): Promise<InviteLookup> {
  const row = await findInviteToken(db, profile.id, token);
  if (!row || !row.patientId) return { ok: false, error: 'link-invalid' };
  if (row.usedAt || row.revokedAt) return { ok: false, error: 'link-used' };
  if (row.expiresAt <= clockNow()) return { ok: false, error: 'link-expired' };
  const settings = await findPortalSettings(db, profile.id, row.patientId);
  if (settings?.disabledAt) return { ok: false, error: 'access-disabled' };
  const account = await findAccountByEmail(db, profile.id, row.email);
  if (account) return { ok: true, mode: 'existing', email: row.email, maskedPhone: maskPhone(account.phone), expiresAt: row.expiresAt };
  const invitee = await resolveInvitee(db, profile.id, { patientId: row.patientId, relationship: row.relationship, email: row.email });
  if (!invitee?.phone) return { ok: false, error: 'no-phone' };
  if (profile.portal.identificationMode === 'national_id' && !invitee.nationalIdHash) return { ok: false, error: 'no-identifier' };
  return { ok: true, mode: 'new', email: row.email, maskedPhone: maskPhone(invitee.phone), expiresAt: row.expiresAt };
}

export type StartInviteResult =
  | { ok: true; maskedPhone: string; challengeId: string; resendAvailableAt: Date }
  | AttemptRefusal
  | InvalidInput
  | { ok: false; error: InviteLinkProblem | 'portal-disabled' | 'stale' | 'account-disabled' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number };

/**
 * Step 1: a new password (new account) or the account's current password (existing account);
 * then the code is sent. `stale` means the page was drawn for the other case (an account with
 * that email appeared meanwhile): reload it.
 */
export async function startInviteAcceptance(
  db: Executor,
  profile: TenantProfile,
  token: string,
  input: { mode: 'new'; password: string; confirmPassword: string } | { mode: 'existing'; currentPassword: string },
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<StartInviteResult> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  const lookup = await inspectPortalInvite(db, profile, token);
  if (!lookup.ok) return lookup;
  if (lookup.mode !== input.mode) return { ok: false, error: 'stale' };
  const row = (await findInviteToken(db, profile.id, token))!;
  const tenantId = profile.id;
  let attempt: Omit<Parameters<typeof startFlowAttempt>[2], 'purpose'> & { phone: string | null };

  if (input.mode === 'existing') {
    const account = (await findAccountByEmail(db, tenantId, row.email))!;
    const lockKey = lockoutKey(LOCK_SCOPES.invite, tenantId, account.id);
    const lockedFor = Math.max(
      await flowLockedSeconds(db, lockKey),
      account.lockedUntil ? Math.ceil((account.lockedUntil.getTime() - clockNow().getTime()) / 1000) : 0,
    );
    if (lockedFor > 0) return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    if (account.status !== 'active') return { ok: false, error: 'account-disabled' };
    if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
      const audit = { tenantId, actor: { kind: 'patient' as const, id: account.id }, ip: client.ip, userAgent: client.userAgent, details: { area: 'invite' } };
      await recordAudit(db, { ...audit, action: AuditActions.signInFailed, outcome: 'failure', details: { area: 'invite', reason: 'wrong-password' } });
      const lockedNow = await recordSignInFailure(db, lockKey);
      if (lockedNow > 0) {
        await db.update(portalAccounts).set({ lockedUntil: addSeconds(clockNow(), lockedNow) }).where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, account.id)));
        await recordAudit(db, { ...audit, action: AuditActions.locked, outcome: 'denied' });
        return { ok: false, error: 'locked', retryAfterSeconds: lockedNow };
      }
      return invalidInput({ currentPassword: 'That password is not correct. Use the password of your existing portal account.' });
    }
    const payload: InvitePayload = { lockKey, tokenHash: row.tokenHash, mode: 'existing', accountId: account.id };
    attempt = { subject: { kind: 'portal_account', id: account.id }, phone: account.phone, payload: { ...payload } };
  } else {
    const invitee = (await resolveInvitee(db, tenantId, { patientId: row.patientId!, relationship: row.relationship, email: row.email }))!;
    const password = await checkNewPassword(input, { email: row.email, name: invitee.fullName });
    if (!password.ok) return invalidInput(password.problems);
    const lockKey = lockoutKey(LOCK_SCOPES.invite, tenantId, row.id);
    const lockedFor = await flowLockedSeconds(db, lockKey);
    if (lockedFor > 0) return { ok: false, error: 'locked', retryAfterSeconds: lockedFor };
    const payload: InvitePayload = { lockKey, tokenHash: row.tokenHash, mode: 'new', passwordHash: await hashPassword(input.password) };
    attempt = { subject: { kind: 'patient', id: row.patientId! }, phone: invitee.phone, payload: { ...payload } };
  }

  const started = await startFlowAttempt(db, profile, { ...attempt, purpose: PURPOSE }, sms, client, 'invite');
  return started.ok ? { ...started, maskedPhone: maskPhone(attempt.phone!) } : started;
}

export type CompleteInviteResult =
  | { ok: true; outcome: 'created' | 'linked' }
  | CodeRefusal
  | { ok: false; error: 'link-used' | 'access-disabled' | 'account-disabled' };

/** Step 2: the SMS code; then the token is spent and the account created or linked, atomically. */
export async function completeInviteAcceptance(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<CompleteInviteResult> {
  const checked = await checkFlowCode(db, profile.id, challengeId, PURPOSE, code, client, { area: 'invite' });
  if (!checked.ok) return checked;
  const payload = readFlowPayload<InvitePayload>(checked.challenge);
  if (!payload.tokenHash || !payload.mode) return { ok: false, error: 'no-attempt' };
  const tenantId = profile.id;

  try {
    return await db.transaction(async (tx): Promise<CompleteInviteResult> => {
      const done = await completeVerifiedChallenge(tx, checked.challenge.id, { tenantId, purposes: [PURPOSE] });
      if (!done?.phone) return { ok: false, error: 'no-attempt' };
      const at = clockNow();
      // The single-use guard: of two concurrent accepts, the second finds used_at set and gets no row.
      const [token] = await tx
        .update(authTokens)
        .set({ usedAt: at })
        .where(and(
          eq(authTokens.tenantId, tenantId),
          eq(authTokens.tokenHash, payload.tokenHash!),
          eq(authTokens.purpose, 'patient_invite'),
          isNull(authTokens.usedAt),
          isNull(authTokens.revokedAt),
          gt(authTokens.expiresAt, at),
        ))
        .returning();
      if (!token?.patientId) return { ok: false, error: 'link-used' };
      const patientId = token.patientId;
      const relationship = token.relationship ?? 'self';
      if ((await findPortalSettings(tx, tenantId, patientId))?.disabledAt) throw new Rollback({ ok: false, error: 'access-disabled' });

      let accountId: string;
      let created = false;
      if (payload.mode === 'existing') {
        const [account] = await tx
          .select({ id: portalAccounts.id, status: portalAccounts.status })
          .from(portalAccounts)
          .where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, payload.accountId ?? done.subjectId)));
        if (!account || account.status !== 'active') throw new Rollback({ ok: false, error: 'account-disabled' });
        accountId = account.id;
      } else {
        const invitee = await resolveInvitee(tx, tenantId, { patientId, relationship: token.relationship, email: token.email });
        if (!invitee || !payload.passwordHash) throw new Rollback({ ok: false, error: 'no-attempt' });
        ({ accountId, created } = await createOrFindAccount(tx, tenantId, profile.portal.identificationMode, {
          fullName: invitee.fullName, email: token.email, nationalIdHash: invitee.nationalIdHash, phone: done.phone,
          passwordHash: payload.passwordHash, language: invitee.language ?? profile.portal.defaultLanguage,
        }, at));
      }
      await linkAccountToPatient(tx, tenantId, accountId, patientId, relationship, at);
      await recordAudit(tx, {
        tenantId, actor: { kind: 'patient', id: accountId }, action: AuditActions.inviteAccepted, patientId,
        target: { type: 'auth_token', id: token.id }, ip: client.ip, userAgent: client.userAgent,
        details: { relationship, accountCreated: created },
      });
      return { ok: true, outcome: created ? 'created' : 'linked' };
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
}

/** Thrown inside the transaction to undo the token's use and answer `result`. */
class Rollback extends Error {
  constructor(readonly result: CompleteInviteResult) {
    super('rollback');
  }
}

/** "Resend code", 60 s after the last one. */
export const resendInviteCode = flowResender(PURPOSE, { area: 'invite' });
