import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, staffUsers } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { ALL_PERMISSIONS, BUILTIN_LEVEL_KEYS, isPermission, type BuiltinLevelKey, type Permission } from '@/lib/access/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { SettingsValidationError } from '@/lib/settings/errors';
import { parseSettings } from '@/lib/settings/schemas';
import { withUniqueName } from '@/lib/settings/unique-name';
import { AccessLevelAuditActions } from './audit-actions';
import { AccessLevelRuleError } from './errors';
import { accessLevelNameSchema } from './schemas';
import { countActiveUserManagers } from './user-managers';

/**
 * Access levels: the built-in ones (fixed, created with the clinic) and the clinic's custom
 * ones, edited in the CRM's permission matrix. Needs `users.manage`. A change applies to the
 * members at their next request: sessions re-read their level's permissions every request.
 */

export async function listAccessLevelsWithMembers(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'users.manage');
  const rows = await db
    .select({
      id: accessLevels.id,
      name: accessLevels.name,
      builtinKey: accessLevels.builtinKey,
      permissions: accessLevels.permissions,
      members: sql<number>`count(${staffUsers.id})::int`,
      activeMembers: sql<number>`(count(${staffUsers.id}) filter (where ${staffUsers.status} = 'active'))::int`,
    })
    .from(accessLevels)
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, accessLevels.tenantId), eq(staffUsers.accessLevelId, accessLevels.id)))
    .where(eq(accessLevels.tenantId, ctx.tenant.id))
    .groupBy(accessLevels.tenantId, accessLevels.id)
    .orderBy(asc(accessLevels.name));
  // Built-in levels first, in their defined order (Admin first), then custom levels by name.
  const rank = (key: string | null) => (key === null ? BUILTIN_LEVEL_KEYS.length : BUILTIN_LEVEL_KEYS.indexOf(key as BuiltinLevelKey));
  return rows.sort((a, b) => rank(a.builtinKey) - rank(b.builtinKey));
}
export type AccessLevelView = Awaited<ReturnType<typeof listAccessLevelsWithMembers>>[number];

/** Known permissions only, without duplicates, in the matrix's order. */
export function parsePermissions(values: readonly unknown[]): Permission[] {
  const unknown = values.find((v) => typeof v !== 'string' || !isPermission(v));
  if (unknown !== undefined) throw new SettingsValidationError({ permissions: 'This form sent a permission that does not exist. Reload the page.' });
  const chosen = new Set(values as string[]);
  return ALL_PERMISSIONS.filter((p) => chosen.has(p));
}

/** Every level of the clinic, locked: level edits of one clinic run one after another. */
async function lockLevels(tx: Executor, ctx: StaffContext) {
  return tx
    .select({ id: accessLevels.id, name: accessLevels.name, builtinKey: accessLevels.builtinKey, permissions: accessLevels.permissions })
    .from(accessLevels)
    .where(eq(accessLevels.tenantId, ctx.tenant.id))
    .for('update');
}
type LockedLevel = Awaited<ReturnType<typeof lockLevels>>[number];

function customLevel(levels: LockedLevel[], levelId: string): LockedLevel {
  const level = isUuid(levelId) ? levels.find((l) => l.id === levelId) : undefined;
  if (!level) throw new NotFoundError('access level');
  if (level.builtinKey) throw new AccessLevelRuleError('builtin', { name: level.name });
  return level;
}

function nameTaken(levels: LockedLevel[], name: string, exceptId?: string) {
  return levels.some((l) => l.id !== exceptId && l.name.toLowerCase() === name.toLowerCase());
}

/** Nobody hands out more than they hold: otherwise users.manage alone would lead to everything. */
function assertCanGrant(ctx: StaffContext, before: readonly string[], after: readonly Permission[]) {
  const added = after.find((p) => !before.includes(p) && !ctx.actor.permissions.has(p));
  if (added) throw new AccessLevelRuleError('beyond-own', { permission: added });
}

export async function createAccessLevel(db: Executor, ctx: StaffContext, input: unknown, permissions: readonly unknown[] = []): Promise<{ id: string }> {
  assertPermission(ctx, 'users.manage');
  const { name } = parseSettings(accessLevelNameSchema, input);
  const granted = parsePermissions(permissions);
  assertCanGrant(ctx, [], granted);
  const taken = () => new AccessLevelRuleError('name-taken', { name });
  return withUniqueName(taken, () => db.transaction(async (tx) => {
    const levels = await lockLevels(tx, ctx);
    if (nameTaken(levels, name)) throw taken();
    const [row] = await tx.insert(accessLevels).values({ tenantId: ctx.tenant.id, name, permissions: granted }).returning({ id: accessLevels.id });
    await recordAudit(tx, ctx, {
      action: AccessLevelAuditActions.created, target: { type: 'access_level', id: row!.id }, details: { name, before: null, after: { name, permissions: granted } },
    });
    return { id: row!.id };
  }));
}

/**
 * Saves the matrix: for each custom level named, its complete new set of permissions. All or
 * nothing, in one transaction; refused when no active user would be left with users.manage.
 */
export async function updatePermissionMatrix(db: Executor, ctx: StaffContext, matrix: Record<string, readonly unknown[]>): Promise<{ changed: number }> {
  assertPermission(ctx, 'users.manage');
  const wanted = Object.entries(matrix).map(([levelId, values]) => ({ levelId, permissions: parsePermissions(values) }));
  return db.transaction(async (tx) => {
    const levels = await lockLevels(tx, ctx);
    let changed = 0;
    let droppedUserManagement = false;
    for (const { levelId, permissions } of wanted) {
      const level = customLevel(levels, levelId);
      const before = ALL_PERMISSIONS.filter((p) => level.permissions.includes(p));
      if (before.join() === permissions.join()) continue;
      assertCanGrant(ctx, level.permissions, permissions);
      if (level.permissions.includes('users.manage') && !permissions.includes('users.manage')) droppedUserManagement = true;
      await tx.update(accessLevels).set({ permissions }).where(and(eq(accessLevels.tenantId, ctx.tenant.id), eq(accessLevels.id, level.id)));
      await recordAudit(tx, ctx, {
        action: AccessLevelAuditActions.permissionsChanged,
        target: { type: 'access_level', id: level.id },
        details: {
          name: level.name,
          before: { permissions: before },
          after: { permissions },
          added: permissions.filter((p) => !before.includes(p)),
          removed: before.filter((p) => !permissions.includes(p)),
        },
      });
      changed++;
    }
    // Counted after the updates, inside the transaction: the count sees the new permissions.
    if (droppedUserManagement && (await countActiveUserManagers(tx, ctx.tenant.id)) === 0) {
      throw new AccessLevelRuleError('last-admin');
    }
    return { changed };
  });
}

export async function renameAccessLevel(db: Executor, ctx: StaffContext, levelId: string, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'users.manage');
  const { name } = parseSettings(accessLevelNameSchema, input);
  const taken = () => new AccessLevelRuleError('name-taken', { name });
  return withUniqueName(taken, () => db.transaction(async (tx) => {
    const levels = await lockLevels(tx, ctx);
    const level = customLevel(levels, levelId);
    if (level.name === name) return { changed: false };
    if (nameTaken(levels, name, level.id)) throw taken();
    await tx.update(accessLevels).set({ name }).where(and(eq(accessLevels.tenantId, ctx.tenant.id), eq(accessLevels.id, level.id)));
    await recordAudit(tx, ctx, {
      action: AccessLevelAuditActions.renamed,
      target: { type: 'access_level', id: level.id },
      details: { before: { name: level.name, permissions: level.permissions }, after: { name, permissions: level.permissions } },
    });
    return { changed: true };
  }));
}

/** Only a level nobody holds (invited and deactivated people count: their rows point at it). */
export async function deleteAccessLevel(db: Executor, ctx: StaffContext, levelId: string): Promise<{ name: string }> {
  assertPermission(ctx, 'users.manage');
  return db.transaction(async (tx) => {
    const levels = await lockLevels(tx, ctx);
    const level = customLevel(levels, levelId);
    const [held] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(staffUsers)
      .where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.accessLevelId, level.id)));
    if ((held?.n ?? 0) > 0) throw new AccessLevelRuleError('in-use', { name: level.name, count: String(held!.n) });
    await tx.delete(accessLevels).where(and(eq(accessLevels.tenantId, ctx.tenant.id), eq(accessLevels.id, level.id), sql`${accessLevels.builtinKey} is null`));
    await recordAudit(tx, ctx, {
      action: AccessLevelAuditActions.deleted, target: { type: 'access_level', id: level.id }, details: { before: { name: level.name, permissions: level.permissions }, after: null },
    });
    return { name: level.name };
  });
}

