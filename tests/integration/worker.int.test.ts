import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import { devOutboxMessages, outboxMessages } from '@/db/schema';
import { runWorker } from '@/lib/jobs/worker';
import type { ScheduledJob } from '@/lib/jobs/scheduled';
import { enqueueMessage } from '@/lib/outbox/enqueue';
import { createTestTenant } from '../support/factories';
import { testServerUrl, withDatabaseName } from '../support/test-database';

// Every outbox message is a clinic's (keyed by tenant_id since migration 0016).
let tenantId: string;
beforeAll(async () => {
  tenantId = (await createTestTenant()).id;
});

async function enqueue(count: number, tag: string): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `worker-test:${tag}:${i}`);
  // A number each: the SMS spend guard's per-phone ceiling (10 an hour) would defer the rest.
  for (const [i, key] of keys.entries()) {
    await enqueueMessage(getDb(), { tenantId, channel: 'sms', recipient: `+1555555${String(i).padStart(4, '0')}`, body: `Message ${key}`, idempotencyKey: key });
  }
  return keys;
}

function startWorker(url: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // As `npm run worker` and the Docker image run it: Node itself, tsx as a loader, so SIGTERM reaches the script.
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'scripts/worker.ts'], {
    env: { ...process.env, NODE_ENV: 'development', CAREBRIDGE_ENV: '', DATABASE_URL: url, SMS_PROVIDER: 'outbox', EMAIL_PROVIDER: 'outbox' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm run worker', () => {
  it('two workers deliver each outbox message once and stop cleanly on SIGTERM', async () => {
    const server = testServerUrl();
    if (getDatabaseHandle().kind === 'pglite' || !server) return; // PGlite in memory: one process only.
    const [row] = (await getDb().execute(sql`select current_database() as name`)) as unknown as { name: string }[];
    const url = withDatabaseName(server, row!.name);
    const keys = await enqueue(120, randomBytes(3).toString('hex'));

    const workers = [startWorker(url), startWorker(url)];
    try {
      await waitFor(async () => {
        const pending = await getDb().select({ n: sql<number>`count(*)::int` }).from(outboxMessages)
          .where(sql`${outboxMessages.idempotencyKey} in ${keys} and ${outboxMessages.status} <> 'sent'`);
        return pending[0]!.n === 0;
      }, 60_000);
      // One worker may deliver everything while the other is still loading (a busy machine):
      // the signal is sent once both have said they started, i.e. have their handlers.
      await waitFor(async () => workers.every((w) => /worker: started/.test(w.output())), 60_000);
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
    }
    const codes = await Promise.all(workers.map((w) => w.exited));
    expect(codes).toEqual([0, 0]);
    for (const w of workers) expect(w.output()).toMatch(/worker: SIGTERM, finishing the current job[\s\S]*worker: stopped/);

    const delivered = await getDb().select({ key: devOutboxMessages.idempotencyKey, n: sql<number>`count(*)::int` })
      .from(devOutboxMessages).where(inArray(devOutboxMessages.idempotencyKey, keys)).groupBy(devOutboxMessages.idempotencyKey);
    expect(delivered).toHaveLength(keys.length);
    expect(delivered.every((d) => d.n === 1)).toBe(true);
  }, 120_000);

  it('runs each job on its interval, repeats a busy job at once, survives a failing job and stops when told', async () => {
    const runs: string[] = [];
    let backlog = 3;
    const jobs: ScheduledJob[] = [
      { name: 'busy', everySeconds: 1, run: async () => { runs.push('busy'); backlog = Math.max(backlog - 1, 0); return { left: backlog }; }, moreWaiting: (c) => (c.left ?? 0) > 0 },
      { name: 'broken', everySeconds: 1, run: async () => { runs.push('broken'); throw new Error('nope'); } },
    ];
    const stop = new AbortController();
    const lines: string[] = [];
    const started = Date.now();
    const loop = runWorker({ db: getDb(), signal: stop.signal, jobs, secondsToMs: 20, log: (l) => lines.push(l) });
    await new Promise((resolve) => setTimeout(resolve, 70));
    stop.abort();
    await loop;
    // Busy works its backlog of three at once, then every 20 ms like broken, which keeps its turns.
    const busy = runs.filter((r) => r === 'busy').length;
    expect(busy).toBeGreaterThanOrEqual(3);
    expect(busy).toBeLessThanOrEqual(3 + Math.ceil((Date.now() - started) / 20) + 1);
    expect(runs.filter((r) => r === 'broken').length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.startsWith('worker: broken failed (Error)'))).toBe(true);
  });

  it('a long job does not hold back the others (a campaign send does not delay a welcome)', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const slowDone = new Promise<void>((resolve) => (release = resolve));
    const jobs: ScheduledJob[] = [
      // A pass that takes as long as the test (a renewal pass of a few thousand, a campaign page).
      { name: 'slow', everySeconds: 1, run: async () => { runs.push('slow'); await slowDone; return {}; } },
      { name: 'fast', everySeconds: 1, run: async () => { runs.push('fast'); return {}; } },
    ];
    const stop = new AbortController();
    const loop = runWorker({ db: getDb(), signal: stop.signal, jobs, secondsToMs: 10, log: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const fastWhileSlow = runs.filter((r) => r === 'fast').length;
    stop.abort();
    release();
    await loop;
    expect(runs.filter((r) => r === 'slow')).toHaveLength(1);
    expect(fastWhileSlow).toBeGreaterThanOrEqual(3);
  });
});
