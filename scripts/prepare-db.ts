import { migrateDatabase } from '@/db/migrate';
import { hasAnyTenant, seedDemoData } from '@/scripts/demo-seed';
import { openScriptDatabase } from './db-handle';

/** Runs before `npm run dev` / `npm start`: migrate, and seed the demo clinics into an empty database. */
const handle = openScriptDatabase();
try {
  await migrateDatabase(handle);
  if (!(await hasAnyTenant(handle.db))) {
    await seedDemoData(handle.db);
    console.log('Empty database: demo clinics seeded. See README for the demo accounts.');
  }
} finally {
  await handle.close();
}
