import type { MetadataRoute } from 'next';
import { headers } from 'next/headers';
import { webManifest } from '@/lib/branding/web-manifest';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';

/**
 * /manifest.webmanifest on every host (middleware.ts leaves the path alone): the clinic's own on
 * its host, Carebridge's on the root host. Reading the host makes it per request.
 */
export default async function manifest(): Promise<MetadataRoute.Manifest> {
  const resolution = await resolveTenantByHost((await headers()).get('host'));
  const profile = resolution.kind === 'tenant' && resolution.tenant.status === 'active' ? await getTenantProfile(resolution.tenant.id) : null;
  return webManifest(profile);
}
