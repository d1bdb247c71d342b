import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authTokens, portalAccounts } from '@/db/schema';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { completeVerifiedChallenge, findOpenChallenge } from '@/lib/auth/challenges';
import { findPortalAccountByIdentifier, maskPhone, normalizeIdentifier } from '@/lib/auth/identifiers';
import { clearSignInFailures, lockoutKey } from '@/lib/auth/lockout';
import { AUTH_POLICY } from '@/lib/auth/policy';
import type { ClientInfo } from '@/lib/auth/portal-sign-in';
import { revokeSubjectSessions } from '@/lib/auth/session-store';
import { addSeconds, now as clockNow } from '@/lib/clock';
import type { EmailSender } from '@/lib/email/types';
import { hashPassword } from '@/lib/identity/password-hash';
import { generateToken, hashToken } from '@/lib/identity/secrets';
import { afterResponse } from '@/lib/messaging/after-response';
import { getEmailSender, getSmsSender } from '@/lib/messaging/providers';
import { hitRateLimit } from '@/lib/security/rate-limit';
import type { SmsSender } from '@/lib/sms/types';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { findAccountByEmail, LOCK_SCOPES, lockoutKeysFor } from './accounts';
import { startDecoy } from './decoy';
import { checkFlowCode, flowLockedSeconds, flowResender, readFlowPayload, startFlowAttempt, type AttemptRefusal, type AttemptStart, type CodeRefusal, type FlowPayload } from './flow';
import { normalizePortalOrigin, passwordResetEmail, portalEmailBrand, portalEmailLanguage } from './invite-email';
import { checkNewPassword } from './passwords';
import { PORTAL_ACCESS_POLICY } from './policy';
import { invalidInput, type InvalidInput } from './results';
import { emailSchema, linkTokenSchema } from './schemas';

/**
 * Forgot password: the identifier, an SMS code to the account's phone, a new password. The
 * phone is the sign-in factor, so the emailed link (email clinics) still ends in the SMS code.
 * A new password ends every session of the account and clears its locks. Unknown identifiers
 * get the same answers (decoy.ts), and nothing is sent.
 */

const PURPOSE = 'password_reset' as const;

interface ResetPayload extends FlowPayload {
  /** The sign-in lockout key of what was typed, cleared with the new password. */
  signInLockKey?: string;
  /** Set when the flow started from an emailed link, which is spent with the new password. */
  tokenHash?: string;
}

export type StartResetResult =
  | AttemptStart
  | InvalidInput
  | { ok: false; error: 'portal-disabled' }
  | { ok: false; error: 'rate-limited' | 'locked'; retryAfterSeconds: number };

async function perIpAllowed(db: Executor, tenantId: string, client: ClientInfo) {
  return hitRateLimit(db, `password-reset-ip:${tenantId}:${client.ip ?? 'unknown'}`, { limit: PORTAL_ACCESS_POLICY.perIpPerHour, windowSeconds: 3600 });
}

export async function startPasswordReset(
  db: Executor,
  profile: TenantProfile,
  input: { identifier: string },
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<StartResetResult> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  const mode = profile.portal.identificationMode;
  const identifier = normalizeIdentifier(mode, input.identifier ?? '');
  if (!identifier) return invalidInput({ identifier: 'Enter your sign-in identifier.' });
  if (mode === 'email' && !emailSchema.safeParse({ email: identifier }).success) return invalidInput({ identifier: 'Enter a valid email address.' });
  const tenantId = profile.id;

  const perIp = await perIpAllowed(db, tenantId, client);
  if (!perIp.allowed) return { ok: false, error: 'rate-limited', retryAfterSeconds: perIp.retryAfterSeconds };
  const lockKey = lockoutKey(LOCK_SCOPES.reset, tenantId, identifier);
  const locked = await flowLockedSeconds(db, lockKey);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };

  const account = await findPortalAccountByIdentifier(db, tenantId, mode, identifier);
  const requested = { tenantId, action: AuditActions.passwordResetRequested, ip: client.ip, userAgent: client.userAgent };
  // One audit row either way, and the same statements (decoy.ts), so the time taken does not
  // tell whether the account exists; the real code goes out after the response.
  if (!account || account.status !== 'active') {
    await recordAudit(db, {
      ...requested, actor: account ? { kind: 'patient', id: account.id } : { kind: 'anonymous' }, outcome: 'failure',
      details: { channel: 'sms', reason: account ? 'account-disabled' : 'unknown-identifier' },
    });
    return startDecoy(db, lockKey);
  }

  const payload: ResetPayload = { lockKey, signInLockKey: lockoutKey(LOCK_SCOPES.signIn, tenantId, identifier) };
  const started = await startFlowAttempt(
    db, profile, { purpose: PURPOSE, subject: { kind: 'portal_account', id: account.id }, phone: account.phone, payload: { ...payload } }, sms, client,
    'password-reset', { action: AuditActions.passwordResetRequested, details: { channel: 'sms', area: 'password-reset' } },
  );
  if (!started.ok) {
    await recordAudit(db, { ...requested, actor: { kind: 'patient', id: account.id }, outcome: 'denied', details: { channel: 'sms', reason: started.error } });
  }
  return started;
}

export type ResetLinkRequestResult =
  | { ok: true }
  | InvalidInput
  | { ok: false; error: 'not-available' | 'portal-disabled' }
  | { ok: false; error: 'rate-limited'; retryAfterSeconds: number };

/**
 * "Email me a reset link" (email clinics): a single-use link to `{portalOrigin}/portal/
 * reset-password/{token}`, valid 1 hour. Always the same answer, in the same time; a failed or
 * skipped email is only audited, since saying so would tell whether the account exists.
 */
export async function requestPasswordResetLink(
  db: Executor,
  profile: TenantProfile,
  input: { email: string },
  client: ClientInfo,
  portalOrigin: string,
  emailSender: EmailSender = getEmailSender(),
): Promise<ResetLinkRequestResult> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  if (profile.portal.identificationMode !== 'email') return { ok: false, error: 'not-available' };
  const parsed = emailSchema.safeParse(input);
  if (!parsed.success) return invalidInput({ identifier: 'Enter a valid email address.' });
  const email = normalizeIdentifier('email', parsed.data.email);
  const tenantId = profile.id;
  const origin = normalizePortalOrigin(portalOrigin);

  const perIp = await perIpAllowed(db, tenantId, client);
  if (!perIp.allowed) return { ok: false, error: 'rate-limited', retryAfterSeconds: perIp.retryAfterSeconds };
  const account = await findAccountByEmail(db, tenantId, email);
  const known = account?.status === 'active' ? account : null;
  const audit = { tenantId, ip: client.ip, userAgent: client.userAgent, action: AuditActions.passwordResetRequested };
  // From here both answers run the same statements (the per-address count, then one
  // transaction that retires the address's open links and writes the audit row), and the
  // email goes out after the response, so the time taken does not tell whether the account
  // exists. At most a few emails an hour to one address, however often the form is sent.
  const digest = createHash('sha256').update(email).digest('hex').slice(0, 32);
  const perEmail = await hitRateLimit(db, `password-reset-email:${tenantId}:${digest}`, { limit: AUTH_POLICY.codesPerHour, windowSeconds: 3600 });
  if (!known) {
    await db.transaction(async (tx) => {
      await tx
        .update(authTokens)
        .set({ revokedAt: clockNow() })
        .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.email, email), eq(authTokens.purpose, PURPOSE), isNull(authTokens.usedAt), isNull(authTokens.revokedAt)));
      await recordAudit(tx, { ...audit, actor: { kind: 'anonymous' }, outcome: 'failure', details: { channel: 'email', reason: account ? 'account-disabled' : 'unknown-identifier' } });
    });
    return { ok: true };
  }
  if (!perEmail.allowed) {
    await recordAudit(db, { ...audit, actor: { kind: 'patient', id: known.id }, outcome: 'denied', details: { channel: 'email', reason: 'hourly-limit' } });
    return { ok: true };
  }

  const token = generateToken();
  const tokenId = await db.transaction(async (tx) => {
    const at = clockNow();
    // Only the newest link works.
    await tx
      .update(authTokens)
      .set({ revokedAt: at })
      .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.portalAccountId, known.id), eq(authTokens.purpose, PURPOSE), isNull(authTokens.usedAt), isNull(authTokens.revokedAt)));
    const [row] = await tx
      .insert(authTokens)
      .values({ tenantId, purpose: PURPOSE, tokenHash: hashToken(token), email, portalAccountId: known.id, createdAt: at, expiresAt: addSeconds(at, AUTH_POLICY.passwordResetTtlSeconds) })
      .returning({ id: authTokens.id });
    await recordAudit(tx, { ...audit, actor: { kind: 'patient', id: known.id }, target: { type: 'auth_token', id: row!.id }, details: { channel: 'email' } });
    return row!.id;
  });
  const link = `${origin}/portal/reset-password/${token}`;
  await afterResponse('password reset email', async () => {
    try {
      // Drawn after the response too, so the answer takes no longer for a known address.
      const brand = portalEmailBrand(profile);
      const mail = passwordResetEmail(brand, portalEmailLanguage(profile, known.language), { link });
      await emailSender.send({
        to: email, subject: mail.subject, text: mail.text, html: mail.html, fromName: brand.name, idempotencyKey: `password-reset:${tokenId}`,
      });
    } catch {
      await db.update(authTokens).set({ revokedAt: clockNow() }).where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.id, tokenId)));
      await recordAudit(db, { ...audit, actor: { kind: 'system' }, outcome: 'failure', target: { type: 'auth_token', id: tokenId }, details: { channel: 'email', reason: 'email-failed' } });
    }
  });
  return { ok: true };
}

export type ResetLinkProblem = 'link-invalid' | 'link-used' | 'link-expired';

async function findResetToken(db: Executor, tenantId: string, token: string) {
  if (!linkTokenSchema.safeParse(token).success) return null;
  const [row] = await db
    .select({
      id: authTokens.id, tokenHash: authTokens.tokenHash, email: authTokens.email, accountId: authTokens.portalAccountId,
      usedAt: authTokens.usedAt, revokedAt: authTokens.revokedAt, expiresAt: authTokens.expiresAt,
      phone: portalAccounts.phone, status: portalAccounts.status,
    })
    .from(authTokens)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, authTokens.tenantId), eq(portalAccounts.id, authTokens.portalAccountId)))
    .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, PURPOSE)));
  return row ?? null;
}

/** What the reset-link page shows. Read-only. */
export async function inspectPasswordResetLink(
  db: Executor,
  profile: TenantProfile,
  token: string,
): Promise<{ ok: true; maskedPhone: string } | { ok: false; error: ResetLinkProblem }> {
  const row = await findResetToken(db, profile.id, token);
  if (!row || row.status !== 'active') return { ok: false, error: 'link-invalid' };
  if (row.usedAt || row.revokedAt) return { ok: false, error: 'link-used' };
  if (row.expiresAt <= clockNow()) return { ok: false, error: 'link-expired' };
  return { ok: true, maskedPhone: maskPhone(row.phone) };
}

/** The emailed link's first step: send the code to the account's phone. */
export async function startPasswordResetFromLink(
  db: Executor,
  profile: TenantProfile,
  token: string,
  client: ClientInfo,
  sms: SmsSender = getSmsSender(),
): Promise<
  | { ok: true; challengeId: string; maskedPhone: string; resendAvailableAt: Date }
  | AttemptRefusal
  | { ok: false; error: ResetLinkProblem | 'portal-disabled' }
  | { ok: false; error: 'locked'; retryAfterSeconds: number }
> {
  if (!profile.portal.enabled) return { ok: false, error: 'portal-disabled' };
  const lookup = await inspectPasswordResetLink(db, profile, token);
  if (!lookup.ok) return lookup;
  const row = (await findResetToken(db, profile.id, token))!;
  const lockKey = lockoutKey(LOCK_SCOPES.reset, profile.id, normalizeIdentifier('email', row.email));
  const locked = await flowLockedSeconds(db, lockKey);
  if (locked > 0) return { ok: false, error: 'locked', retryAfterSeconds: locked };
  const payload: ResetPayload = { lockKey, tokenHash: row.tokenHash };
  const started = await startFlowAttempt(db, profile, { purpose: PURPOSE, subject: { kind: 'portal_account', id: row.accountId! }, phone: row.phone, payload: { ...payload } }, sms, client, 'password-reset');
  return started.ok ? { ...started, maskedPhone: lookup.maskedPhone } : started;
}

/** Step 2: the SMS code (a decoy answers like a real flow). */
export async function verifyPasswordResetCode(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  code: string,
  client: ClientInfo,
): Promise<{ ok: true } | CodeRefusal> {
  const checked = await checkFlowCode(db, profile.id, challengeId, PURPOSE, code, client, { area: 'password-reset', allowDecoy: true });
  return checked.ok ? { ok: true } : checked;
}

export type CompleteResetResult = { ok: true } | InvalidInput | { ok: false; error: 'no-attempt' | 'link-used' };

/**
 * Step 3: the new password. Sets it, clears the account's locks, spends the emailed link if
 * there was one, and ends every session of the account, in one transaction.
 */
export async function completePasswordReset(
  db: Executor,
  profile: TenantProfile,
  challengeId: string | null,
  input: { password: string; confirmPassword: string },
  client: ClientInfo,
): Promise<CompleteResetResult> {
  const tenantId = profile.id;
  const challenge = await findOpenChallenge(db, challengeId, { tenantId, purposes: [PURPOSE] });
  if (!challenge?.verifiedAt || challenge.subjectKind !== 'portal_account') return { ok: false, error: 'no-attempt' };
  const [account] = await db
    .select({ id: portalAccounts.id, email: portalAccounts.email, nationalIdHash: portalAccounts.nationalIdHash, fullName: portalAccounts.fullName, status: portalAccounts.status })
    .from(portalAccounts)
    .where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, challenge.subjectId)));
  if (!account || account.status !== 'active') return { ok: false, error: 'no-attempt' };
  const password = await checkNewPassword(input, { email: account.email, name: account.fullName });
  if (!password.ok) return invalidInput(password.problems);
  const passwordHash = await hashPassword(input.password);
  const payload = readFlowPayload<ResetPayload>(challenge);

  return db.transaction(async (tx): Promise<CompleteResetResult> => {
    const done = await completeVerifiedChallenge(tx, challenge.id, { tenantId, purposes: [PURPOSE] });
    if (!done) return { ok: false, error: 'no-attempt' };
    const at = clockNow();
    if (payload.tokenHash) {
      const [spent] = await tx
        .update(authTokens)
        .set({ usedAt: at })
        .where(and(
          eq(authTokens.tenantId, tenantId), eq(authTokens.tokenHash, payload.tokenHash), eq(authTokens.purpose, PURPOSE),
          isNull(authTokens.usedAt), isNull(authTokens.revokedAt), gt(authTokens.expiresAt, at),
        ))
        .returning({ id: authTokens.id });
      if (!spent) return { ok: false, error: 'link-used' };
    }
    await tx
      .update(portalAccounts)
      .set({ passwordHash, passwordChangedAt: at, failedSignIns: 0, lockedUntil: null, updatedAt: at })
      .where(and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, account.id)));
    // Any other reset link is now pointless.
    await tx
      .update(authTokens)
      .set({ revokedAt: at })
      .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.portalAccountId, account.id), eq(authTokens.purpose, PURPOSE), isNull(authTokens.usedAt), isNull(authTokens.revokedAt)));
    const ended = await revokeSubjectSessions(tx, { kind: 'portal', subjectId: account.id, tenantId }, 'password-reset');
    const keys = new Set(await lockoutKeysFor(tx, tenantId, account));
    for (const key of [payload.lockKey, payload.signInLockKey, lockoutKey(LOCK_SCOPES.invite, tenantId, account.id)]) if (key) keys.add(key);
    for (const key of keys) await clearSignInFailures(tx, key);
    await recordAudit(tx, {
      tenantId, actor: { kind: 'patient', id: account.id }, action: AuditActions.passwordReset, target: { type: 'portal_account', id: account.id },
      ip: client.ip, userAgent: client.userAgent, details: { sessionsEnded: ended, viaLink: Boolean(payload.tokenHash) },
    });
    return { ok: true };
  });
}

/** "Resend code", 60 s after the last one (a decoy answers alike). */
export const resendPasswordResetCode = flowResender(PURPOSE, { area: 'password-reset', allowDecoy: true });
