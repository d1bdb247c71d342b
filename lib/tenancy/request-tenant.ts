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

/**
 * Every page of a clinic needs its profile, so in front of Next's data cache (a file or remote
 * read per call) sits the same short per-process memo as the host lookup: at most
 * TENANT_CACHE_TTL_MS old on other instances, dropped at once on this one by revalidateTenant.
 */
const PROFILE_TTL_MS = Number(process.env['TENANT_CACHE_TTL_MS'] ?? 5_000);
const PROFILE_MEMO = Symbol.for('carebridge.tenant-profile-memo');
type ProfileMemo = Map<string, { value: Promise<TenantProfile | null>; expiresAt: number }>;

function profileMemo(): ProfileMemo {
  // On globalThis: middleware and pages are bundled apart but share the process.
  const g = globalThis as typeof globalThis & { [PROFILE_MEMO]?: ProfileMemo };
  g[PROFILE_MEMO] ??= new Map();
  return g[PROFILE_MEMO];
}

/** Branding, settings and locations through Next's data cache, tagged per clinic. */
export function getTenantProfile(tenantId: string): Promise<TenantProfile | null> {
  const memo = profileMemo();
  const hit = memo.get(tenantId);
  if (hit && hit.expiresAt > Date.now()) return hit.value;
  const value = unstable_cache(() => loadTenantProfile(getDb(), tenantId), ['tenant-profile', tenantId], {
    tags: [tenantCacheTag(tenantId)],
  })();
  if (PROFILE_TTL_MS > 0) {
    memo.set(tenantId, { value, expiresAt: Date.now() + PROFILE_TTL_MS });
    // A failed load is not remembered.
    value.catch(() => memo.delete(tenantId));
  }
  return value;
}

/** Call after changing a clinic's branding, settings, locations, domains or status. */
export function revalidateTenant(tenantId: string): void {
  revalidateTag(tenantCacheTag(tenantId), { expire: 0 });
  profileMemo().delete(tenantId);
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
