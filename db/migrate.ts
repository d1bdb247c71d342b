import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { DatabaseHandle } from './client';

export const MIGRATIONS_DIR = path.join(process.cwd(), 'db', 'migrations');

// Arbitrary constant: serialises concurrent migrators (two deploys starting at once).
const MIGRATION_LOCK_ID = 727_001;

/**
 * Applies pending migrations with drizzle's runtime migrator. drizzle-kit's CLI cannot load
 * PGlite's extensions, so this is the one entry point for both drivers. A Postgres handle must
 * hold a single connection (`maxConnections: 1`): the advisory lock belongs to a session.
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as unknown as PgliteDatabase, config);
    return;
  }
  await handle.db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_ID})`);
  try {
    await migratePostgres(handle.db as unknown as PostgresJsDatabase, config);
  } finally {
    await handle.db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`);
  }
}
