import { checkEnvironmentOrExit } from './check-environment';
import { prepareDatabase } from './db-tasks';
import { openScriptDatabase } from './db-handle';

/**
 * Runs before `npm start` (migrate only) and `npm run dev` (`--demo`: also seed the demo clinics
 * into an empty database). `npm start` never seeds, whatever NODE_ENV says: a production box
 * often runs scripts without it. For the same reason it checks the environment as production
 * (`next start` runs as production), before touching any database.
 */
const demo = process.argv.includes('--demo');
checkEnvironmentOrExit(undefined, demo ? process.env : { ...process.env, NODE_ENV: 'production' });
const handle = openScriptDatabase();
try {
  await prepareDatabase(handle, { demo });
} finally {
  await handle.close();
}
