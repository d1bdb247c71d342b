import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import type { TargetResult } from './report';

/**
 * Cold starts, as on Vercel (issue 21, point 4): a fresh `next start` process per measurement,
 * timed until it answers. Two kinds of measure:
 *
 * - **from spawn**: the page is the process's very first request, sent (and re-sent while the
 *   port refuses connections) from the moment the process is spawned, so the time holds Node's
 *   start, Next's start and the page's first render with every module it loads on the way.
 * - **after start**: the process has answered `/api/health` (what a deployment's health check or
 *   the benchmark's own server start waits for: Next, middleware, instrumentation and the
 *   database pool are up), then the area's page is its first page: the time is that request's
 *   alone, i.e. what loading and initialising the area's modules adds to its first visitor.
 *
 * Each measure gets `runs` fresh processes (rounds of all measures, so a busy moment on the
 * shared cores touches every measure alike); its row is the median with the min–max in the
 * name. The server's CPU time until the answer (`/proc`, Linux) is the row's CPU column.
 */

export const COLD_START_RUNS = 5;

export interface ColdStartOptions {
  port: number;
  databaseUrl: string;
  /**
   * Cookie headers of a signed-in patient and staff member (bench/sign-in.ts); without them only
   * the sign-in page is measured. The CRM needs a staff member allowed in it (the bench's front
   * desk is not): without `crm` its row is left out.
   */
  cookies?: { portal: string; staff: string; crm?: string };
  log: (line: string) => void;
  runs?: number;
  /** Extra node flags for every server (`--cpu-prof --cpu-prof-dir=…` to see what a cold start runs). */
  nodeArgs?: string[];
}

export interface ColdStartResult extends TargetResult {
  min: number;
  max: number;
}

interface Measure {
  name: string;
  host: string;
  path: string;
  cookie?: string;
  from: 'spawn' | 'started';
}

interface Sample {
  ms: number;
  cpuMs: number;
  ok: boolean;
}

const HOST = 'sunrise.localhost';

export function coldStartMeasures(cookies?: ColdStartOptions['cookies']): Measure[] {
  return [
    { name: 'Cold start: spawn → portal sign-in page', host: HOST, path: '/portal/sign-in', from: 'spawn' },
    ...(cookies ? [
      { name: 'Cold start: spawn → portal dashboard (signed in)', host: HOST, path: '/portal', cookie: cookies.portal, from: 'spawn' as const },
      { name: 'Cold start: first portal dashboard after start', host: HOST, path: '/portal', cookie: cookies.portal, from: 'started' as const },
      { name: 'Cold start: first EMR patients list after start', host: HOST, path: '/emr/patients', cookie: cookies.staff, from: 'started' as const },
    ] : []),
    ...(cookies?.crm ? [{ name: 'Cold start: first CRM home after start', host: HOST, path: '/crm', cookie: cookies.crm, from: 'started' as const }] : []),
  ];
}

export async function measureColdStart(options: ColdStartOptions): Promise<ColdStartResult[]> {
  const runs = options.runs ?? COLD_START_RUNS;
  const measures = coldStartMeasures(options.cookies);
  const samples = new Map<Measure, Sample[]>(measures.map((m) => [m, []]));
  for (let round = 1; round <= runs; round++) {
    for (const measure of measures) {
      const sample = await coldStartOnce(measure, options);
      samples.get(measure)!.push(sample);
      options.log(`  ${measure.name}, start ${round}/${runs}: ${sample.ms.toFixed(0)} ms (server CPU ${sample.cpuMs.toFixed(0)} ms)${sample.ok ? '' : ' — not a 200'}`);
    }
  }
  return measures.map((measure) => summarize(measure, samples.get(measure)!));
}

function summarize(measure: Measure, samples: Sample[]): ColdStartResult {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpuMs).sort((a, b) => a - b);
  const p50 = median(sorted);
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  return {
    name: `${measure.name} (${samples.length} starts, ${Math.round(min)}–${Math.round(max)} ms)`,
    requests: samples.length,
    rps: 0,
    p50,
    // N is small: the 95th and 99th percentiles of five starts are the slowest one.
    p95: max,
    p99: max,
    errors: samples.filter((s) => !s.ok).length,
    queries: 0,
    cpuMs: median(cpu),
    ratio: 0,
    min,
    max,
  };
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function coldStartOnce(measure: Measure, options: ColdStartOptions): Promise<Sample> {
  const spawned = performance.now();
  const server = startServer(options);
  try {
    if (measure.from === 'spawn') {
      const status = await firstAnswer(options.port, measure);
      return { ms: performance.now() - spawned, cpuMs: processCpuMs(server.pid!), ok: status === 200 };
    }
    const health = await firstAnswer(options.port, { host: 'localhost', path: '/api/health' });
    if (health !== 200) throw new Error(`/api/health answered ${health} on a fresh server`);
    const cpuBefore = processCpuMs(server.pid!);
    const started = performance.now();
    const status = await get(options.port, measure);
    return { ms: performance.now() - started, cpuMs: processCpuMs(server.pid!) - cpuBefore, ok: status === 200 };
  } finally {
    await stopServer(server);
  }
}

/** `next start` on the built app, as scripts/bench/run.ts starts it (node directly, so node flags reach it). */
function startServer(options: ColdStartOptions): ChildProcess {
  const server = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join('node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(options.port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      CAREBRIDGE_ENV: 'test',
      SMS_PROVIDER: 'outbox',
      EMAIL_PROVIDER: 'outbox',
      NEXT_TELEMETRY_DISABLED: '1',
      // As on Vercel: no route is loaded before the first request asks for it (next.config.ts).
      NEXT_PRELOAD_ENTRIES: 'false',
    },
    detached: true,
  });
  return server;
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || !server.pid) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  process.kill(-server.pid, 'SIGTERM');
  const timer = setTimeout(() => server.pid && process.kill(-server.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** The first answer of a process still starting: a refused connection is tried again 10 ms later. */
async function firstAnswer(port: number, target: Pick<Measure, 'host' | 'path' | 'cookie'>): Promise<number> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    try {
      return await get(port, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || performance.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** One GET read to its end (the page is answered when its last byte is in), without keep-alive. */
function get(port: number, target: Pick<Measure, 'host' | 'path' | 'cookie'>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path: target.path, agent: false,
      headers: { host: `${target.host}:${port}`, ...(target.cookie ? { cookie: target.cookie } : {}) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The process's user + system CPU time so far (Linux `/proc/<pid>/stat`, in clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
