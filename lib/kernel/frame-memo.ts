import 'server-only';
import type { Executor } from '@/db/client';

/**
 * A clinic's value remembered by this process for a few seconds, for what every page's frame
 * shows — a navigation entry, a badge — while the pages behind it read the truth themselves. The
 * frame is on every request, so this keeps its statement off most of them (bench: pages of at most
 * five statements). A change made by this process is shown at once (`forget`); one made by another
 * instance within `ttlMs`. A failed read is not remembered. The memo is kept on globalThis under
 * `name`: the process's route bundles may each hold a copy of this module, and a change saved
 * through one (a CRM action) must be forgotten by the others (the portal's pages).
 */
export function frameMemo<T>(name: string, ttlMs: number, read: (db: Executor, tenantId: string) => Promise<T>) {
  const key = Symbol.for(`carebridge.frame-memo.${name}`);
  const g = globalThis as typeof globalThis & { [key: symbol]: Map<string, { value: T; until: number }> | undefined };
  const memo = (g[key] ??= new Map<string, { value: T; until: number }>());
  return {
    async get(db: Executor, tenantId: string): Promise<T> {
      const known = memo.get(tenantId);
      if (known && known.until > Date.now()) return known.value;
      const value = await read(db, tenantId);
      // A bound, not an eviction policy: only as many clinics as the deployment serves.
      if (memo.size > 10_000) memo.clear();
      memo.set(tenantId, { value, until: Date.now() + ttlMs });
      return value;
    },
    forget(tenantId: string): void {
      memo.delete(tenantId);
    },
  };
}

/** How long a frame's entry or badge may lag a change made on another instance. */
export const FRAME_MEMO_MS = 10_000;
