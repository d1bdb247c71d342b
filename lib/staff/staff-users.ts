import 'server-only';
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, authTokens, staffUsers } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { countActiveUserManagers } from '@/lib/access-levels/user-managers';
import { recordAudit } from '@/lib/audit/record-audit';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { revokeSubjectSessions } from '@/lib/auth/session-store';
import { addSeconds, now as clockNow } from '@/lib/clock';
import type { EmailSender } from '@/lib/email/types';
import { generateToken, hashToken } from '@/lib/identity/secrets';
import { loadClinicEmailBrand } from '@/lib/notifications/email-brand';
import { StaffRuleError } from './errors';
import { staffInviteEmail } from './invite-email';

/** Clinic users: invites, access levels, deactivation. Every function needs `users.manage`. */

export async function listStaff(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'users.manage');
  return db
    .select({
      id: staffUsers.id, email: staffUsers.email, fullName: staffUsers.fullName, title: staffUsers.title,
      status: staffUsers.status, accessLevelId: staffUsers.accessLevelId, accessLevelName: accessLevels.name,
      totpEnrolled: sql<boolean>`${staffUsers.totpEnrolledAt} is not null`,
    })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(eq(staffUsers.tenantId, ctx.tenant.id))
    .orderBy(asc(staffUsers.fullName));
}

export async function listAccessLevels(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'users.manage');
  return db
    .select({ id: accessLevels.id, name: accessLevels.name, builtinKey: accessLevels.builtinKey, permissions: accessLevels.permissions })
    .from(accessLevels)
    .where(eq(accessLevels.tenantId, ctx.tenant.id))
    .orderBy(asc(accessLevels.name));
}

async function levelOf(db: Executor, tenantId: string, levelId: string) {
  const [level] = await db.select().from(accessLevels).where(and(eq(accessLevels.tenantId, tenantId), eq(accessLevels.id, levelId)));
  return level ?? null;
}

async function targetUser(db: Executor, ctx: StaffContext, staffId: string) {
  const [user] = await db.select().from(staffUsers).where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.id, staffId)));
  if (!user) throw new NotFoundError('staff user');
  return user;
}

/** Who sends an invitation: a clinic user, or a platform operator creating a clinic. */
export interface Inviter {
  tenant: { id: string; name: string };
  actor: { kind: 'staff' | 'operator'; id: string; fullName: string };
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * Issues a fresh invite link; any earlier unused link for the person stops working. The link
 * points at `origin` (the clinic's host): the invitation is only valid there. The email is in
 * the clinic's layout and sent as the clinic, for an operator's new clinic too (its branding is
 * written with it).
 */
export async function issueStaffInvite(db: Executor, inviter: Inviter, user: { id: string; email: string }, email: EmailSender, origin: string) {
  const brand = (await loadClinicEmailBrand(db, inviter.tenant.id)) ?? { name: inviter.tenant.name, logoUrl: null, primaryColor: '' };
  const token = generateToken();
  const link = `${origin}/staff/invite/${token}`;
  // Drawn before anything is written: a link the layout refuses leaves the earlier invite alone.
  const mail = staffInviteEmail(brand, { inviterName: inviter.actor.fullName, link });
  const at = clockNow();
  await db
    .update(authTokens)
    .set({ revokedAt: at })
    .where(and(eq(authTokens.tenantId, inviter.tenant.id), eq(authTokens.staffUserId, user.id), eq(authTokens.purpose, 'staff_invite'), isNull(authTokens.usedAt), isNull(authTokens.revokedAt)));
  await db.insert(authTokens).values({
    tenantId: inviter.tenant.id,
    purpose: 'staff_invite',
    tokenHash: hashToken(token),
    email: user.email,
    staffUserId: user.id,
    createdByStaffId: inviter.actor.kind === 'staff' ? inviter.actor.id : null,
    expiresAt: addSeconds(at, AUTH_POLICY.inviteTtlSeconds),
  });
  await email.send({
    to: user.email, subject: mail.subject, text: mail.text, html: mail.html, fromName: brand.name,
    idempotencyKey: `staff-invite:${hashToken(token)}`,
  });
  await recordAudit(db, {
    tenantId: inviter.tenant.id, actor: { kind: inviter.actor.kind, id: inviter.actor.id }, action: 'invite.sent',
    ip: inviter.ip ?? null, userAgent: inviter.userAgent ?? null, target: { type: 'staff_user', id: user.id }, details: { kind: 'staff' },
  });
  return link;
}

export async function inviteStaff(
  db: Executor,
  ctx: StaffContext,
  input: { email: string; fullName: string; accessLevelId: string },
  email: EmailSender,
  origin: string,
): Promise<{ staffId: string }> {
  assertPermission(ctx, 'users.manage');
  const level = await levelOf(db, ctx.tenant.id, input.accessLevelId);
  if (!level) throw new StaffRuleError('unknown-level');
  const address = input.email.trim().toLowerCase();
  const [existing] = await db.select().from(staffUsers).where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.email, address)));
  if (existing && existing.status !== 'invited') throw new StaffRuleError('email-taken');
  const user = existing ?? (await db
    .insert(staffUsers)
    .values({ tenantId: ctx.tenant.id, email: address, fullName: input.fullName.trim(), accessLevelId: level.id, status: 'invited' })
    .returning())[0]!;
  await issueStaffInvite(db, { ...ctx, actor: { kind: 'staff', id: ctx.actor.id, fullName: ctx.actor.fullName } }, user, email, origin);
  return { staffId: user.id };
}

export async function resendStaffInvite(db: Executor, ctx: StaffContext, staffId: string, email: EmailSender, origin: string) {
  assertPermission(ctx, 'users.manage');
  const user = await targetUser(db, ctx, staffId);
  if (user.status !== 'invited') throw new StaffRuleError('not-invited');
  await issueStaffInvite(db, { ...ctx, actor: { kind: 'staff', id: ctx.actor.id, fullName: ctx.actor.fullName } }, user, email, origin);
}

export async function changeAccessLevel(db: Executor, ctx: StaffContext, staffId: string, accessLevelId: string) {
  assertPermission(ctx, 'users.manage');
  return db.transaction(async (tx) => {
    const user = await targetUser(tx, ctx, staffId);
    const [from, to] = await Promise.all([levelOf(tx, ctx.tenant.id, user.accessLevelId), levelOf(tx, ctx.tenant.id, accessLevelId)]);
    if (!to) throw new StaffRuleError('unknown-level');
    if (from?.permissions.includes('users.manage') && !to.permissions.includes('users.manage') && user.status === 'active') {
      if ((await countActiveUserManagers(tx, ctx.tenant.id, { exceptStaffId: user.id })) === 0) throw new StaffRuleError('last-admin');
    }
    await tx.update(staffUsers).set({ accessLevelId: to.id, updatedAt: clockNow() }).where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.id, user.id)));
    await recordAudit(tx, ctx, {
      action: 'staff.access_level_changed',
      target: { type: 'staff_user', id: user.id }, details: { before: from?.name ?? null, after: to.name },
    });
  });
}

/** Deactivation ends every session of the person at once. */
export async function setStaffActive(db: Executor, ctx: StaffContext, staffId: string, active: boolean) {
  assertPermission(ctx, 'users.manage');
  if (staffId === ctx.actor.id && !active) throw new StaffRuleError('self');
  return db.transaction(async (tx) => {
    const user = await targetUser(tx, ctx, staffId);
    if (!active) {
      const level = await levelOf(tx, ctx.tenant.id, user.accessLevelId);
      if (level?.permissions.includes('users.manage') && (await countActiveUserManagers(tx, ctx.tenant.id, { exceptStaffId: user.id })) === 0) {
        throw new StaffRuleError('last-admin');
      }
    }
    const status = active ? (user.passwordHash ? 'active' : 'invited') : 'deactivated';
    await tx.update(staffUsers).set({ status, updatedAt: clockNow() }).where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.id, user.id)));
    if (!active) {
      await revokeSubjectSessions(tx, { kind: 'staff', subjectId: user.id, tenantId: ctx.tenant.id }, 'deactivated');
      await tx.update(authTokens).set({ revokedAt: clockNow() }).where(and(eq(authTokens.tenantId, ctx.tenant.id), eq(authTokens.staffUserId, user.id), isNull(authTokens.usedAt), isNull(authTokens.revokedAt)));
    }
    await recordAudit(tx, ctx, {
      action: active ? 'staff.reactivated' : 'staff.deactivated', target: { type: 'staff_user', id: user.id },
    });
  });
}

export type InviteLookup =
  | { status: 'valid'; email: string; fullName: string }
  | { status: 'expired' | 'used' | 'unknown' };

export async function lookupStaffInvite(db: Executor, tenantId: string, token: string): Promise<InviteLookup> {
  const [row] = await db
    .select({ expiresAt: authTokens.expiresAt, usedAt: authTokens.usedAt, revokedAt: authTokens.revokedAt, email: authTokens.email, fullName: staffUsers.fullName })
    .from(authTokens)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, authTokens.tenantId), eq(staffUsers.id, authTokens.staffUserId)))
    .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.tokenHash, hashToken(token)), eq(authTokens.purpose, 'staff_invite')));
  if (!row) return { status: 'unknown' };
  if (row.usedAt || row.revokedAt) return { status: 'used' };
  if (row.expiresAt <= clockNow()) return { status: 'expired' };
  return { status: 'valid', email: row.email, fullName: row.fullName };
}

/**
 * Accepting an invite: the token is spent by one UPDATE that only an unused, unexpired token
 * matches, in the same transaction as setting the password, so two accepts cannot both win.
 */
export async function acceptStaffInvite(
  db: Executor,
  tenantId: string,
  token: string,
  passwordHash: string,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ ok: true; email: string } | { ok: false; error: 'invalid' }> {
  return db.transaction(async (tx) => {
    const at = clockNow();
    const [spent] = await tx
      .update(authTokens)
      .set({ usedAt: at })
      .where(and(
        eq(authTokens.tenantId, tenantId),
        eq(authTokens.tokenHash, hashToken(token)),
        eq(authTokens.purpose, 'staff_invite'),
        isNull(authTokens.usedAt),
        isNull(authTokens.revokedAt),
        gt(authTokens.expiresAt, at),
      ))
      .returning({ staffUserId: authTokens.staffUserId, email: authTokens.email });
    if (!spent?.staffUserId) return { ok: false as const, error: 'invalid' as const };
    const updated = await tx
      .update(staffUsers)
      .set({ passwordHash, status: 'active', updatedAt: at })
      .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, spent.staffUserId), inArray(staffUsers.status, ['invited'])))
      .returning({ id: staffUsers.id });
    if (updated.length === 0) return { ok: false as const, error: 'invalid' as const };
    await recordAudit(tx, { tenantId, actor: { kind: 'staff', id: spent.staffUserId }, action: 'invite.accepted', ...client, details: { kind: 'staff' } });
    return { ok: true as const, email: spent.email };
  });
}
