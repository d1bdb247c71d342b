import { spawn, type ChildProcess } from 'node:child_process';
import { and, eq, like } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type Database } from '@/db/client';
import { automations, messageTemplates, tenants } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { createAutomation, setAutomationStatus } from '@/lib/engagement/automations/automations';
import { createTemplate } from '@/lib/engagement/templates/templates';
import { createPatient } from '@/lib/patients/editing';
import { demoStaffContext } from '@/scripts/demo-seed/contexts';
import type { TargetResult } from './report';

/**
 * An automation's event → first step latency under a steady stream (issue 21 point 2): in
 * Sunrise, an automation made through the CRM's own functions ("a new patient" → email them a
 * welcome, then tag them), switched on; two real workers (`scripts/worker.ts`, as `npm run worker`
 * starts it, each with every job at its real interval) as an operator with two runners has; then
 * new patients created through createPatient — the domain event is written by it, in its
 * transaction, as when the front desk saves one — at a steady rate. Afterwards the rows say, per
 * event, when it was recorded (domain_events.occurred_at) and when its run's first step was done
 * (automation_run_steps.at of step 1): that difference is the latency. Every event must have
 * exactly one run of the automation and a first step done, or it counts as an error.
 */

export const AUTOMATION_EVENTS_PER_SECOND = 20;
export const AUTOMATION_STREAM_SECONDS = 60;
const WORKERS = 2;
const TEMPLATE_NAME = 'Automation bench welcome';
const NAME_PREFIX = 'Automation bench';
/** How long the runs may take to catch up after the last event before the missing ones count as errors. */
const DRAIN_SECONDS = 60;

async function prepare(db: Database, at: Date): Promise<{ ctx: StaffContext; automationId: string }> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, 'sunrise'));
  if (!tenant) throw new Error('automation bench: the demo clinic sunrise is missing');
  // The practice manager: creates patients (EMR) and automations (CRM).
  const ctx = await demoStaffContext(db, tenant, 'admin@sunrise.test');
  // Earlier runs' automations pause, so each event here starts this run's automation alone.
  const earlier = await db.select({ id: automations.id }).from(automations)
    .where(and(eq(automations.tenantId, tenant.id), like(automations.name, `${NAME_PREFIX} %`), eq(automations.status, 'active')));
  for (const a of earlier) await setAutomationStatus(db, ctx, a.id, 'paused');
  const [template] = await db.select({ id: messageTemplates.id }).from(messageTemplates)
    .where(and(eq(messageTemplates.tenantId, tenant.id), eq(messageTemplates.name, TEMPLATE_NAME)));
  const templateId = template?.id ?? (await createTemplate(db, ctx, {
    name: TEMPLATE_NAME, channel: 'email', purpose: 'care',
    content: { en: { subject: 'Welcome to {{clinic.name}}', body: 'Hello {{patient.firstName}},\n\nWelcome to {{clinic.name}}. Your portal is at {{portal.url}}.' } },
  })).id;
  const { id } = await createAutomation(db, ctx, {
    name: `${NAME_PREFIX} ${at.toISOString()}`, trigger: 'patient.created', filter: [],
    steps: [{ kind: 'send', channel: 'email', templateId }, { kind: 'tag', op: 'add', tag: 'automation-bench' }],
  });
  await setAutomationStatus(db, ctx, id, 'active');
  return { ctx, automationId: id };
}

interface Worker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * `npm run worker`'s script, with tsx as a loader in Node itself: tsx's own command relays SIGTERM
 * and kills the script outright when it does not answer within 30 ms, which a busy machine misses.
 */
function startWorker(databaseUrl: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', 'scripts/worker.ts'], {
    env: { ...process.env, NODE_ENV: 'production', CAREBRIDGE_ENV: 'test', DATABASE_URL: databaseUrl, SMS_PROVIDER: 'outbox', EMAIL_PROVIDER: 'outbox' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Only what is needed to know it started and to show why it failed (each pass logs a line).
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`automation bench: ${what} timed out`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Spread over 50 years: createPatient's duplicate check reads the patients born that day. */
function birthDate(i: number): string {
  return new Date(Date.UTC(1950, 0, 1) + (i % 18_000) * 86_400_000).toISOString().slice(0, 10);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runAutomationLatency(
  databaseUrl: string,
  options: { perSecond?: number; seconds?: number; log?: (line: string) => void } = {},
): Promise<TargetResult> {
  const perSecond = options.perSecond ?? AUTOMATION_EVENTS_PER_SECOND;
  const seconds = options.seconds ?? AUTOMATION_STREAM_SECONDS;
  const log = options.log ?? (() => {});
  const total = perSecond * seconds;
  const handle = openDatabase({ url: databaseUrl, maxConnections: 4 });
  const workers: Worker[] = [];
  const patientIds: string[] = [];
  let automationId: string;
  let emitErrors = 0;
  let streamSeconds = 0;
  try {
    const prepared = await prepare(handle.db, new Date());
    automationId = prepared.automationId;
    for (let i = 0; i < WORKERS; i++) workers.push(startWorker(databaseUrl));
    await until(() => workers.every((w) => /worker: started/.test(w.output())), 60_000, 'starting the workers');
    // Each worker's first loop runs every job once; the stream starts when that is behind them.
    await new Promise((r) => setTimeout(r, 5_000));
    log(`  ${WORKERS} workers running; ${perSecond} new patients a second for ${seconds} s…`);
    const runTag = Date.now().toString(36);
    const started = performance.now();
    // An open stream: each event is due at its time whether or not the one before is done.
    const emits = Array.from({ length: total }, (_, i) => new Promise<void>((resolve) => {
      setTimeout(() => {
        createPatient(handle.db, prepared.ctx, {
          firstName: 'Stream', lastName: `Bench ${runTag} ${i}`, dateOfBirth: birthDate(i), sex: 'unknown',
          email: `stream-${runTag}-${i}@bench.test`, phone: null, addressLine1: null, addressLine2: null, city: 'Springfield',
          region: null, postalCode: null, country: null, preferredLanguage: 'en', nationalId: undefined,
        }, { confirmDuplicates: true })
          .then((made) => (made.ok ? patientIds.push(made.id) : emitErrors++))
          .catch(() => emitErrors++)
          .finally(resolve);
      }, (i * 1000) / perSecond);
    }));
    await Promise.all(emits);
    streamSeconds = (performance.now() - started) / 1000;
    log(`  ${patientIds.length} events in ${streamSeconds.toFixed(1)} s; waiting for their runs…`);
    const check = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await until(async () => {
        const [row] = await check`
          select count(*)::int as n from automation_run_steps s
          join automation_runs r on r.tenant_id = s.tenant_id and r.id = s.run_id
          where r.automation_id = ${automationId} and s.step_index = 0`;
        return Number(row!.n) >= patientIds.length;
      }, DRAIN_SECONDS * 1000, 'waiting for every run').catch((error: Error) => log(`  ${error.message}`));
    } finally {
      await check.end();
    }
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    const codes = await Promise.all(workers.map((w) => w.exited));
    workers.forEach((w, i) => {
      if (codes[i] !== 0) log(`  worker ${i + 1} exited ${codes[i]}:\n${w.output().slice(-2_000)}`);
    });
    await handle.close();
  }

  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // Per event: its runs of this automation, and its first step's rows (one, done) and time.
    const rows = await sql`
      select e.id, extract(epoch from (min(s.at) - e.occurred_at)) * 1000 as ms, count(distinct r.id)::int as runs,
        count(s.id)::int as steps, bool_and(s.outcome = 'done') as done
      from domain_events e
      left join automation_runs r on r.tenant_id = e.tenant_id and r.event_id = e.id and r.automation_id = ${automationId}
      left join automation_run_steps s on s.tenant_id = r.tenant_id and s.run_id = r.id and s.step_index = 0
      where e.name = 'patient.created' and e.patient_id = any(${patientIds}::uuid[])
      group by e.id, e.occurred_at` as { ms: string | null; runs: number; steps: number; done: boolean | null }[];
    const latencies = rows.filter((r) => r.ms !== null).map((r) => Number(r.ms)).sort((a, b) => a - b);
    const wrong = rows.filter((r) => r.runs !== 1 || r.steps !== 1 || r.done !== true).length;
    const errors = emitErrors + wrong + Math.abs(patientIds.length - rows.length);
    if (wrong > 0) log(`  check: ${wrong} of ${rows.length} events without exactly one run and its first step done`);
    return {
      name: `Automation event → first step (new patient → welcome email; ${perSecond} events/s for ${seconds} s, ${WORKERS} workers)`,
      requests: latencies.length, rps: Math.round(patientIds.length / Math.max(streamSeconds, 1)),
      p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99),
      errors, queries: 0, cpuMs: 0, ratio: 0,
    };
  } finally {
    await sql.end();
  }
}
