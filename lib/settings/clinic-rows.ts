import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable, SelectedFields, SelectedFieldsFlat } from 'drizzle-orm/pg-core';
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import type { Executor } from '@/db/client';
import { NotFoundError, type StaffContext } from '@/lib/access/context';
import { isUuid } from '@/lib/kernel/ids';

type ClinicRows = PgTable & { tenantId: PgColumn; id: PgColumn };
type ActiveNamedRows = ClinicRows & { active: PgColumn; name: PgColumn };

/**
 * One row of the caller's clinic by id, as `view` selects it; locked for the transaction when
 * `lock`. Another clinic's id, or no id at all, is NotFoundError(`what`) like a missing one.
 */
export async function findClinicRow<V extends SelectedFields>(db: Executor, ctx: StaffContext, table: ClinicRows, view: V, id: string, what: string, lock = false) {
  if (!isUuid(id)) throw new NotFoundError(what);
  const query = db.select(view).from(table).where(and(eq(table.tenantId, ctx.tenant.id), eq(table.id, id))).$dynamic();
  const [row]: SelectResultFields<V>[] = await (lock ? query.for('update') : query);
  if (!row) throw new NotFoundError(what);
  return row;
}

/** Deletes one row of the caller's clinic by id and answers what `returning` selects of it; NotFoundError(`what`) as findClinicRow. */
export async function deleteClinicRow<R extends SelectedFieldsFlat>(db: Executor, ctx: StaffContext, table: ClinicRows, id: string, returning: R, what: string) {
  if (!isUuid(id)) throw new NotFoundError(what);
  const deleted = await db.delete(table).where(and(eq(table.tenantId, ctx.tenant.id), eq(table.id, id))).returning(returning);
  // drizzle types a delete from a table it does not know as loose records; the row is `returning`'s fields.
  const [row] = deleted as SelectResultFields<R>[];
  if (!row) throw new NotFoundError(what);
  return row;
}

/** Every row of the caller's clinic as a settings page lists them: active ones first, then by name (the id breaks ties). */
export async function listClinicRows<V extends SelectedFields>(db: Executor, ctx: StaffContext, table: ActiveNamedRows, view: V): Promise<SelectResultFields<V>[]> {
  const rows: SelectResultFields<V>[] = await db.select(view).from(table).where(eq(table.tenantId, ctx.tenant.id)).$dynamic()
    .orderBy(desc(table.active), asc(table.name), asc(table.id));
  return rows;
}

/** The value most of the clinic's rows have in `column` (what a new row starts with); undefined without rows. */
export async function mostUsedValue<C extends PgColumn>(db: Executor, ctx: StaffContext, table: ClinicRows, column: C): Promise<C['_']['data'] | undefined> {
  const [row] = await db
    .select({ value: column })
    .from(table)
    .where(eq(table.tenantId, ctx.tenant.id))
    .groupBy(column)
    .orderBy(sql`count(*) desc`)
    .limit(1);
  return row?.value as C['_']['data'] | undefined;
}
