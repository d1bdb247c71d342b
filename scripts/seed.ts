import { checkEnvironmentOrExit } from './check-environment';
import { demoSeedRefusal, seedDemo } from './db-tasks';
import { openScriptDatabase } from './db-handle';

const refusal = demoSeedRefusal();
if (refusal) {
  console.error(refusal);
  process.exit(1);
}
checkEnvironmentOrExit(['database']);
const handle = openScriptDatabase();
try {
  await seedDemo(handle);
  console.log(`Demo clinics seeded (${handle.kind}).`);
} finally {
  await handle.close();
}
