import 'server-only';
import { and, asc, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documentTypes, documents } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { SettingsAuditActions } from './audit-actions';
import { SettingsRuleError } from './errors';
import { documentTypeNameSchema, parseSettings } from './schemas';

/**
 * The kinds of document a clinic files (Invoice, Report, …). Types are renamed, hidden from the
 * portal (seed 003) or deactivated, never deleted: documents point at them. Needs `settings.manage`.
 */

const view = {
  id: documentTypes.id,
  name: documentTypes.name,
  hiddenFromPortal: documentTypes.hiddenFromPortal,
  active: documentTypes.active,
};

export async function listDocumentTypes(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  const rows = await db
    .select({ ...view, documentCount: sql<number>`count(${documents.id})::int` })
    .from(documentTypes)
    .leftJoin(documents, and(eq(documents.tenantId, documentTypes.tenantId), eq(documents.typeId, documentTypes.id), isNull(documents.deletedAt)))
    .where(eq(documentTypes.tenantId, ctx.tenant.id))
    .groupBy(documentTypes.tenantId, documentTypes.id)
    .orderBy(desc(documentTypes.active), asc(documentTypes.name));
  return rows;
}
export type DocumentTypeView = Awaited<ReturnType<typeof listDocumentTypes>>[number];

async function targetType(db: Executor, ctx: StaffContext, typeId: string) {
  if (!isUuid(typeId)) throw new NotFoundError('document type');
  const [row] = await db
    .select(view)
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.id, typeId)))
    .for('update');
  if (!row) throw new NotFoundError('document type');
  return row;
}

/** Another type of this clinic with the same name, ignoring case ("invoice" and "Invoice"). */
async function nameTaken(db: Executor, ctx: StaffContext, name: string, exceptId?: string) {
  const [row] = await db
    .select({ id: documentTypes.id })
    .from(documentTypes)
    .where(and(
      eq(documentTypes.tenantId, ctx.tenant.id),
      sql`lower(${documentTypes.name}) = lower(${name})`,
      exceptId ? ne(documentTypes.id, exceptId) : undefined,
    ))
    .limit(1);
  return Boolean(row);
}

/**
 * The case-insensitive check gives the message in the common case; the unique index
 * (tenant_id, name) decides a race between two admins, and its 23505 gets the same message.
 * The transaction is aborted by then, so the code is read outside it.
 */
async function withUniqueName<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (postgresErrorCode(error) === PG.uniqueViolation) throw new SettingsRuleError('document-type-name-taken', { name });
    throw error;
  }
}

export async function createDocumentType(db: Executor, ctx: StaffContext, input: unknown): Promise<{ id: string }> {
  assertPermission(ctx, 'settings.manage');
  const { name } = parseSettings(documentTypeNameSchema, input);
  return withUniqueName(name, () => db.transaction(async (tx) => {
    if (await nameTaken(tx, ctx, name)) throw new SettingsRuleError('document-type-name-taken', { name });
    const [row] = await tx.insert(documentTypes).values({ tenantId: ctx.tenant.id, name }).returning({ id: documentTypes.id });
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.documentTypeAdded,
      target: { type: 'document_type', id: row!.id }, details: { after: { name } },
    });
    return { id: row!.id };
  }));
}

export async function renameDocumentType(db: Executor, ctx: StaffContext, typeId: string, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const { name } = parseSettings(documentTypeNameSchema, input);
  return withUniqueName(name, () => db.transaction(async (tx) => {
    const before = await targetType(tx, ctx, typeId);
    if (before.name === name) return { changed: false };
    if (await nameTaken(tx, ctx, name, before.id)) throw new SettingsRuleError('document-type-name-taken', { name });
    await tx.update(documentTypes).set({ name }).where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.id, before.id)));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.documentTypeChanged,
      target: { type: 'document_type', id: before.id }, details: { changed: { name: { before: before.name, after: name } } },
    });
    return { changed: true };
  }));
}

/** Hidden types are filed as usual but their documents do not appear in the patient portal. */
export async function setDocumentTypeHidden(db: Executor, ctx: StaffContext, typeId: string, hidden: boolean): Promise<void> {
  assertPermission(ctx, 'settings.manage');
  await db.transaction(async (tx) => {
    const before = await targetType(tx, ctx, typeId);
    if (before.hiddenFromPortal === hidden) return;
    await tx.update(documentTypes).set({ hiddenFromPortal: hidden }).where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.id, before.id)));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.documentTypeChanged,
      target: { type: 'document_type', id: before.id },
      details: { name: before.name, changed: { hiddenFromPortal: { before: before.hiddenFromPortal, after: hidden } } },
    });
  });
}

/** Inactive types are not offered for new documents; documents already filed keep theirs. */
export async function setDocumentTypeActive(db: Executor, ctx: StaffContext, typeId: string, active: boolean): Promise<void> {
  assertPermission(ctx, 'settings.manage');
  await db.transaction(async (tx) => {
    const before = await targetType(tx, ctx, typeId);
    if (before.active === active) return;
    await tx.update(documentTypes).set({ active }).where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.id, before.id)));
    await recordAudit(tx, ctx, {
      action: active ? SettingsAuditActions.documentTypeReactivated : SettingsAuditActions.documentTypeDeactivated,
      target: { type: 'document_type', id: before.id },
      details: { name: before.name, changed: { active: { before: before.active, after: active } } },
    });
  });
}
