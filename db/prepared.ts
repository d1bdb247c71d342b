import type { sql } from 'drizzle-orm';
import type { Executor } from './client';

/** A value filled in when a prepared query runs (`sql.placeholder('name')`). */
export type Placeholder = ReturnType<typeof sql.placeholder>;

/**
 * A query that every request runs (the session lookup, the unread badge, the audit entry), built
 * once per database with drizzle's `.prepare()` and then only executed with new placeholder
 * values. Building a select with joins and nested columns through the query builder costs more
 * CPU than the database spends answering it: for the staff session lookup, 0.79 ms a call built
 * each time against 0.22 ms prepared (see docs/performance.md).
 *
 * Kept per executor: on the database it is built once per process; on a transaction it runs in
 * that transaction and is built once for it.
 */
export function preparedQuery<T>(build: (db: Executor) => T): (db: Executor) => T {
  const byDatabase = new WeakMap<Executor, T>();
  return (db) => {
    let query = byDatabase.get(db);
    if (!query) {
      query = build(db);
      byDatabase.set(db, query);
    }
    return query;
  };
}
