import { seedDemoData } from '@/scripts/demo-seed';
import { openScriptDatabase } from './db-handle';

const handle = openScriptDatabase();
try {
  await seedDemoData(handle.db);
  console.log(`Demo clinics seeded (${handle.kind}).`);
} finally {
  await handle.close();
}
