import { foreignKey, primaryKey, timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

// Column groups that every table writes the same way. Each helper returns a new builder:
// drizzle's builders are mutable and must not be shared between tables.

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** The id of a clinic-owned row: unique only together with tenant_id (see clinicKey). */
export const rowId = () => uuid('id').notNull().defaultRandom();

type ClinicRow = { tenantId: AnyPgColumn; id: AnyPgColumn };

/**
 * (tenant_id, id): the key every clinic-owned row has, so that references into it can carry
 * the clinic (sameClinicReference).
 */
export const clinicKey = (t: ClinicRow) => primaryKey({ columns: [t.tenantId, t.id] });

/**
 * (tenant_id, column) → (tenant_id, id) of the target: the database refuses a row that points at
 * another clinic's row, whatever the query that wrote it.
 */
export const sameClinicReference = (name: string, tenantId: AnyPgColumn, column: AnyPgColumn, target: ClinicRow) =>
  foreignKey({ name, columns: [tenantId, column], foreignColumns: [target.tenantId, target.id] });
