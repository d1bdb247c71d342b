import 'server-only';
import { unstable_cache, revalidateTag } from 'next/cache';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import type { TenantProfile } from './profile';
import { createTenantProfileCache, type TenantProfileCache } from './profile-cache';
import { forgetResolvedHosts, resolveTenantByHost } from './resolve-tenant';
import type { TenantRef } from './lookup';

export function tenantCacheTag(tenantId: string): string {
  return `tenant:${tenantId}`;
}

// Read with a computed key so the bundler cannot inline a build-time value.
const PROFILE_TTL_MS = Number(process.env['TENANT_CACHE_TTL_MS'] ?? 5_000);
const PROFILE_CACHE = Symbol.for('carebridge.tenant-profile-cache');

/**
 * The process's profile cache (lib/tenancy/profile-cache.ts), on globalThis: middleware and pages
 * are bundled apart but share the process. Behind its memo sits Next's data cache, tagged per
 * clinic and keyed by the clinic's settings version.
 */
function profileCache(): TenantProfileCache {
  const g = globalThis as typeof globalThis & { [PROFILE_CACHE]?: TenantProfileCache };
  g[PROFILE_CACHE] ??= createTenantProfileCache({
    db: getDb,
    ttlMs: PROFILE_TTL_MS,
    dataCache: (load, key, tenantId) => unstable_cache(load, key, { tags: [tenantCacheTag(tenantId)] })(),
  });
  return g[PROFILE_CACHE];
}

/** Branding, settings and locations: at most TENANT_CACHE_TTL_MS behind a change made on another instance. */
export function getTenantProfile(tenantId: string): Promise<TenantProfile | null> {
  return profileCache().get(tenantId);
}

/** Call after changing a clinic's branding, settings, locations, domains or status. */
export function revalidateTenant(tenantId: string): void {
  revalidateTag(tenantCacheTag(tenantId), { expire: 0 });
  profileCache().forget(tenantId);
  forgetResolvedHosts();
}

export class TenantUnavailableError extends Error {
  constructor() {
    super('This clinic is not available.');
    this.name = 'TenantUnavailableError';
  }
}

/**
 * The clinic this request is for, from the Host header, resolved again here rather than taken
 * from anything middleware passed along: middleware can be bypassed (CVE-2025-29927).
 * Answers not-found for the root host and unknown hosts.
 */
export const getRequestTenant = cache(async (): Promise<TenantRef> => {
  const host = (await headers()).get('host');
  const resolution = await resolveTenantByHost(host);
  if (resolution.kind !== 'tenant') notFound();
  return resolution.tenant;
});

/** As getRequestTenant, and the clinic must be active (for actions and data routes). */
export async function requireActiveTenant(): Promise<TenantRef> {
  const tenant = await getRequestTenant();
  if (tenant.status !== 'active') throw new TenantUnavailableError();
  return tenant;
}

/**
 * For pages under app/t/[tenant]: the route segment must name the clinic the host resolves to,
 * so `/t/harbor/...` reached directly on sunrise's host answers not-found.
 */
export async function requireTenantForSegment(segmentSlug: string): Promise<TenantRef> {
  const tenant = await getRequestTenant();
  if (tenant.slug !== segmentSlug) notFound();
  return tenant;
}
