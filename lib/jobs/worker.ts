import 'server-only';
import type { Database } from '@/db/client';
import { errorSummary } from '@/lib/kernel/errors';
import { SCHEDULED_JOBS, type ScheduledJob } from './scheduled';

/**
 * The loop behind `npm run worker`: each job runs every `everySeconds`, one at a time in this
 * process. Several workers (and the cron route) may run at once; the jobs claim their rows.
 * Stopping (`signal`) lets the job in progress finish, then returns: an outbox row is never left
 * half-recorded by a shutdown (a killed worker's rows are picked up when their lease ends).
 */

// A backlog is worked through in batches without waiting, up to this many before other jobs get a turn.
const MAX_PASSES = 20;

export interface WorkerOptions {
  db: Database;
  signal: AbortSignal;
  jobs?: readonly ScheduledJob[];
  /** Scales every job's interval (tests run the loop in milliseconds). */
  secondsToMs?: number;
  log?: (line: string) => void;
}

export async function runWorker(options: WorkerOptions): Promise<void> {
  const jobs = options.jobs ?? SCHEDULED_JOBS;
  const unit = options.secondsToMs ?? 1000;
  const log = options.log ?? console.log;
  const nextRun = new Map(jobs.map((job) => [job, 0]));
  while (!options.signal.aborted) {
    for (const job of jobs) {
      if (options.signal.aborted) break;
      if (Date.now() < nextRun.get(job)!) continue;
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
      nextRun.set(job, Date.now() + job.everySeconds * unit);
    }
    const wake = Math.min(...nextRun.values()) - Date.now();
    if (wake > 0) await sleep(wake, options.signal);
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
