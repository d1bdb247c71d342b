import { and, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantDomains, tenants, type TenantStatus } from '@/db/schema';
import type { ParsedHost } from './host';

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
}

/** Looks a parsed host up in tenant_domains. Only verified domains route. */
export async function lookupTenantByParsedHost(
  db: Executor,
  parsed: Extract<ParsedHost, { kind: 'subdomain' | 'custom' }>,
): Promise<TenantRef | null> {
  const hostname = parsed.kind === 'subdomain' ? parsed.label : parsed.hostname;
  const [row] = await db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status })
    .from(tenantDomains)
    .innerJoin(tenants, eq(tenants.id, tenantDomains.tenantId))
    .where(and(
      eq(tenantDomains.kind, parsed.kind),
      eq(tenantDomains.hostname, hostname),
      isNotNull(tenantDomains.verifiedAt),
    ))
    .limit(1);
  return row ?? null;
}
