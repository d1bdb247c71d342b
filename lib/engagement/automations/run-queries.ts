import 'server-only';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { automationRuns, automationRunSteps, automations, domainEvents, patients, type AutomationRunStatus } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';

/**
 * The run logs (issue 18 point 2): per automation in the CRM (automations.manage), and per
 * patient on the chart (patients.view). Each run with its event, status, next wake-up and the
 * steps' log lines (words about the steps, never the patient's data).
 */

export const RUNS_PAGE_SIZE = 25;

export interface RunLogLine {
  stepIndex: number;
  kind: string;
  outcome: string;
  detail: string;
  at: Date;
}

export interface RunRow {
  id: string;
  automationId: string;
  automationName: string;
  automationVersion: number;
  eventName: string;
  occurredAt: Date;
  patientId: string | null;
  patientLabel: string | null;
  status: AutomationRunStatus;
  nextRunAt: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
  log: RunLogLine[];
}

async function runsWhere(db: Executor, ctx: StaffContext, where: ReturnType<typeof and>, options: { limit: number; offset: number }): Promise<{ runs: RunRow[]; total: number }> {
  const mayView = hasPermission(ctx, 'patients.view');
  const rows = await db
    .select({
      id: automationRuns.id, automationId: automationRuns.automationId, automationName: automations.name, automationVersion: automationRuns.automationVersion,
      eventName: domainEvents.name, occurredAt: domainEvents.occurredAt, patientId: automationRuns.patientId,
      firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber,
      status: automationRuns.status, nextRunAt: automationRuns.nextRunAt, startedAt: automationRuns.startedAt, finishedAt: automationRuns.finishedAt,
      total: sql<number>`count(*) over ()::int`,
    })
    .from(automationRuns)
    .innerJoin(automations, and(eq(automations.tenantId, automationRuns.tenantId), eq(automations.id, automationRuns.automationId)))
    .innerJoin(domainEvents, and(eq(domainEvents.tenantId, automationRuns.tenantId), eq(domainEvents.id, automationRuns.eventId)))
    .leftJoin(patients, and(eq(patients.tenantId, automationRuns.tenantId), eq(patients.id, automationRuns.patientId)))
    .where(where)
    .orderBy(desc(automationRuns.startedAt), desc(automationRuns.id))
    .limit(options.limit)
    .offset(options.offset);
  const ids = rows.map((r) => r.id);
  const lines = ids.length === 0 ? [] : await db
    .select({ runId: automationRunSteps.runId, stepIndex: automationRunSteps.stepIndex, kind: automationRunSteps.kind, outcome: automationRunSteps.outcome, detail: automationRunSteps.detail, at: automationRunSteps.at })
    .from(automationRunSteps)
    .where(and(eq(automationRunSteps.tenantId, ctx.tenant.id), inArray(automationRunSteps.runId, ids)))
    .orderBy(asc(automationRunSteps.at), asc(automationRunSteps.stepIndex), asc(automationRunSteps.id));
  return {
    total: rows[0]?.total ?? 0,
    runs: rows.map((r) => ({
      id: r.id, automationId: r.automationId, automationName: r.automationName, automationVersion: r.automationVersion, eventName: r.eventName,
      occurredAt: r.occurredAt, patientId: r.patientId,
      patientLabel: r.patientId && mayView && r.firstName ? `${r.firstName} ${r.lastName} (${r.recordNumber})` : r.patientId ? 'A patient' : null,
      status: r.status, nextRunAt: r.nextRunAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
      log: lines.filter((l) => l.runId === r.id).map(({ runId: _runId, ...l }) => l),
    })),
  };
}

export async function listAutomationRuns(db: Executor, ctx: StaffContext, automationId: string, page = 1): Promise<{ runs: RunRow[]; total: number }> {
  assertPermission(ctx, 'automations.manage');
  if (!isUuid(automationId)) throw new NotFoundError('automation');
  const safePage = Number.isSafeInteger(page) && page > 0 ? page : 1;
  return runsWhere(db, ctx, and(eq(automationRuns.tenantId, ctx.tenant.id), eq(automationRuns.automationId, automationId)), { limit: RUNS_PAGE_SIZE, offset: (safePage - 1) * RUNS_PAGE_SIZE });
}

export async function listPatientAutomationRuns(db: Executor, ctx: StaffContext, patientId: string): Promise<RunRow[]> {
  assertPermission(ctx, 'patients.view');
  // Another clinic's patient is not found (as the chart's other tabs), rather than an empty log.
  const [patient] = isUuid(patientId)
    ? await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)))
    : [];
  if (!patient) throw new NotFoundError('patient');
  const { runs } = await runsWhere(db, ctx, and(eq(automationRuns.tenantId, ctx.tenant.id), eq(automationRuns.patientId, patientId)), { limit: 50, offset: 0 });
  await auditChartSection(db, ctx, patientId, 'automations');
  return runs;
}
