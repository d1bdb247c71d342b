import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);

// Unit tests (`*.unit.test.ts`) are pure; integration tests (`*.int.test.ts`) get a fresh
// database per file: a Postgres database cloned from a migrated template when
// TEST_DATABASE_URL or DATABASE_URL is set, an in-memory PGlite otherwise.
export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      // The real package throws outside React Server Components; tests call lib/ directly.
      'server-only': path.join(root, 'tests/support/empty-module.ts'),
    },
  },
  test: {
    // Files the code under test stores (the demo seed, uploads) go to a scratch folder.
    env: { NODE_ENV: 'test', UPLOADS_DIR: path.join(os.tmpdir(), 'carebridge-test-uploads') },
    // Vitest's default is one worker per core less one (one on two cores); VITEST_MAX_WORKERS runs
    // more files at once (each integration file has its own database).
    ...(process.env.VITEST_MAX_WORKERS ? { maxWorkers: Number(process.env.VITEST_MAX_WORKERS) } : {}),
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/**/*.unit.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.int.test.ts'],
          globalSetup: ['tests/setup/integration-global.ts'],
          setupFiles: ['tests/setup/integration-file.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
