import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, staffUsers } from '@/db/schema';

/**
 * Active users whose level grants `users.manage`, optionally leaving one person out. A clinic
 * must always keep one: without it nobody could invite, restore or fix anyone's access.
 * Shared by the staff rules (changing a person's level, deactivating) and the access-level
 * rules (taking users.manage away from a level); within a transaction it sees that
 * transaction's own changes, so a caller can apply a change and then ask.
 * Call it inside the transaction that makes the change: it takes a per-clinic transaction lock,
 * so two concurrent changes (a person's level, a level's permissions) cannot both remove the
 * last manager.
 */
export async function countActiveUserManagers(db: Executor, tenantId: string, options: { exceptStaffId?: string } = {}): Promise<number> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`user-managers:${tenantId}`}, 0))`);
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(
      eq(staffUsers.tenantId, tenantId),
      eq(staffUsers.status, 'active'),
      options.exceptStaffId ? ne(staffUsers.id, options.exceptStaffId) : undefined,
      sql`'users.manage' = any(${accessLevels.permissions})`,
    ));
  return row?.n ?? 0;
}
