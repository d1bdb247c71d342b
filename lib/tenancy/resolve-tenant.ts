import { getDb } from '@/db/client';
import { platformRootDomain } from '@/lib/config/env';
import { parseHost } from './host';
import { lookupTenantByParsedHost, type TenantRef } from './lookup';

export type HostResolution =
  | { kind: 'root' }
  | { kind: 'tenant'; tenant: TenantRef }
  | { kind: 'not-found' };

/**
 * The one resolver from Host header to tenant, used by middleware, pages, actions and route
 * handlers. Results are memoised per process for a few seconds: middleware cannot use Next's
 * data cache, and every request needs this answer. The memo is a cache, not shared state: a
 * stale entry only delays a domain or suspension change by the TTL on other instances, and
 * sessions are re-checked against the database anyway.
 */
// Read with a computed key so the bundler cannot inline a build-time value into middleware.
const TTL_MS = Number(process.env['TENANT_CACHE_TTL_MS'] ?? 5_000);
const MAX_ENTRIES = 5_000;

type Entry = { value: HostResolution; expiresAt: number };
const MEMO_KEY = Symbol.for('carebridge.tenant-host-memo');
type GlobalWithMemo = typeof globalThis & { [MEMO_KEY]?: Map<string, Entry> };

function memo(): Map<string, Entry> {
  const g = globalThis as GlobalWithMemo;
  return (g[MEMO_KEY] ??= new Map());
}

export async function resolveTenantByHost(rawHost: string | null | undefined): Promise<HostResolution> {
  const parsed = parseHost(rawHost, platformRootDomain());
  if (parsed.kind === 'root') return { kind: 'root' };
  if (parsed.kind === 'invalid') return { kind: 'not-found' };

  const key = parsed.kind === 'subdomain' ? `s:${parsed.label}` : `c:${parsed.hostname}`;
  const cache = memo();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.value;

  const tenant = await lookupTenantByParsedHost(getDb(), parsed);
  if (!tenant) {
    // Not remembered: a domain verified a moment ago must route on the very next request.
    return { kind: 'not-found' };
  }
  const value: HostResolution = { kind: 'tenant', tenant };
  if (TTL_MS > 0) {
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(key, { value, expiresAt: Date.now() + TTL_MS });
  }
  return value;
}

/** Drops this process's memo, after a change to a clinic's domains or status. */
export function forgetResolvedHosts(): void {
  memo().clear();
}
