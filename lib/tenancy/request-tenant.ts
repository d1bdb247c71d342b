import 'server-only';
import { unstable_cache, revalidateTag } from 'next/cache';
import { headers } from 'next/headers';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { loadTenantProfile, type TenantProfile } from './profile';
import { forgetResolvedHosts, resolveTenantByHost } from './resolve-tenant';
import type { TenantRef } from './lookup';

export function tenantCacheTag(tenantId: string): string {
  return `tenant:${tenantId}`;
}

/** Branding, settings and locations through Next's data cache, tagged per clinic. */
export function getTenantProfile(tenantId: string): Promise<TenantProfile | null> {
  return unstable_cache(() => loadTenantProfile(getDb(), tenantId), ['tenant-profile', tenantId], {
    tags: [tenantCacheTag(tenantId)],
  })();
}

/** Call after changing a clinic's branding, settings, locations, domains or status. */
export function revalidateTenant(tenantId: string): void {
  revalidateTag(tenantCacheTag(tenantId), { expire: 0 });
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
