import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { portalAccounts, type PortalAccount } from '@/db/schema';
import type { IdentificationMode } from '@/db/schema';
import { nationalIdLookupHash, normalizeNationalId } from '@/lib/patients/national-id';

/** What a patient types to identify themselves, normalised the way it is stored. */
export function normalizeIdentifier(mode: IdentificationMode, raw: string): string {
  return mode === 'email' ? raw.normalize('NFKC').trim().toLowerCase() : normalizeNationalId(raw);
}

export function identifierLabel(mode: IdentificationMode, nationalIdLabel: string): string {
  return mode === 'email' ? 'Email' : nationalIdLabel;
}

export async function findPortalAccountByIdentifier(
  db: Executor,
  tenantId: string,
  mode: IdentificationMode,
  raw: string,
): Promise<PortalAccount | null> {
  const normalized = normalizeIdentifier(mode, raw);
  if (!normalized) return null;
  const match = mode === 'email'
    ? eq(portalAccounts.email, normalized)
    : eq(portalAccounts.nationalIdHash, nationalIdLookupHash(normalized));
  const [row] = await db.select().from(portalAccounts).where(and(eq(portalAccounts.tenantId, tenantId), match));
  return row ?? null;
}

/** "•••• 0101": enough for a person to recognise their phone, not enough to learn it. */
export function maskPhone(e164: string): string {
  return `\u2022\u2022\u2022\u2022 ${e164.slice(-4)}`;
}
