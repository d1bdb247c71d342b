import 'server-only';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { portalAccounts, tenantSettings } from '@/db/schema';
import type { PortalAccountContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { AuditActions } from '@/lib/audit/actions';
import { now as clockNow } from '@/lib/clock';
import { decryptField, encryptField } from '@/lib/crypto/field-encryption';
import { countRecoveryCodesLeft, deleteRecoveryCodes, replaceRecoveryCodes, spendRecoveryCode, type RecoverySubject } from '@/lib/identity/recovery-codes';
import { generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from '@/lib/identity/totp';
import { hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';
import { checkCurrentPassword } from './account-settings';

/**
 * A patient's authenticator app (seed 002 "Activate MFA"; issue 19): enrolled in Settings where
 * the clinic allows it, then offered at sign-in instead of the SMS code that did not arrive.
 *
 * The account row holds the state: `totp_secret_enc` set and `totp_enrolled_at` null is an
 * enrolment waiting for its first code (the QR code shown again on every visit until then);
 * both set is an enrolled app. Ten recovery codes come with the first code and are shown once.
 * If the clinic later turns the app off, an enrolled app is kept but not offered at sign-in.
 */

export const AuthenticatorAuditActions = {
  enrolmentStarted: 'auth.totp_enrolment_started',
  enrolmentCancelled: 'auth.totp_enrolment_cancelled',
  enrolled: AuditActions.totpEnrolled,
  removed: 'auth.totp_removed',
  recoveryCodesRegenerated: 'auth.recovery_codes_regenerated',
  recoveryCodeUsed: 'auth.recovery_code_used',
} as const;

/** How a sign-in's second step was passed, as the sign-in audit entry records it. */
export type AuthenticatorMethod = 'authenticator_app' | 'recovery_code';

const accountWhere = (tenantId: string, accountId: string) => and(eq(portalAccounts.tenantId, tenantId), eq(portalAccounts.id, accountId));
const subjectOf = (tenantId: string, accountId: string): RecoverySubject => ({ tenantId, kind: 'portal_account', id: accountId });
const target = (ctx: PortalAccountContext) => ({ type: 'portal_account', id: ctx.account.id });

// A signed-in session that is not the patient's must not become a code-guessing oracle: wrong
// codes in Settings (confirm, regenerate, remove) are limited per account, as passwords are.
const CODE_GUESSES = { limit: 10, windowSeconds: 15 * 60 };
const guessKey = (ctx: PortalAccountContext) => `portal-authenticator-code:${ctx.tenant.id}:${ctx.account.id}`;

/** Whether the clinic offers the authenticator app (the CRM's "Sign-in and access"), read fresh. */
export async function clinicAllowsAuthenticator(db: Executor, tenantId: string): Promise<boolean> {
  const [row] = await db.select({ allowed: tenantSettings.portalTotpAllowed }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row?.allowed ?? false;
}

export type AuthenticatorStatus =
  | { allowed: boolean; state: 'off' }
  | { allowed: boolean; state: 'pending'; secret: string; qrSvg: string }
  | { allowed: boolean; state: 'on'; enrolledAt: Date; recoveryCodesLeft: number };

/**
 * What Settings shows. A pending enrolment carries its secret and QR code (made here, never by a
 * web service); `issuer` is the clinic's name as the app lists it.
 */
export async function getAuthenticatorStatus(db: Executor, ctx: PortalAccountContext, issuer: string): Promise<AuthenticatorStatus> {
  const allowed = await clinicAllowsAuthenticator(db, ctx.tenant.id);
  const [row] = await db
    .select({ secretEnc: portalAccounts.totpSecretEnc, enrolledAt: portalAccounts.totpEnrolledAt, email: portalAccounts.email, fullName: portalAccounts.fullName })
    .from(portalAccounts)
    .where(accountWhere(ctx.tenant.id, ctx.account.id));
  if (!row?.secretEnc) return { allowed, state: 'off' };
  if (row.enrolledAt) {
    return { allowed, state: 'on', enrolledAt: row.enrolledAt, recoveryCodesLeft: await countRecoveryCodesLeft(db, subjectOf(ctx.tenant.id, ctx.account.id)) };
  }
  // An enrolment the clinic stopped allowing is not shown: the patient starts again if it returns.
  if (!allowed) return { allowed, state: 'off' };
  const secret = decryptField(row.secretEnc);
  const qrSvg = await totpQrSvg(totpUri({ secret, accountName: row.email ?? row.fullName, issuer }));
  return { allowed, state: 'pending', secret, qrSvg };
}

export type StartEnrolmentResult = { ok: true } | { ok: false; error: 'not-allowed' | 'already-enrolled' };

/** "Set up an authenticator app": a new secret, waiting for its first code. */
export async function startAuthenticatorEnrolment(db: Executor, ctx: PortalAccountContext): Promise<StartEnrolmentResult> {
  if (!(await clinicAllowsAuthenticator(db, ctx.tenant.id))) return { ok: false, error: 'not-allowed' };
  return db.transaction(async (tx) => {
    const started = await tx
      .update(portalAccounts)
      .set({ totpSecretEnc: encryptField(generateTotpSecret()), totpLastStep: null, updatedAt: clockNow() })
      .where(and(accountWhere(ctx.tenant.id, ctx.account.id), isNull(portalAccounts.totpEnrolledAt)))
      .returning({ id: portalAccounts.id });
    if (started.length === 0) return { ok: false as const, error: 'already-enrolled' as const };
    await recordAudit(tx, ctx, { target: target(ctx), action: AuthenticatorAuditActions.enrolmentStarted, details: { area: 'portal' } });
    return { ok: true as const };
  });
}

/** "Cancel": forgets an enrolment that never got its first code. An enrolled app is untouched. */
export async function cancelAuthenticatorEnrolment(db: Executor, ctx: PortalAccountContext): Promise<void> {
  await db.transaction(async (tx) => {
    const cancelled = await tx
      .update(portalAccounts)
      .set({ totpSecretEnc: null, totpLastStep: null, updatedAt: clockNow() })
      .where(and(accountWhere(ctx.tenant.id, ctx.account.id), isNull(portalAccounts.totpEnrolledAt), isNotNull(portalAccounts.totpSecretEnc)))
      .returning({ id: portalAccounts.id });
    if (cancelled.length > 0) await recordAudit(tx, ctx, { target: target(ctx), action: AuthenticatorAuditActions.enrolmentCancelled, details: { area: 'portal' } });
  });
}

type CodeRefusal = { ok: false; error: 'wrong-code' } | { ok: false; error: 'too-many-attempts'; retryAfterSeconds: number };

/**
 * A Settings code check against the account's secret, counted against the per-account limit
 * when wrong. On success the step is stored (refusing a replay that raced us) inside `tx`.
 */
async function checkSettingsCode(
  tx: Executor,
  ctx: PortalAccountContext,
  row: { secretEnc: string; lastStep: number | null },
  code: string,
): Promise<{ ok: true } | CodeRefusal> {
  const limit = await peekRateLimit(tx, guessKey(ctx), CODE_GUESSES);
  if (!limit.allowed) return { ok: false, error: 'too-many-attempts', retryAfterSeconds: limit.retryAfterSeconds };
  const result = verifyTotp(decryptField(row.secretEnc), code, { lastUsedStep: row.lastStep });
  const stored = result.ok && (await tx
    .update(portalAccounts)
    .set({ totpLastStep: result.step })
    .where(and(accountWhere(ctx.tenant.id, ctx.account.id), sql`(${portalAccounts.totpLastStep} is null or ${portalAccounts.totpLastStep} < ${result.step})`))
    .returning({ id: portalAccounts.id })).length > 0;
  if (stored) return { ok: true };
  await hitRateLimit(tx, guessKey(ctx), CODE_GUESSES);
  return { ok: false, error: 'wrong-code' };
}

async function loadSecret(db: Executor, ctx: PortalAccountContext) {
  const [row] = await db
    .select({ secretEnc: portalAccounts.totpSecretEnc, enrolledAt: portalAccounts.totpEnrolledAt, lastStep: portalAccounts.totpLastStep, passwordHash: portalAccounts.passwordHash })
    .from(portalAccounts)
    .where(accountWhere(ctx.tenant.id, ctx.account.id));
  return row ?? null;
}

export type CodesResult =
  | { ok: true; recoveryCodes: string[] }
  | { ok: false; error: 'not-allowed' | 'no-enrolment' | 'not-enrolled' }
  | CodeRefusal;

/**
 * The first code from the app: only now is the app enrolled, and the ten recovery codes made
 * (returned to be shown once).
 */
export async function confirmAuthenticatorEnrolment(db: Executor, ctx: PortalAccountContext, input: { code: string }): Promise<CodesResult> {
  if (!(await clinicAllowsAuthenticator(db, ctx.tenant.id))) return { ok: false, error: 'not-allowed' };
  const row = await loadSecret(db, ctx);
  if (!row?.secretEnc || row.enrolledAt) return { ok: false, error: 'no-enrolment' };
  const secretEnc = row.secretEnc;
  const checked = await checkSettingsCode(db, ctx, { secretEnc, lastStep: row.lastStep }, input.code);
  if (!checked.ok) {
    await recordAudit(db, ctx, { target: target(ctx), action: AuthenticatorAuditActions.enrolled, outcome: 'failure', details: { area: 'portal', reason: checked.error } });
    return checked;
  }
  return db.transaction(async (tx) => {
    // The secret the code was checked against, still waiting: a second tab's "start again" loses.
    const enrolled = await tx
      .update(portalAccounts)
      .set({ totpEnrolledAt: clockNow(), updatedAt: clockNow() })
      .where(and(accountWhere(ctx.tenant.id, ctx.account.id), eq(portalAccounts.totpSecretEnc, secretEnc), isNull(portalAccounts.totpEnrolledAt)))
      .returning({ id: portalAccounts.id });
    if (enrolled.length === 0) return { ok: false as const, error: 'no-enrolment' as const };
    const recoveryCodes = await replaceRecoveryCodes(tx, subjectOf(ctx.tenant.id, ctx.account.id));
    await recordAudit(tx, ctx, { target: target(ctx), action: AuthenticatorAuditActions.enrolled, details: { area: 'portal', recoveryCodes: recoveryCodes.length } });
    return { ok: true as const, recoveryCodes };
  });
}

/** A new set of recovery codes, replacing the old; proven with a current code from the app. */
export async function regenerateRecoveryCodes(db: Executor, ctx: PortalAccountContext, input: { code: string }): Promise<CodesResult> {
  if (!(await clinicAllowsAuthenticator(db, ctx.tenant.id))) return { ok: false, error: 'not-allowed' };
  const row = await loadSecret(db, ctx);
  if (!row?.secretEnc || !row.enrolledAt) return { ok: false, error: 'not-enrolled' };
  const checked = await checkSettingsCode(db, ctx, { secretEnc: row.secretEnc, lastStep: row.lastStep }, input.code);
  if (!checked.ok) {
    await recordAudit(db, ctx, { target: target(ctx), action: AuthenticatorAuditActions.recoveryCodesRegenerated, outcome: 'failure', details: { area: 'portal', reason: checked.error } });
    return checked;
  }
  return db.transaction(async (tx) => {
    const recoveryCodes = await replaceRecoveryCodes(tx, subjectOf(ctx.tenant.id, ctx.account.id));
    await recordAudit(tx, ctx, { target: target(ctx), action: AuthenticatorAuditActions.recoveryCodesRegenerated, details: { area: 'portal', recoveryCodes: recoveryCodes.length } });
    return { ok: true as const, recoveryCodes };
  });
}

export type RemoveResult =
  | { ok: true }
  | { ok: false; error: 'not-enrolled' | 'no-proof' | 'wrong-password' | 'wrong-code' }
  | { ok: false; error: 'too-many-attempts'; retryAfterSeconds: number };

/**
 * Removes the app and its recovery codes. Proven with the account's password or a current code
 * from the app (the person who lost the phone still knows the password). Allowed whether or not
 * the clinic still offers the app.
 */
export async function removeAuthenticator(db: Executor, ctx: PortalAccountContext, input: { password?: string; code?: string }): Promise<RemoveResult> {
  const row = await loadSecret(db, ctx);
  if (!row?.secretEnc || !row.enrolledAt) return { ok: false, error: 'not-enrolled' };
  const password = input.password ?? '';
  const code = input.code?.trim() ?? '';
  if (!password && !code) return { ok: false, error: 'no-proof' };

  let refusal: Exclude<RemoveResult, { ok: true }> | null = null;
  if (password) {
    const current = await checkCurrentPassword(db, ctx, row.passwordHash, password);
    if (current !== 'ok') refusal = current === 'wrong' ? { ok: false, error: 'wrong-password' } : { ok: false, error: 'too-many-attempts', retryAfterSeconds: current.retryAfterSeconds };
  } else {
    const checked = await checkSettingsCode(db, ctx, { secretEnc: row.secretEnc, lastStep: row.lastStep }, code);
    if (!checked.ok) refusal = checked;
  }
  if (refusal) {
    await recordAudit(db, ctx, { target: target(ctx), action: AuthenticatorAuditActions.removed, outcome: 'failure', details: { area: 'portal', reason: refusal.error } });
    return refusal;
  }
  return db.transaction(async (tx) => {
    const removed = await tx
      .update(portalAccounts)
      .set({ totpSecretEnc: null, totpEnrolledAt: null, totpLastStep: null, updatedAt: clockNow() })
      .where(and(accountWhere(ctx.tenant.id, ctx.account.id), isNotNull(portalAccounts.totpEnrolledAt)))
      .returning({ id: portalAccounts.id });
    if (removed.length === 0) return { ok: false as const, error: 'not-enrolled' as const };
    await deleteRecoveryCodes(tx, subjectOf(ctx.tenant.id, ctx.account.id));
    await recordAudit(tx, ctx, { target: target(ctx), action: AuthenticatorAuditActions.removed, details: { area: 'portal', proof: password ? 'password' : 'code' } });
    return { ok: true as const };
  });
}

/** Whether the account has an enrolled app (the sign-in offers it only where the clinic allows it too). */
export async function hasEnrolledAuthenticator(db: Executor, tenantId: string, accountId: string): Promise<boolean> {
  const [row] = await db.select({ enrolledAt: portalAccounts.totpEnrolledAt }).from(portalAccounts).where(accountWhere(tenantId, accountId));
  return Boolean(row?.enrolledAt);
}

export type SecondFactorCheck = { ok: true; method: AuthenticatorMethod; recoveryCodesLeft?: number } | { ok: false };

/**
 * A code typed at sign-in: six digits are the app's (a step already used is refused, so a code
 * seen over a shoulder cannot be replayed), anything else is tried as a recovery code (used up).
 * The caller counts attempts and failures; this only answers whether the code is good.
 */
export async function checkAuthenticatorCode(db: Executor, tenantId: string, accountId: string, input: string): Promise<SecondFactorCheck> {
  const [row] = await db
    .select({ secretEnc: portalAccounts.totpSecretEnc, enrolledAt: portalAccounts.totpEnrolledAt, lastStep: portalAccounts.totpLastStep })
    .from(portalAccounts)
    .where(accountWhere(tenantId, accountId));
  if (!row?.secretEnc || !row.enrolledAt) return { ok: false };
  const digits = input.normalize('NFKC').replace(/\s+/g, '');
  if (/^\d{6}$/.test(digits)) {
    const result = verifyTotp(decryptField(row.secretEnc), digits, { lastUsedStep: row.lastStep });
    if (!result.ok) return { ok: false };
    const stored = await db
      .update(portalAccounts)
      .set({ totpLastStep: result.step })
      .where(and(accountWhere(tenantId, accountId), isNotNull(portalAccounts.totpEnrolledAt), sql`(${portalAccounts.totpLastStep} is null or ${portalAccounts.totpLastStep} < ${result.step})`))
      .returning({ id: portalAccounts.id });
    return stored.length > 0 ? { ok: true, method: 'authenticator_app' } : { ok: false };
  }
  const used = await spendRecoveryCode(db, subjectOf(tenantId, accountId), input);
  return used.ok ? { ok: true, method: 'recovery_code', recoveryCodesLeft: used.left } : { ok: false };
}
