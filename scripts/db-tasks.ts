import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '@/db/client';
import { migrateDatabase } from '@/db/migrate';
import { platformOperators } from '@/db/schema';
import { isProductionEnv } from '@/lib/config/env';
import { hasAnyTenant, seedDemoData } from '@/scripts/demo-seed';

/**
 * What the npm scripts do to the database, as functions the tests can call. The demo data has
 * public passwords and a public TOTP secret (README): it must never reach a real deployment, so
 * only `npm run dev` and an explicit `npm run db:seed` outside production add it.
 */

export const CREATE_OPERATOR_HINT =
  'No platform operator yet. Create the first one with:\n' +
  '  npm run platform:create-operator -- --email you@example.com --name "Your Name"\n' +
  'It prints a single-use link (valid one hour) to choose a password and enrol an authenticator.';

type Log = (line: string) => void;

/** `npm start` (demo: false) and `npm run dev` (demo: true): migrate; seed only for dev. */
export async function prepareDatabase(handle: DatabaseHandle, options: { demo: boolean; log?: Log }): Promise<void> {
  const log = options.log ?? console.log;
  await migrateDatabase(handle);
  if (options.demo) {
    if (!(await hasAnyTenant(handle.db))) {
      await seedDemoData(handle.db);
      log('Empty database: demo clinics seeded. See README for the demo accounts.');
    }
    return;
  }
  if (!(await hasAnyOperator(handle))) log(CREATE_OPERATOR_HINT);
}

/** Why the demo seed must not run here, or null when it may. */
export function demoSeedRefusal(env: Record<string, string | undefined> = process.env): string | null {
  if (isProductionEnv(env) || env.CAREBRIDGE_ENV === 'production') {
    return 'Refusing to seed the demo clinics: this is a production environment (NODE_ENV or CAREBRIDGE_ENV is "production"). ' +
      'Their passwords and authenticator secret are public. Create a real operator with `npm run platform:create-operator`.';
  }
  return null;
}

/** `npm run db:seed`: migrate, then add the demo clinics (idempotent). */
export async function seedDemo(handle: DatabaseHandle, env: Record<string, string | undefined> = process.env): Promise<void> {
  const refusal = demoSeedRefusal(env);
  if (refusal) throw new Error(refusal);
  await migrateDatabase(handle);
  await seedDemoData(handle.db);
}

async function hasAnyOperator(handle: DatabaseHandle): Promise<boolean> {
  const rows = await handle.db.select({ one: sql<number>`1` }).from(platformOperators).limit(1);
  return rows.length > 0;
}
