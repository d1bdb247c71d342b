import 'server-only';
import { cache } from 'react';
import { isTransaction, type Executor } from '@/db/client';

/**
 * A clinic's settings read once per request, per database handle: the portal's layout (its nav),
 * the page and the data functions' checks all ask, and one query answers them all. React's cache
 * is per request (a pass-through outside one: scripts, route handlers, tests). The promise is
 * kept, so reads started together share one query; a failed read is not kept. Inside a
 * transaction the read always goes to the database: it may just have changed the row, or locked
 * it. Each caller gets its own copy (`copy`): one caller's change must not show in another's.
 */
export function requestMemoized<T>(read: (db: Executor, tenantId: string) => Promise<T>, copy: (value: T) => T) {
  const memo = cache(() => new Map<Executor, Map<string, Promise<T>>>());
  return {
    async get(db: Executor, tenantId: string): Promise<T> {
      if (isTransaction(db)) return read(db, tenantId);
      const reads = memo();
      let byTenant = reads.get(db);
      if (!byTenant) reads.set(db, (byTenant = new Map()));
      let pending = byTenant.get(tenantId);
      if (!pending) {
        const started = read(db, tenantId);
        byTenant.set(tenantId, (pending = started));
        const kept = byTenant;
        started.catch(() => {
          if (kept.get(tenantId) === started) kept.delete(tenantId);
        });
      }
      return copy(await pending);
    },
    /** After a change: this request's later reads go to the database. */
    forget(tenantId: string): void {
      for (const byTenant of memo().values()) byTenant.delete(tenantId);
    },
  };
}
