import 'server-only';
import { asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantDomains, tenants } from '@/db/schema';
import { isProduction, platformRootDomain } from '@/lib/config/env';

/** Development only: the clinics' subdomains, so the landing page can point a newcomer at them. */
export async function demoClinicLinks(db: Executor): Promise<{ name: string; host: string }[]> {
  if (isProduction) return [];
  const rows = await db
    .select({ name: tenants.name, label: tenantDomains.hostname })
    .from(tenants)
    .innerJoin(tenantDomains, eq(tenantDomains.tenantId, tenants.id))
    .where(eq(tenantDomains.kind, 'subdomain'))
    .orderBy(asc(tenants.name))
    .limit(20);
  return rows.map((r) => ({ name: r.name, host: `${r.label}.${platformRootDomain()}` }));
}
