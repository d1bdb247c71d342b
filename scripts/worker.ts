import { getDatabaseHandle } from '@/db/client';
import { runWorker } from '@/lib/jobs/worker';
import { checkEnvironmentOrExit } from './check-environment';

/**
 * `npm run worker`: what Vercel's cron does (lib/jobs/scheduled.ts), in a loop, for self-hosted
 * deployments. Run one or several; SIGTERM or SIGINT finishes the job in progress and exits 0.
 */
checkEnvironmentOrExit();
// Every job runs in a loop of its own (lib/jobs/worker.ts): a connection for each, with room for
// the automation steps' lanes and a renewal pass's calls, so no job waits on another's connection.
process.env.DATABASE_POOL_MAX ??= '30';
const handle = getDatabaseHandle();
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`worker: ${signal}, finishing the current job`);
    stop.abort();
  });
}
console.log(`worker: started (pid ${process.pid}, ${handle.kind})`);
try {
  await runWorker({ db: handle.db, signal: stop.signal });
} finally {
  await handle.close();
}
console.log('worker: stopped');
