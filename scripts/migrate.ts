import { migrateDatabase } from '@/db/migrate';
import { openScriptDatabase } from './db-handle';

const handle = openScriptDatabase();
try {
  await migrateDatabase(handle);
  console.log(`Migrations applied (${handle.kind}).`);
} finally {
  await handle.close();
}
