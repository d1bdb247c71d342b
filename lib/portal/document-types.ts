import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { documentTypes } from '@/db/schema';

/**
 * The clinic's document types a patient can filter by: those not hidden from the portal.
 * Retired types stay listed, since documents filed under them are still shown.
 */
export async function listPortalDocumentTypes(db: Executor, tenantId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: documentTypes.id, name: documentTypes.name })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, tenantId), eq(documentTypes.hiddenFromPortal, false)))
    .orderBy(asc(documentTypes.name));
}
