import 'server-only';
import { notFound } from 'next/navigation';
import { getTenantProfile, requireTenantForSegment } from './request-tenant';

/** For pages and layouts under app/t/[tenant]: the clinic and its cached profile. */
export async function getPageTenant(params: Promise<{ tenant: string }>) {
  const tenant = await requireTenantForSegment((await params).tenant);
  const profile = await getTenantProfile(tenant.id);
  if (!profile) notFound();
  return { tenant, profile };
}
