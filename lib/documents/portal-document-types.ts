import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery } from '@/db/prepared';
import { documentTypes } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';

/** Prepared once: every load of the portal's documents page reads it. */
const portalDocumentTypesQuery = preparedQuery((db) => db
  .select({ id: documentTypes.id, name: documentTypes.name })
  .from(documentTypes)
  .where(and(eq(documentTypes.tenantId, sql.placeholder('tenantId')), eq(documentTypes.hiddenFromPortal, false)))
  .orderBy(asc(documentTypes.name))
  .prepare('portal_document_types'));

/**
 * The clinic's document types a patient can filter by: those not hidden from the portal.
 * Retired types stay listed, since documents filed under them are still shown.
 */
export async function listPortalDocumentTypes(db: Executor, ctx: PortalContext): Promise<{ id: string; name: string }[]> {
  return portalDocumentTypesQuery(db).execute({ tenantId: ctx.tenant.id });
}
