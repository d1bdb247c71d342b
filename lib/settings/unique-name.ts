import 'server-only';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import type { StaffContext } from '@/lib/access/context';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';

// Names a clinic gives its services, document types and access levels are unique within the
// clinic, ignoring case ("invoice" and "Invoice"): a check inside the transaction gives the
// message in the common case; the unique index (tenant_id, name) decides a race between two
// admins, and its 23505 gets the same refusal.

type NamedRows = PgTable & { tenantId: PgColumn; id: PgColumn; name: PgColumn };

/** Another row of the clinic with this name, ignoring case; `exceptId` is the row being renamed. */
export async function clinicNameTaken(db: Executor, ctx: StaffContext, table: NamedRows, name: string, exceptId?: string): Promise<boolean> {
  const [row] = await db
    .select({ id: table.id })
    .from(table)
    .where(and(
      eq(table.tenantId, ctx.tenant.id),
      sql`lower(${table.name}) = lower(${name})`,
      exceptId ? ne(table.id, exceptId) : undefined,
    ))
    .limit(1);
  return Boolean(row);
}

/**
 * Runs `work` (a transaction), turning the unique index's refusal into `taken()`. The transaction
 * is aborted by then, so the code is read outside it.
 */
export async function withUniqueName<T>(taken: () => Error, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) throw taken();
    throw error;
  }
}
