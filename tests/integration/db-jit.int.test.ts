import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { testServerUrl, withDatabaseName } from '../support/test-database';

describe('the app’s PostgreSQL connections', () => {
  it('run without JIT compiling (a request’s statement over jit_above_cost was compiled on every run)', async () => {
    const server = testServerUrl();
    if (!server) return; // PGlite: no JIT to turn off.
    const handle = openDatabase({ url: withDatabaseName(server, 'postgres'), maxConnections: 1 });
    try {
      const [row] = (await handle.db.execute(sql`select current_setting('jit') as jit`)) as unknown as { jit: string }[];
      expect(row!.jit).toBe('off');
    } finally {
      await handle.close();
    }
  });
});
