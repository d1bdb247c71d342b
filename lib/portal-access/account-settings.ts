import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { portalAccountPatients, portalAccounts } from '@/db/schema';
import type { PortalAccountContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { revokeSubjectSessions } from '@/lib/auth/session-store';
import { now as clockNow } from '@/lib/clock';
import { isLocale, type Locale } from '@/lib/i18n/core';
import { hashPassword, verifyPasswordOrDummy } from '@/lib/identity/password-hash';
import { checkNewPassword } from './passwords';
import { hitRateLimit, peekRateLimit } from '@/lib/security/rate-limit';
import { isSupportedTimeZone } from '@/lib/settings/time-zones';

/**
 * The portal account's own settings (seed 002 "Settings"): language and time zone, password,
 * and deleting the account. Everything is per account, whoever the session acts for.
 */

/** The entry's target: the account itself, whoever the session acts for. */
const target = (ctx: PortalAccountContext) => ({ type: 'portal_account', id: ctx.account.id });

const accountWhere = (ctx: PortalAccountContext) => and(eq(portalAccounts.tenantId, ctx.tenant.id), eq(portalAccounts.id, ctx.account.id));

// A stolen, signed-in session must not become a password-guessing oracle.
const PASSWORD_GUESSES = { limit: 10, windowSeconds: 15 * 60 };
const guessKey = (ctx: PortalAccountContext) => `portal-current-password:${ctx.tenant.id}:${ctx.account.id}`;

export type CurrentPasswordCheck = 'ok' | 'wrong' | { retryAfterSeconds: number };

/** The account's current password, with a per-account limit on wrong guesses. */
export async function checkCurrentPassword(db: Executor, ctx: PortalAccountContext, storedHash: string, password: string): Promise<CurrentPasswordCheck> {
  const limit = await peekRateLimit(db, guessKey(ctx), PASSWORD_GUESSES);
  if (!limit.allowed) return { retryAfterSeconds: limit.retryAfterSeconds };
  if (await verifyPasswordOrDummy(storedHash, password)) return 'ok';
  await hitRateLimit(db, guessKey(ctx), PASSWORD_GUESSES);
  return 'wrong';
}

export type PreferencesResult =
  | { ok: true; language: Locale; timeZone: string | null }
  | { ok: false; error: 'invalid-language' | 'invalid-time-zone' | 'not-found' };

/** `timeZone` null (or empty) means "the clinic location's time". */
export async function savePortalPreferences(
  db: Executor,
  ctx: PortalAccountContext,
  input: { language: string; timeZone: string | null },
): Promise<PreferencesResult> {
  if (!isLocale(input.language)) return { ok: false, error: 'invalid-language' };
  const timeZone = input.timeZone?.trim() || null;
  if (timeZone && !isSupportedTimeZone(timeZone)) return { ok: false, error: 'invalid-time-zone' };
  const language = input.language;
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ language: portalAccounts.language, timeZone: portalAccounts.timeZone }).from(portalAccounts).where(accountWhere(ctx)).for('update');
    if (!before) return { ok: false as const, error: 'not-found' as const };
    if (before.language === language && before.timeZone === timeZone) return { ok: true as const, language, timeZone };
    await tx.update(portalAccounts).set({ language, timeZone, updatedAt: clockNow() }).where(accountWhere(ctx));
    await recordAudit(tx, ctx, {
      target: target(ctx),
      action: 'portal.preferences_updated',
      details: { changes: { language: { before: before.language, after: language }, timeZone: { before: before.timeZone, after: timeZone } } },
    });
    return { ok: true as const, language, timeZone };
  });
}

export type ChangePasswordResult =
  | { ok: true; endedSessions: number }
  | { ok: false; error: 'wrong-password' | 'not-found' }
  | { ok: false; error: 'too-many-attempts'; retryAfterSeconds: number }
  | { ok: false; error: 'invalid-password'; problems: { password?: string[]; confirmPassword?: string } };

/**
 * The current password, then the new one under the same policy as activation and reset. Every
 * other session of the account ends (a thief signed in elsewhere is out); this one stays.
 */
export async function changePortalPassword(
  db: Executor,
  ctx: PortalAccountContext,
  input: { currentPassword: string; password: string; confirmPassword: string },
): Promise<ChangePasswordResult> {
  const [account] = await db
    .select({ passwordHash: portalAccounts.passwordHash, email: portalAccounts.email, fullName: portalAccounts.fullName, status: portalAccounts.status })
    .from(portalAccounts)
    .where(accountWhere(ctx));
  if (!account || account.status !== 'active') return { ok: false, error: 'not-found' };
  const current = await checkCurrentPassword(db, ctx, account.passwordHash, input.currentPassword);
  if (current !== 'ok') {
    await recordAudit(db, ctx, { target: target(ctx), action: 'auth.password_changed', outcome: 'failure', details: { area: 'portal', reason: current === 'wrong' ? 'wrong-password' : 'too-many-attempts' } });
    return current === 'wrong' ? { ok: false, error: 'wrong-password' } : { ok: false, error: 'too-many-attempts', retryAfterSeconds: current.retryAfterSeconds };
  }
  const check = await checkNewPassword(input, { email: account.email, name: account.fullName });
  if (!check.ok) return check;
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const at = clockNow();
    await tx.update(portalAccounts).set({ passwordHash, passwordChangedAt: at, updatedAt: at, failedSignIns: 0 }).where(accountWhere(ctx));
    const endedSessions = await revokeSubjectSessions(
      tx, { kind: 'portal', subjectId: ctx.account.id, tenantId: ctx.tenant.id }, 'password-changed', ctx.sessionId,
    );
    await recordAudit(tx, ctx, { target: target(ctx), action: 'auth.password_changed', details: { area: 'portal', endedSessions } });
    return { ok: true as const, endedSessions };
  });
}

export type DeleteAccountResult =
  | { ok: true }
  | { ok: false; error: 'wrong-password' | 'not-confirmed' | 'not-found' }
  | { ok: false; error: 'too-many-attempts'; retryAfterSeconds: number };

/**
 * Removes portal access for good: the account row goes (its patient links and open invite
 * tokens cascade with it) and every session ends. The patients' records, documents and visits
 * stay with the clinic, which must keep them; staff can invite the person again later, since
 * the email or national ID is free once the account is gone. The audit log keeps the account
 * id as the actor of what it did.
 */
export async function deletePortalAccount(
  db: Executor,
  ctx: PortalAccountContext,
  input: { password: string; confirmed: boolean },
): Promise<DeleteAccountResult> {
  if (!input.confirmed) return { ok: false, error: 'not-confirmed' };
  const [account] = await db.select({ passwordHash: portalAccounts.passwordHash, status: portalAccounts.status }).from(portalAccounts).where(accountWhere(ctx));
  if (!account || account.status !== 'active') return { ok: false, error: 'not-found' };
  const current = await checkCurrentPassword(db, ctx, account.passwordHash, input.password);
  if (current !== 'ok') {
    await recordAudit(db, ctx, { target: target(ctx), action: 'portal.account_deleted', outcome: 'failure', details: { reason: current === 'wrong' ? 'wrong-password' : 'too-many-attempts' } });
    return current === 'wrong' ? { ok: false, error: 'wrong-password' } : { ok: false, error: 'too-many-attempts', retryAfterSeconds: current.retryAfterSeconds };
  }
  return db.transaction(async (tx) => {
    const links = await tx
      .select({ patientId: portalAccountPatients.patientId, relationship: portalAccountPatients.relationship })
      .from(portalAccountPatients)
      .where(and(eq(portalAccountPatients.tenantId, ctx.tenant.id), eq(portalAccountPatients.accountId, ctx.account.id)));
    await tx.delete(portalAccounts).where(accountWhere(ctx));
    await revokeSubjectSessions(tx, { kind: 'portal', subjectId: ctx.account.id, tenantId: ctx.tenant.id }, 'account-deleted');
    await recordAudit(tx, ctx, { target: target(ctx), action: 'portal.account_deleted', details: { patients: links } });
    // One entry per patient too, so each patient's access history shows the link ended.
    for (const link of links) {
      await recordAudit(tx, ctx, {
        target: target(ctx), action: 'portal.account_unlinked', patientId: link.patientId,
        details: { relationship: link.relationship, reason: 'account-deleted' },
      });
    }
    return { ok: true as const };
  });
}
