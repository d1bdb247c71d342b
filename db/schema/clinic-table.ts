import type { BuildExtraConfigColumns } from 'drizzle-orm/column-builder';
import { pgTable, uuid, type PgColumnBuilderBase, type PgTableExtraConfigValue } from 'drizzle-orm/pg-core';
import { clinicKey, rowId } from './columns';
import { ownerTenantId } from './tenants';

type Columns = Record<string, PgColumnBuilderBase>;

/** pgTable for rows a clinic owns: `head` (tenant_id and id) first, (tenant_id, id) as the key. */
function keyedByClinic<THead extends { tenantId: PgColumnBuilderBase; id: PgColumnBuilderBase }>(head: () => THead) {
  return <TName extends string, TColumns extends Columns>(
    name: TName,
    columns: TColumns,
    extra: (t: BuildExtraConfigColumns<TName, THead & TColumns, 'pg'>) => PgTableExtraConfigValue[] = () => [],
  ) => pgTable(name, { ...head(), ...columns }, (t) => [clinicKey(t), ...extra(t)]);
}

/**
 * A table of rows a clinic owns: `tenant_id` (deleted with the clinic) and `id` come first, and
 * (tenant_id, id) is the key that other rows of the clinic reference (sameClinicReference).
 * `columns` and `extra` are the table's own, as pgTable takes them.
 */
export const clinicTable = keyedByClinic(() => ({ tenantId: ownerTenantId(), id: rowId() }));

/**
 * The same for rows that belong to another row of the clinic (a provider's hours, a message of a
 * conversation): their `tenant_id` is held by the composite reference to that row, not by a
 * reference of its own to the clinic.
 */
export const clinicDetailTable = keyedByClinic(() => ({ tenantId: uuid('tenant_id').notNull(), id: rowId() }));
