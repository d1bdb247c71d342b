import 'server-only';
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documentTypes, documents } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { mergeTranslations, sameTranslations } from '@/lib/i18n/clinic-text';
import { clinicDefaultLanguage } from '@/lib/i18n/clinic-text-sql';
import { SettingsAuditActions } from './audit-actions';
import { findClinicRow } from './clinic-rows';
import { SettingsRuleError } from './errors';
import { DOCUMENT_TYPE_TRANSLATED_FIELDS, documentTypeNameSchema, documentTypeSchema, documentTypeTranslationsSchema, parseSettings } from './schemas';
import { clinicNameTaken, withUniqueName } from './unique-name';

/**
 * The kinds of document a clinic files (Invoice, Report, …). Types are renamed, hidden from the
 * portal (seed 003) or deactivated, never deleted: documents point at them. Needs `settings.manage`.
 */

const view = {
  id: documentTypes.id,
  name: documentTypes.name,
  hiddenFromPortal: documentTypes.hiddenFromPortal,
  active: documentTypes.active,
  translations: documentTypes.translations,
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

function targetType(db: Executor, ctx: StaffContext, typeId: string) {
  return findClinicRow(db, ctx, documentTypes, view, typeId, 'document type', true);
}

export async function createDocumentType(db: Executor, ctx: StaffContext, input: unknown): Promise<{ id: string }> {
  assertPermission(ctx, 'settings.manage');
  const { name, ...posted } = parseSettings(documentTypeSchema, input);
  // The name in the portal's other languages; none stored blank.
  const translations = mergeTranslations({}, posted, DOCUMENT_TYPE_TRANSLATED_FIELDS, await clinicDefaultLanguage(db, ctx.tenant.id));
  const taken = () => new SettingsRuleError('document-type-name-taken', { name });
  return withUniqueName(taken, () => db.transaction(async (tx) => {
    if (await clinicNameTaken(tx, ctx, documentTypes, name)) throw taken();
    const [row] = await tx.insert(documentTypes).values({ tenantId: ctx.tenant.id, name, translations }).returning({ id: documentTypes.id });
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.documentTypeAdded,
      target: { type: 'document_type', id: row!.id }, details: { after: { name, translations } },
    });
    return { id: row!.id };
  }));
}

export async function renameDocumentType(db: Executor, ctx: StaffContext, typeId: string, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const { name } = parseSettings(documentTypeNameSchema, input);
  const taken = () => new SettingsRuleError('document-type-name-taken', { name });
  return withUniqueName(taken, () => db.transaction(async (tx) => {
    const before = await targetType(tx, ctx, typeId);
    if (before.name === name) return { changed: false };
    if (await clinicNameTaken(tx, ctx, documentTypes, name, before.id)) throw taken();
    await tx.update(documentTypes).set({ name }).where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.id, before.id)));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.documentTypeChanged,
      target: { type: 'document_type', id: before.id }, details: { changed: { name: { before: before.name, after: name } } },
    });
    return { changed: true };
  }));
}

/** The type's name in the portal's other languages: set, changed or (posted blank) removed. */
export async function translateDocumentType(db: Executor, ctx: StaffContext, typeId: string, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const posted = parseSettings(documentTypeTranslationsSchema, input);
  const language = await clinicDefaultLanguage(db, ctx.tenant.id);
  return db.transaction(async (tx) => {
    const before = await targetType(tx, ctx, typeId);
    const translations = mergeTranslations(before.translations, posted, DOCUMENT_TYPE_TRANSLATED_FIELDS, language);
    if (sameTranslations(before.translations, translations)) return { changed: false };
    await tx.update(documentTypes).set({ translations }).where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.id, before.id)));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.documentTypeChanged,
      target: { type: 'document_type', id: before.id },
      details: { name: before.name, changed: { translations: { before: before.translations, after: translations } } },
    });
    return { changed: true };
  });
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
