import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { PgTransaction, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { is, type ExtractTablesWithRelations } from 'drizzle-orm';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Database | Transaction;

/**
 * Whether `db` is an open transaction. Not `instanceof`: the handle is made once per process
 * and kept on globalThis, while Next bundles drizzle into each of its server layers, so a
 * transaction from the handle is an instance of another copy's class. drizzle's `is` compares
 * the classes' entity kinds (a global symbol), which holds across copies.
 */
export function isTransaction(db: Executor): db is Transaction {
  return is(db, PgTransaction);
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  kind: DatabaseKind;
  db: Database;
  /** Counts statements sent by this process (read by the benchmark). */
  queryCount: () => number;
  close: () => Promise<void>;
}

export const DEFAULT_PGLITE_DIR = process.env.PGLITE_DIR
  ? path.resolve(process.env.PGLITE_DIR)
  : path.join(process.cwd(), '.data', 'pglite');

/**
 * Opens a database. `url` undefined means the embedded PGlite database in `dataDir`
 * (or in memory when `dataDir` is 'memory://').
 */
export function openDatabase(
  options: { url?: string; dataDir?: string; maxConnections?: number } = {},
): DatabaseHandle {
  let count = 0;
  // CAREBRIDGE_LOG_SQL=1 prints each statement's text (never its parameters: they hold PHI),
  // to see which queries a page makes when tuning it.
  const printSql = process.env.CAREBRIDGE_LOG_SQL === '1';
  const logger = {
    logQuery: (query: string) => {
      count++;
      if (printSql) console.error(`[sql] ${query.replace(/\s+/g, ' ').slice(0, 300)}`);
    },
  };
  if (options.url) {
    // Transaction-mode poolers (PgBouncer, Supabase, Neon) cannot keep prepared statements.
    const direct = process.env.DATABASE_PREPARE !== 'false';
    const client = postgres(options.url, {
      max: options.maxConnections ?? Number(process.env.DATABASE_POOL_MAX ?? 10),
      prepare: direct,
      // No JIT compiling: a request's statement whose estimate passes jit_above_cost was compiled
      // on every run (the EMR's "Needs attention" list at 40,000 orders: 42 functions, ~1 s a
      // request against ~60 ms without). Sent at connection start, which poolers may refuse:
      // behind one, set it on the role (docs/deployment.md).
      ...(direct ? { connection: { jit: 'off' } } : {}),
      onnotice: () => {},
      // Fail fast and come back fast when the database is away: postgres.js's default reconnect
      // backoff grows to 20 s, which would keep pages (and the friendly 503) waiting that long.
      connect_timeout: 5,
      backoff: (attempt: number) => Math.min(0.1 * 2 ** attempt, 1),
    });
    return {
      kind: 'postgres',
      db: drizzlePostgres(client, { schema, logger }) as unknown as Database,
      queryCount: () => count,
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dataDir = options.dataDir ?? DEFAULT_PGLITE_DIR;
  if (dataDir !== 'memory://') mkdirSync(path.dirname(dataDir), { recursive: true });
  const client = new PGlite({
    dataDir: dataDir === 'memory://' ? undefined : dataDir,
    extensions: { btree_gist, pg_trgm },
  });
  return {
    kind: 'pglite',
    db: drizzlePglite(client, { schema, logger }) as unknown as Database,
    queryCount: () => count,
    close: () => client.close(),
  };
}

// One handle per process, kept on globalThis: Next bundles middleware and pages separately,
// and two PGlite instances on one data directory would corrupt it.
const HANDLE_KEY = Symbol.for('carebridge.database');
type GlobalWithHandle = typeof globalThis & { [HANDLE_KEY]?: DatabaseHandle };

export function getDatabaseHandle(): DatabaseHandle {
  const g = globalThis as GlobalWithHandle;
  if (!g[HANDLE_KEY]) {
    g[HANDLE_KEY] = openDatabase({ url: process.env.DATABASE_URL || undefined });
  }
  return g[HANDLE_KEY];
}

export function getDb(): Database {
  return getDatabaseHandle().db;
}

/** Replaces the process's database (tests give each file its own). */
export function setDatabaseHandle(handle: DatabaseHandle | undefined): void {
  (globalThis as GlobalWithHandle)[HANDLE_KEY] = handle;
}

export { schema };
