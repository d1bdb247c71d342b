import { migrateDatabase } from '@/db/migrate';
import { checkEnvironmentOrExit } from './check-environment';
import { openScriptDatabase } from './db-handle';

checkEnvironmentOrExit(['database']);
const handle = openScriptDatabase();
try {
  await migrateDatabase(handle);
  console.log(`Migrations applied (${handle.kind}).`);
} finally {
  await handle.close();
}
