import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenants } from '@/db/schema';
import { postgresErrorCode } from '@/lib/kernel/errors';
import { loadTenantProfile, type TenantProfile } from './profile';

/**
 * A clinic's profile, remembered per instance and kept coherent across instances. Each cached
 * profile carries the clinic's `settings_version` (raised by database triggers on any change to
 * the clinic, its branding, settings, locations or domains). Once `ttlMs` has passed since the
 * last check, one indexed read of that number says whether another instance changed something;
 * the data cache behind the memo is keyed by it too, so an instance's own stale copy (Next's
 * data cache is per instance when self-hosted) is never read again. A change therefore shows on
 * every instance within `ttlMs` (5 s by default), and at once on the instance that made it.
 */

export type ProfileLoader = () => Promise<TenantProfile | null>;
/** What sits behind the memo: Next's data cache in the app. The key includes the version. */
export type DataCache = (load: ProfileLoader, key: string[], tenantId: string) => Promise<TenantProfile | null>;

export interface ProfileCacheOptions {
  db: () => Executor;
  ttlMs: number;
  dataCache?: DataCache;
  now?: () => number;
}

interface Entry {
  version: number;
  value: Promise<TenantProfile | null>;
  checkedAt: number;
}

const UNDEFINED_COLUMN = '42703';
let warnedUnmigrated = false;

export async function readSettingsVersion(db: Executor, tenantId: string): Promise<number | null> {
  try {
    const [row] = await db.select({ version: tenants.settingsVersion }).from(tenants).where(eq(tenants.id, tenantId));
    return row ? Number(row.version) : null;
  } catch (error) {
    // A server left running while the code moved past migration 0013 (a dev server across a
    // pull): keep the old per-instance behaviour, one fixed version, until it restarts and migrates.
    if (postgresErrorCode(error) !== UNDEFINED_COLUMN) throw error;
    if (!warnedUnmigrated) console.warn('tenants.settings_version is missing: restart the server to apply migrations (caches stay per instance until then)');
    warnedUnmigrated = true;
    return 0;
  }
}

export function createTenantProfileCache(options: ProfileCacheOptions) {
  const memo = new Map<string, Entry>();
  const now = options.now ?? Date.now;
  const dataCache: DataCache = options.dataCache ?? ((load) => load());

  async function get(tenantId: string): Promise<TenantProfile | null> {
    const hit = memo.get(tenantId);
    const at = now();
    if (hit && at - hit.checkedAt < options.ttlMs) return hit.value;
    const version = await readSettingsVersion(options.db(), tenantId);
    if (version === null) {
      memo.delete(tenantId);
      return null;
    }
    if (hit && hit.version === version) {
      hit.checkedAt = at;
      return hit.value;
    }
    const value = dataCache(() => loadTenantProfile(options.db(), tenantId), ['tenant-profile', tenantId, String(version)], tenantId);
    if (options.ttlMs > 0) {
      const entry = { version, value, checkedAt: at };
      memo.set(tenantId, entry);
      // A failed load is not remembered.
      value.catch(() => {
        if (memo.get(tenantId) === entry) memo.delete(tenantId);
      });
    }
    return value;
  }

  return {
    get,
    /** This instance made a change: check the version on the next read. */
    forget: (tenantId: string) => memo.delete(tenantId),
  };
}

export type TenantProfileCache = ReturnType<typeof createTenantProfileCache>;
