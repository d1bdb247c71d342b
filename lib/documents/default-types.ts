import 'server-only';
import type { Executor } from '@/db/client';
import { documentTypes } from '@/db/schema';

/** Seed 004's examples; every new clinic starts with these and can edit them in the CRM. */
export const DEFAULT_DOCUMENT_TYPES = ['Invoice', 'Report', 'Ambulatory sheet', 'Lab result', 'Referral'] as const;

export async function ensureDefaultDocumentTypes(db: Executor, tenantId: string): Promise<void> {
  await db
    .insert(documentTypes)
    .values(DEFAULT_DOCUMENT_TYPES.map((name) => ({ tenantId, name })))
    .onConflictDoNothing();
}
