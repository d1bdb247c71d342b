import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accessLevels, auditLog, staffUsers } from '@/db/schema';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import { ALL_PERMISSIONS, BUILTIN_LEVELS, type Permission } from '@/lib/access/permissions';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import {
  createAccessLevel,
  deleteAccessLevel,
  listAccessLevelsWithMembers,
  renameAccessLevel,
  updatePermissionMatrix,
} from '@/lib/access-levels/access-levels';
import { ACCESS_LEVEL_MESSAGES, AccessLevelRuleError } from '@/lib/access-levels/errors';
import { countActiveUserManagers } from '@/lib/access-levels/user-managers';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
/** The form result the access-levels actions give for a thrown error (lib/actions/failures.ts). */
const accessLevelFailure = (error: unknown) => failureOf(error, { ...STAFF_MESSAGES, ...ACCESS_LEVEL_MESSAGES }, 'test');
type TestTenant = Awaited<ReturnType<typeof createTestTenant>>;

/** A staff member holding a custom level, with that level's permissions as the session would load them. */
async function staffWithLevel(tenant: TestTenant, levelId: string, status: 'active' | 'invited' | 'deactivated' = 'active'): Promise<StaffContext> {
  const [level] = await db().select().from(accessLevels).where(and(eq(accessLevels.tenantId, tenant.id), eq(accessLevels.id, levelId)));
  const [user] = await db()
    .insert(staffUsers)
    .values({ tenantId: tenant.id, email: `u-${Math.random().toString(36).slice(2, 8)}@${tenant.slug}.test`, fullName: 'Custom Person', accessLevelId: levelId, status })
    .returning();
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
    actor: {
      kind: 'staff', id: user!.id, fullName: user!.fullName, email: user!.email, accessLevelId: levelId, accessLevelName: level!.name,
      permissions: new Set(level!.permissions as Permission[]),
    },
    sessionId: '00000000-0000-0000-0000-000000000000',
  };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  return { error, state: accessLevelFailure(error) };
}

async function levelRow(tenantId: string, id: string) {
  const [row] = await db().select().from(accessLevels).where(and(eq(accessLevels.tenantId, tenantId), eq(accessLevels.id, id)));
  return row;
}

describe('access levels', () => {
  it('creates a custom level with a unique name and lists every level with its member count', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await createStaffContext(clinic, 'support');
    const { id } = await createAccessLevel(db(), admin, { name: '  Front   desk ' }, ['schedule.view', 'crm.access', 'schedule.view']);
    expect(await levelRow(clinic.id, id)).toMatchObject({ name: 'Front desk', builtinKey: null, permissions: ['crm.access', 'schedule.view'] });

    const levels = await listAccessLevelsWithMembers(db(), admin);
    expect(levels.map((l) => [l.name, l.members])).toEqual([
      ['Admin', 1], ['Physician', 0], ['Operations', 0], ['Support', 1], ['Marketing', 0], ['Front desk', 0],
    ]);

    for (const name of ['front desk', 'ADMIN']) {
      const { error, state } = await refusal(createAccessLevel(db(), admin, { name }));
      expect(error).toBeInstanceOf(AccessLevelRuleError);
      expect(state.fieldErrors?.name).toMatch(/already exists/);
    }
    const empty = await refusal(createAccessLevel(db(), admin, { name: '   ' }));
    expect(empty.state.fieldErrors?.name).toBe('Enter a name for the level.');
    const bogus = await refusal(createAccessLevel(db(), admin, { name: 'Bogus' }, ['superuser']));
    expect(bogus.state.fieldErrors?.permissions).toMatch(/does not exist/);

    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'access_level.created')));
    expect(entry?.details).toEqual({ name: 'Front desk', before: null, after: { name: 'Front desk', permissions: ['crm.access', 'schedule.view'] } });
  });

  it('saves the permission matrix for custom levels, audited with before and after', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const desk = await createAccessLevel(db(), admin, { name: 'Desk' }, ['crm.access']);
    const billing = await createAccessLevel(db(), admin, { name: 'Billing' }, ['emr.access']);
    const result = await updatePermissionMatrix(db(), admin, {
      [desk.id]: ['schedule.manage', 'crm.access', 'schedule.view'],
      [billing.id]: ['emr.access'],
    });
    expect(result).toEqual({ changed: 1 });
    expect((await levelRow(clinic.id, desk.id))?.permissions).toEqual(['crm.access', 'schedule.view', 'schedule.manage']);
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'access_level.permissions_changed')));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ targetId: desk.id, actorId: admin.actor.id });
    expect(entries[0]!.details).toEqual({
      name: 'Desk',
      before: { permissions: ['crm.access'] },
      after: { permissions: ['crm.access', 'schedule.view', 'schedule.manage'] },
      added: ['schedule.view', 'schedule.manage'],
      removed: [],
    });
    // A member's next request reads the level again and gets the new set.
    const member = await staffWithLevel(clinic, desk.id);
    expect([...member.actor.permissions]).toContain('schedule.manage');

    await renameAccessLevel(db(), admin, desk.id, { name: 'Reception' });
    expect((await levelRow(clinic.id, desk.id))?.name).toBe('Reception');
    const [renamed] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'access_level.renamed')));
    expect(renamed?.details).toMatchObject({ before: { name: 'Desk' }, after: { name: 'Reception', permissions: ['crm.access', 'schedule.view', 'schedule.manage'] } });
    const clash = await refusal(renameAccessLevel(db(), admin, desk.id, { name: 'billing' }));
    expect(clash.state.fieldErrors?.name).toMatch(/already exists/);
  });

  it('never changes, renames or deletes a built-in level', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const custom = await createAccessLevel(db(), admin, { name: 'Custom' }, ['crm.access']);
    for (const key of ['admin', 'marketing'] as const) {
      const levelId = clinic.levelId[key];
      const { error, state } = await refusal(updatePermissionMatrix(db(), admin, { [custom.id]: [], [levelId]: ['crm.access'] }));
      expect(error).toMatchObject({ code: 'builtin' });
      expect(state.message).toMatch(/built-in level/);
      await expect(renameAccessLevel(db(), admin, levelId, { name: 'Renamed' })).rejects.toMatchObject({ code: 'builtin' });
      await expect(deleteAccessLevel(db(), admin, levelId)).rejects.toMatchObject({ code: 'builtin' });
      expect((await levelRow(clinic.id, levelId))?.permissions).toEqual([...BUILTIN_LEVELS[key].permissions]);
    }
    // All or nothing: the custom level in the refused matrix kept its permissions.
    expect((await levelRow(clinic.id, custom.id))?.permissions).toEqual(['crm.access']);
  });

  it('refuses to delete a level someone holds, even an invited or deactivated person', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const level = await createAccessLevel(db(), admin, { name: 'Temp' }, ['crm.access']);
    const holder = await staffWithLevel(clinic, level.id, 'deactivated');
    const { state } = await refusal(deleteAccessLevel(db(), admin, level.id));
    expect(state.message).toBe('Temp is assigned to 1 user. Move them to another level first.');
    await db().update(staffUsers).set({ accessLevelId: clinic.levelId.support }).where(eq(staffUsers.id, holder.actor.id));
    expect(await deleteAccessLevel(db(), admin, level.id)).toEqual({ name: 'Temp' });
    expect(await levelRow(clinic.id, level.id)).toBeUndefined();
    const [entry] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'access_level.deleted')));
    expect(entry?.details).toEqual({ before: { name: 'Temp', permissions: ['crm.access'] }, after: null });
  });

  it('keeps at least one active user who can manage users', async () => {
    const clinic = await createTestTenant();
    const bootstrap = await createStaffContext(clinic, 'admin');
    const managers = await createAccessLevel(db(), bootstrap, { name: 'Managers' }, ['crm.access', 'users.manage']);
    const manager = await staffWithLevel(clinic, managers.id);
    // The only Admin leaves: the custom level is now the clinic's only way to manage users.
    await db().update(staffUsers).set({ status: 'deactivated' }).where(eq(staffUsers.id, bootstrap.actor.id));
    expect(await countActiveUserManagers(db(), clinic.id)).toBe(1);

    const { state } = await refusal(updatePermissionMatrix(db(), manager, { [managers.id]: ['crm.access'] }));
    expect(state.message).toMatch(/no active user would be left who can manage users/);
    expect((await levelRow(clinic.id, managers.id))?.permissions).toEqual(['crm.access', 'users.manage']);
    expect(await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'access_level.permissions_changed')))).toEqual([]);

    // With another active Admin, the same change is allowed.
    await createStaffContext(clinic, 'admin');
    expect(await updatePermissionMatrix(db(), manager, { [managers.id]: ['crm.access'] })).toEqual({ changed: 1 });
  });

  it('lets nobody grant a permission they do not hold', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const hr = await createAccessLevel(db(), admin, { name: 'HR' }, ['crm.access', 'users.manage']);
    const hrPerson = await staffWithLevel(clinic, hr.id);
    const own = await createAccessLevel(db(), hrPerson, { name: 'Interns' }, ['crm.access']);
    const { state } = await refusal(updatePermissionMatrix(db(), hrPerson, { [own.id]: ['crm.access', 'patients.view'] }));
    expect(state.message).toContain('“View patients and their charts”');
    await expect(createAccessLevel(db(), hrPerson, { name: 'Everything' }, ALL_PERMISSIONS)).rejects.toMatchObject({ code: 'beyond-own' });
    // Keeping a permission the level already had is not granting it.
    await updatePermissionMatrix(db(), admin, { [own.id]: ['crm.access', 'patients.view'] });
    expect(await updatePermissionMatrix(db(), hrPerson, { [own.id]: ['patients.view'] })).toEqual({ changed: 1 });
  });

  it('refuses staff without users.manage, and answers not-found for another clinic’s level', async () => {
    const a = await createTestTenant();
    const b = await createTestTenant();
    const adminA = await createStaffContext(a, 'admin');
    const adminB = await createStaffContext(b, 'admin');
    const level = await createAccessLevel(db(), adminA, { name: 'A only' }, ['crm.access']);

    const marketing = await createStaffContext(a, 'marketing');
    await expect(listAccessLevelsWithMembers(db(), marketing)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createAccessLevel(db(), marketing, { name: 'X' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updatePermissionMatrix(db(), marketing, { [level.id]: [] })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(renameAccessLevel(db(), marketing, level.id, { name: 'Y' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteAccessLevel(db(), marketing, level.id)).rejects.toBeInstanceOf(ForbiddenError);

    await expect(updatePermissionMatrix(db(), adminB, { [level.id]: [] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(renameAccessLevel(db(), adminB, level.id, { name: 'Stolen' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteAccessLevel(db(), adminB, level.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteAccessLevel(db(), adminB, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    expect(await levelRow(a.id, level.id)).toMatchObject({ name: 'A only', permissions: ['crm.access'] });
    expect((await listAccessLevelsWithMembers(db(), adminB)).map((l) => l.name)).not.toContain('A only');
  });
});
