import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { documentTypes } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { localizedColumn, portalTextScope } from '@/lib/i18n/clinic-text-sql';

/** Prepared once: every load of the portal's documents page reads it. Names in the reader's language. */
const portalDocumentTypesQuery = preparedQuery((db) => {
  const name = localizedColumn(documentTypes.name, documentTypes.translations, 'name', { tenantId: sql.placeholder('tenantId'), language: sql.placeholder('language') });
  return db
    .select({ id: documentTypes.id, name })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, sql.placeholder('tenantId')), eq(documentTypes.hiddenFromPortal, false)))
    .orderBy(asc(name), asc(documentTypes.id))
    .prepare('portal_document_types');
});

/**
 * The clinic's document types a patient can filter by: those not hidden from the portal.
 * Retired types stay listed, since documents filed under them are still shown.
 */
export async function listPortalDocumentTypes(db: Executor, ctx: PortalContext): Promise<{ id: string; name: string }[]> {
  return portalDocumentTypesQuery(db).execute(portalTextScope(ctx));
}
