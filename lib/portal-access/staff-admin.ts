import 'server-only';
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authTokens, patientPortalSettings, portalAccountPatients, portalAccounts, type PortalAccount, type PortalRelationship } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { clearSignInFailures, lockoutKey, lockRemainingSeconds } from '@/lib/auth/lockout';
import { now as clockNow } from '@/lib/clock';
import { generatePortalCode } from '@/lib/identity/secrets';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { findPortalSettings, LOCK_SCOPES, lockoutKeysFor } from './accounts';
import { PortalAccessError } from './errors';
import { PORTAL_ACCESS_POLICY } from './policy';
import { requirePortalAdminPatient } from './staff-context';

/**
 * The EMR's Patient Portal tab (seed 001): create the portal user (a printed portal ID), see the
 * patient's access, unlock it, turn it off and on. Invitations are in staff-invites.ts.
 */

/**
 * Issues a fresh 6-digit portal ID for the printed instructions, turns access on and clears
 * any lock on a previous ID. The portal signs in with an SMS code, so a phone is required.
 */
export async function createPortalUser(db: Executor, ctx: StaffContext, patientId: string): Promise<{ portalCode: string }> {
  const patient = await requirePortalAdminPatient(db, ctx, patientId);
  if (!patient.phone) throw new PortalAccessError('no-phone');
  const tenantId = ctx.tenant.id;

  for (let draw = 0; draw < PORTAL_ACCESS_POLICY.portalCodeDraws; draw++) {
    const portalCode = generatePortalCode();
    try {
      // Each draw in its own transaction (a savepoint when the caller's db is one): a unique
      // clash aborts it, and the next draw starts clean.
      await db.transaction(async (tx) => {
        const at = clockNow();
        const fresh = {
          accessEnabled: true, disabledAt: null, portalCode, portalCodeCreatedAt: at,
          portalCodeFailedAttempts: 0, portalCodeLockedAt: null, updatedAt: at,
        };
        await tx
          .insert(patientPortalSettings)
          .values({ tenantId, patientId, ...fresh })
          .onConflictDoUpdate({ target: [patientPortalSettings.tenantId, patientPortalSettings.patientId], set: fresh });
        await recordAudit(tx, ctx, {
          action: AuditActions.portalUserCreated, patientId, target: { type: 'patient', id: patientId },
        });
      });
      return { portalCode };
    } catch (error) {
      // Another patient of this clinic holds that ID: draw again.
      if (postgresErrorCode(error) === PG.uniqueViolation) continue;
      throw error;
    }
  }
  throw new Error('could not draw an unused portal ID');
}

/**
 * Clears the portal ID's lock (5 wrong activation tries) and the sign-in locks of every account
 * linked to the patient: their lockout keys (built as portal sign-in builds them) and
 * portal_accounts.locked_until.
 */
export async function unlockPortalAccess(db: Executor, ctx: StaffContext, patientId: string): Promise<{ accountsUnlocked: number }> {
  const patient = await requirePortalAdminPatient(db, ctx, patientId);
  const tenantId = ctx.tenant.id;
  return db.transaction(async (tx) => {
    const at = clockNow();
    await tx
      .update(patientPortalSettings)
      .set({ portalCodeFailedAttempts: 0, portalCodeLockedAt: null, updatedAt: at })
      .where(and(eq(patientPortalSettings.tenantId, tenantId), eq(patientPortalSettings.patientId, patientId)));
    const accounts = await linkedAccounts(tx, tenantId, patientId);
    if (accounts.length > 0) {
      await tx
        .update(portalAccounts)
        .set({ lockedUntil: null, failedSignIns: 0, updatedAt: at })
        .where(and(eq(portalAccounts.tenantId, tenantId), inArray(portalAccounts.id, accounts.map((a) => a.id))));
    }
    const keys = new Set<string>([lockoutKey(LOCK_SCOPES.activation, tenantId, patientId)]);
    for (const identity of [patient, ...accounts]) {
      for (const key of await lockoutKeysFor(tx, tenantId, identity)) keys.add(key);
    }
    for (const account of accounts) keys.add(lockoutKey(LOCK_SCOPES.invite, tenantId, account.id));
    for (const key of keys) await clearSignInFailures(tx, key);
    await recordAudit(tx, ctx, {
      action: AuditActions.portalUnlocked, patientId, target: { type: 'patient', id: patientId },
      details: { accounts: accounts.map((a) => a.id) },
    });
    return { accountsUnlocked: accounts.length };
  });
}

/**
 * Turns the patient's portal access on or off. Off hides the patient from every linked account
 * (lib/access/linked-patients) and stops activation and invitations; accounts stay.
 */
export async function setPortalAccessEnabled(db: Executor, ctx: StaffContext, patientId: string, enabled: boolean): Promise<void> {
  await requirePortalAdminPatient(db, ctx, patientId);
  const tenantId = ctx.tenant.id;
  await db.transaction(async (tx) => {
    const at = clockNow();
    const before = await findPortalSettings(tx, tenantId, patientId);
    const set = { accessEnabled: enabled, disabledAt: enabled ? null : at, updatedAt: at };
    await tx
      .insert(patientPortalSettings)
      .values({ tenantId, patientId, ...set })
      .onConflictDoUpdate({ target: [patientPortalSettings.tenantId, patientPortalSettings.patientId], set });
    await recordAudit(tx, ctx, {
      action: enabled ? AuditActions.portalAccessEnabled : AuditActions.portalAccessDisabled,
      patientId,
      target: { type: 'patient', id: patientId },
      details: { before: { accessEnabled: before?.accessEnabled ?? false }, after: { accessEnabled: enabled } },
    });
  });
}

export type PortalAccessStatus = 'none' | 'invited' | 'active' | 'locked' | 'disabled';

export interface PortalAccessState {
  status: PortalAccessStatus;
  accessEnabled: boolean;
  /** null: the clinic's default applies. */
  documentNotification: 'email' | 'email_sms' | null;
  hasPhone: boolean;
  /** The printed portal ID while it waits for activation. */
  pendingPortalCode: { code: string; createdAt: Date | null; failedAttempts: number; locked: boolean } | null;
  pendingInvites: { id: string; email: string; relationship: PortalRelationship | null; expiresAt: Date; createdAt: Date }[];
  accounts: {
    id: string;
    fullName: string;
    email: string | null;
    relationship: PortalRelationship;
    status: PortalAccount['status'];
    locked: boolean;
  }[];
}

/** What the Patient Portal tab shows. disabled > locked > active > invited > none. */
export async function getPortalAccessState(db: Executor, ctx: StaffContext, patientId: string): Promise<PortalAccessState> {
  const patient = await requirePortalAdminPatient(db, ctx, patientId);
  const tenantId = ctx.tenant.id;
  const at = clockNow();
  const settings = await findPortalSettings(db, tenantId, patientId);
  const invites = await db
    .select({
      id: authTokens.id, email: authTokens.email, relationship: authTokens.relationship,
      expiresAt: authTokens.expiresAt, createdAt: authTokens.createdAt,
    })
    .from(authTokens)
    .where(and(
      eq(authTokens.tenantId, tenantId),
      eq(authTokens.patientId, patientId),
      eq(authTokens.purpose, 'patient_invite'),
      isNull(authTokens.usedAt),
      isNull(authTokens.revokedAt),
      gt(authTokens.expiresAt, at),
    ))
    .orderBy(asc(authTokens.createdAt));

  const accounts: PortalAccessState['accounts'] = [];
  for (const account of await linkedAccounts(db, tenantId, patientId)) {
    let locked = account.lockedUntil !== null && account.lockedUntil > at;
    if (!locked) {
      const keys = await lockoutKeysFor(db, tenantId, account, [LOCK_SCOPES.signIn]);
      for (const key of keys) if ((await lockRemainingSeconds(db, key)) > 0) locked = true;
    }
    accounts.push({
      id: account.id, fullName: account.fullName, email: account.email, relationship: account.relationship,
      status: account.status, locked,
    });
  }

  const pendingPortalCode = settings?.portalCode
    ? {
        code: settings.portalCode,
        createdAt: settings.portalCodeCreatedAt,
        failedAttempts: settings.portalCodeFailedAttempts,
        locked: settings.portalCodeLockedAt !== null,
      }
    : null;
  const status: PortalAccessStatus = settings?.disabledAt
    ? 'disabled'
    : pendingPortalCode?.locked || accounts.some((a) => a.locked)
      ? 'locked'
      : accounts.length > 0
        ? 'active'
        : pendingPortalCode || invites.length > 0
          ? 'invited'
          : 'none';
  return {
    status,
    accessEnabled: settings ? settings.accessEnabled && !settings.disabledAt : false,
    documentNotification: settings?.documentNotification ?? null,
    hasPhone: Boolean(patient.phone),
    pendingPortalCode,
    pendingInvites: invites,
    accounts,
  };
}

async function linkedAccounts(db: Executor, tenantId: string, patientId: string) {
  return db
    .select({
      id: portalAccounts.id, fullName: portalAccounts.fullName, email: portalAccounts.email,
      nationalIdHash: portalAccounts.nationalIdHash, status: portalAccounts.status,
      lockedUntil: portalAccounts.lockedUntil, relationship: portalAccountPatients.relationship,
    })
    .from(portalAccountPatients)
    .innerJoin(portalAccounts, and(eq(portalAccounts.tenantId, portalAccountPatients.tenantId), eq(portalAccounts.id, portalAccountPatients.accountId)))
    .where(and(eq(portalAccountPatients.tenantId, tenantId), eq(portalAccountPatients.patientId, patientId)))
    .orderBy(asc(portalAccountPatients.createdAt));
}

/**
 * How the patient hears about a new document (seed 004): "Email only" or "Email and SMS" (SMS
 * costs the clinic money), or null to follow the clinic's default.
 */
export async function setDocumentNotificationPreference(
  db: Executor,
  ctx: StaffContext,
  patientId: string,
  preference: 'email' | 'email_sms' | null,
): Promise<void> {
  await requirePortalAdminPatient(db, ctx, patientId);
  const tenantId = ctx.tenant.id;
  await db.transaction(async (tx) => {
    const before = await findPortalSettings(tx, tenantId, patientId);
    const set = { documentNotification: preference, updatedAt: clockNow() };
    await tx
      .insert(patientPortalSettings)
      .values({ tenantId, patientId, ...set })
      .onConflictDoUpdate({ target: [patientPortalSettings.tenantId, patientPortalSettings.patientId], set });
    await recordAudit(tx, ctx, {
      action: 'portal.notification_preference_changed',
      patientId,
      target: { type: 'patient', id: patientId },
      details: { before: before?.documentNotification ?? null, after: preference },
    });
  });
}
