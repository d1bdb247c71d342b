import { openDatabase } from '@/db/client';

/** The database the npm scripts work on: DATABASE_URL, or the embedded PGlite directory. */
export function openScriptDatabase() {
  return openDatabase({ url: process.env.DATABASE_URL || undefined, maxConnections: 1 });
}
