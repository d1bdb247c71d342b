import { defineConfig } from 'drizzle-kit';

// Used only by `drizzle-kit generate`. Migrations are applied by db/migrate.ts at run time,
// because drizzle-kit cannot load PGlite's extensions.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
