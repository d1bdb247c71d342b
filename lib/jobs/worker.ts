import 'server-only';
import type { Database } from '@/db/client';
import { errorSummary } from '@/lib/kernel/errors';
import { SCHEDULED_JOBS, type ScheduledJob } from './scheduled';

/**
 * The loops behind `npm run worker`: each job runs every `everySeconds` in a loop of its own, so a
 * long pass (a renewal batch, a campaign page, an outbox backlog) never holds back the jobs due
 * every second (an automation's welcome within seconds of its event: bench/automations.ts). Several
 * workers (and the cron route) may run at once; the jobs claim their rows. Stopping (`signal`) lets
 * the passes in progress finish, then returns: an outbox row is never left half-recorded by a
 * shutdown (a killed worker's rows are picked up when their lease ends).
 */

// A backlog is worked through in passes without waiting, up to this many before the job's own
// pause: a net for a job that reports a full batch again and again without the work going down.
const MAX_PASSES = 20;

export interface WorkerOptions {
  db: Database;
  signal: AbortSignal;
  jobs?: readonly ScheduledJob[];
  /** Scales every job's interval (tests run the loops in milliseconds). */
  secondsToMs?: number;
  log?: (line: string) => void;
}

export async function runWorker(options: WorkerOptions): Promise<void> {
  const jobs = options.jobs ?? SCHEDULED_JOBS;
  await Promise.all(jobs.map((job) => runJobLoop(job, options)));
}

async function runJobLoop(job: ScheduledJob, options: WorkerOptions): Promise<void> {
  const unit = options.secondsToMs ?? 1000;
  const log = options.log ?? console.log;
  while (!options.signal.aborted) {
    try {
      for (let pass = 0; pass < MAX_PASSES && !options.signal.aborted; pass++) {
        const counts = await job.run(options.db);
        if (Object.values(counts).some((n) => n > 0)) log(`worker: ${job.name} ${JSON.stringify(counts)}`);
        if (!job.moreWaiting?.(counts)) break;
      }
    } catch (error) {
      // Name and Postgres code only: a failed query's message quotes its parameters.
      log(`worker: ${job.name} failed (${errorSummary(error)}); next try in ${job.everySeconds} s`);
    }
    await sleep(job.everySeconds * unit, options.signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
