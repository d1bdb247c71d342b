import { getDb } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { BUILTIN_LEVELS, type BuiltinLevelKey, type Permission } from '@/lib/access/permissions';
import type { createTestTenant } from './factories';

type TestTenant = Awaited<ReturnType<typeof createTestTenant>>;

/** A staff member of `tenant` with a built-in level, as lib/ functions receive them. */
export async function createStaffContext(tenant: TestTenant, level: BuiltinLevelKey = 'admin', email?: string): Promise<StaffContext> {
  const [user] = await getDb()
    .insert(staffUsers)
    .values({
      tenantId: tenant.id,
      email: email ?? `${level}-${Math.random().toString(36).slice(2, 8)}@${tenant.slug}.test`,
      fullName: `Test ${BUILTIN_LEVELS[level].name}`,
      accessLevelId: tenant.levelId[level],
      status: 'active',
    })
    .returning();
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
    actor: {
      kind: 'staff',
      id: user!.id,
      fullName: user!.fullName,
      email: user!.email,
      accessLevelId: tenant.levelId[level],
      accessLevelName: BUILTIN_LEVELS[level].name,
      permissions: new Set<Permission>(BUILTIN_LEVELS[level].permissions),
    },
    sessionId: '00000000-0000-0000-0000-000000000000',
  };
}
