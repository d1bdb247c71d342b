import 'server-only';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { automations, messageTemplates, type Automation, type AutomationStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isProduction } from '@/lib/config/env';
import { now } from '@/lib/clock';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { EngagementAuditActions } from '../audit-actions';
import { taskAssignees } from '../task-queries';
import { placeholdersForTrigger, placeholdersIn } from '../templates/placeholders';
import { automationInputSchema, filterSchema, isTrigger, stepsSchema, type Condition, type Step, type Trigger } from './definition';
import { definitionProblems } from './evaluate';

/**
 * Automations, staff changes (CRM /crm/automations, automations.manage): create, edit, switch on,
 * pause. Saving parses the filter and steps with the definition's schemas and checks them against
 * the trigger and the clinic (templates of the clinic on the step's channel whose placeholders the
 * trigger can fill, people and teams who can take tasks, an https address for a webhook). An edit
 * bumps the version; runs already started keep the definition they copied.
 */

export { automationInputSchema, type AutomationInput } from './definition';

export class AutomationRuleError extends RuleError {
  constructor(public readonly problems: string[]) {
    super('automation-invalid', problems[0] ?? 'The automation cannot be saved.', { steps: problems.join(' ') });
  }
}

export interface SavedAutomation {
  id: string;
  version: number;
}

async function checkAgainstClinic(db: Executor, tenantId: string, trigger: Trigger, filter: Condition[], steps: Step[]): Promise<string[]> {
  const problems = definitionProblems(trigger, filter, steps);
  const templateIds = [...new Set(steps.flatMap((s) => (s.kind === 'send' ? [s.templateId] : [])))];
  const templates = templateIds.length === 0 ? [] : await db
    .select({ id: messageTemplates.id, name: messageTemplates.name, channel: messageTemplates.channel, content: messageTemplates.content, archivedAt: messageTemplates.archivedAt })
    .from(messageTemplates)
    .where(and(eq(messageTemplates.tenantId, tenantId), inArray(messageTemplates.id, templateIds)));
  const available = new Set<string>(placeholdersForTrigger(trigger));
  const needsStaff = steps.some((s) => s.kind === 'task' && s.assigneeStaffId);
  const needsTeams = steps.some((s) => s.kind === 'task' && s.assigneeTeam);
  const [staff, settings] = await Promise.all([needsStaff ? taskAssignees(db, tenantId) : [], needsTeams ? getCommerceSettings(db, tenantId) : null]);
  steps.forEach((step, i) => {
    const at = `Step ${i + 1}`;
    if (step.kind === 'send') {
      const template = templates.find((t) => t.id === step.templateId);
      if (!template || template.archivedAt) return void problems.push(`${at}: choose one of the clinic’s templates.`);
      if (template.channel !== step.channel) return void problems.push(`${at}: “${template.name}” is ${template.channel === 'sms' ? 'a text message' : 'an email'} template.`);
      const used = Object.values(template.content).flatMap((c) => [...placeholdersIn(c.subject ?? ''), ...placeholdersIn(c.body)]);
      const missing = [...new Set(used.filter((p) => !available.has(p)))];
      if (missing.length > 0) problems.push(`${at}: “${template.name}” uses ${missing.map((p) => `{{${p}}}`).join(', ')}, which this trigger cannot fill.`);
    }
    if (step.kind === 'task') {
      if (step.assigneeStaffId && !staff.some((p) => p.id === step.assigneeStaffId)) problems.push(`${at}: choose someone at this clinic who works on tasks.`);
      if (step.assigneeTeam && !settings?.teams.includes(step.assigneeTeam)) problems.push(`${at}: choose one of the clinic’s teams (CRM → Shop settings).`);
    }
    if (step.kind === 'webhook') {
      const url = new URL(step.url);
      if (url.protocol !== 'https:' && (isProduction || url.protocol !== 'http:')) problems.push(`${at}: the address must start with https://.`);
      if (url.username || url.password) problems.push(`${at}: put no user name or password in the address.`);
    }
  });
  return problems;
}

function parseInput(input: unknown) {
  const parsed = automationInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? describePath(issue.path) : '';
    throw new AutomationRuleError([`${where}${issue.message}`]);
  }
  return parsed.data;
}

function describePath(path: PropertyKey[]): string {
  const [head, index] = path;
  if (head === 'steps' && typeof index === 'number') return `Step ${index + 1}: `;
  if (head === 'filter' && typeof index === 'number') return `Filter condition ${index + 1}: `;
  return '';
}

export async function createAutomation(db: Executor, ctx: StaffContext, input: unknown): Promise<SavedAutomation> {
  assertPermission(ctx, 'automations.manage');
  const data = parseInput(input);
  const problems = await checkAgainstClinic(db, ctx.tenant.id, data.trigger, data.filter, data.steps);
  if (problems.length > 0) throw new AutomationRuleError(problems);
  return db.transaction(async (tx) => {
    const [made] = await tx
      .insert(automations)
      .values({ tenantId: ctx.tenant.id, name: data.name, description: data.description, trigger: data.trigger, filter: data.filter, steps: data.steps, createdByStaffId: ctx.actor.id })
      .returning({ id: automations.id, version: automations.version });
    await recordAudit(tx, ctx, { action: EngagementAuditActions.automationCreated, target: { type: 'automation', id: made!.id }, details: { trigger: data.trigger, steps: data.steps.map((s) => s.kind) } });
    return made!;
  });
}

export async function updateAutomation(db: Executor, ctx: StaffContext, automationId: string, input: unknown, expectedVersion?: number): Promise<SavedAutomation> {
  assertPermission(ctx, 'automations.manage');
  const data = parseInput(input);
  const problems = await checkAgainstClinic(db, ctx.tenant.id, data.trigger, data.filter, data.steps);
  if (problems.length > 0) throw new AutomationRuleError(problems);
  return db.transaction(async (tx) => {
    const current = await lockAutomation(tx, ctx.tenant.id, automationId);
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw new RuleError('automation-stale', 'Someone saved this automation after you opened it. Reload it to see their changes, then make yours again.');
    }
    const [saved] = await tx
      .update(automations)
      .set({ name: data.name, description: data.description, trigger: data.trigger, filter: data.filter, steps: data.steps, version: current.version + 1, updatedAt: now() })
      .where(and(eq(automations.tenantId, ctx.tenant.id), eq(automations.id, automationId)))
      .returning({ id: automations.id, version: automations.version });
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.automationUpdated, target: { type: 'automation', id: automationId },
      details: { version: saved!.version, trigger: data.trigger, steps: data.steps.map((s) => s.kind) },
    });
    return saved!;
  });
}

async function lockAutomation(tx: Executor, tenantId: string, automationId: string): Promise<Automation> {
  const [row] = isUuid(automationId)
    ? await tx.select().from(automations).where(and(eq(automations.tenantId, tenantId), eq(automations.id, automationId))).for('update')
    : [];
  if (!row) throw new NotFoundError('automation');
  return row;
}

/**
 * Switch on (from draft or paused), pause, or back to draft (paused only). Switching on matches
 * events from that instant: a paused automation does not catch up on what happened while paused.
 */
export async function setAutomationStatus(db: Executor, ctx: StaffContext, automationId: string, status: AutomationStatus): Promise<void> {
  assertPermission(ctx, 'automations.manage');
  await db.transaction(async (tx) => {
    const current = await lockAutomation(tx, ctx.tenant.id, automationId);
    if (current.status === status) return;
    if (status === 'active') {
      const problems = await checkAgainstClinic(tx, ctx.tenant.id, current.trigger as Trigger, filterSchema.parse(current.filter), stepsSchema.parse(current.steps));
      if (!isTrigger(current.trigger) || problems.length > 0) throw new AutomationRuleError(problems.length > 0 ? problems : ['Choose what starts the automation.']);
    }
    if (status === 'draft' && current.status === 'active') throw new RuleError('automation-pause-first', 'Pause the automation before you turn it back into a draft.');
    await tx
      .update(automations)
      .set({ status, activeSince: status === 'active' ? now() : current.activeSince, updatedAt: now() })
      .where(and(eq(automations.tenantId, ctx.tenant.id), eq(automations.id, automationId)));
    await recordAudit(tx, ctx, { action: EngagementAuditActions.automationStatusChanged, target: { type: 'automation', id: automationId }, details: { from: current.status, to: status } });
  });
}

export interface AutomationSummary {
  id: string;
  name: string;
  description: string | null;
  trigger: string;
  status: AutomationStatus;
  builtinKey: string | null;
  version: number;
  stepCount: number;
  runsWaiting: number;
  runsLast30Days: number;
  updatedAt: Date;
}

export async function listAutomations(db: Executor, ctx: StaffContext): Promise<AutomationSummary[]> {
  assertPermission(ctx, 'automations.manage');
  const since = new Date(now().getTime() - 30 * 86_400_000);
  const rows = await db
    .select({
      id: automations.id, name: automations.name, description: automations.description, trigger: automations.trigger, status: automations.status,
      builtinKey: automations.builtinKey, version: automations.version, steps: automations.steps, updatedAt: automations.updatedAt,
      // Qualified by hand: drizzle writes a one-table select's columns unqualified, which inside the
      // subquery would name the run's own columns (the count was always 0).
      runsWaiting: sql<number>`(select count(*)::int from automation_runs r where r.tenant_id = "automations"."tenant_id" and r.automation_id = "automations"."id" and r.status = 'waiting')`,
      runsLast30Days: sql<number>`(select count(*)::int from automation_runs r where r.tenant_id = "automations"."tenant_id" and r.automation_id = "automations"."id" and r.started_at >= ${since.toISOString()}::timestamptz)`,
    })
    .from(automations)
    .where(eq(automations.tenantId, ctx.tenant.id))
    .orderBy(asc(automations.name), asc(automations.id));
  return rows.map(({ steps, ...r }) => ({ ...r, stepCount: Array.isArray(steps) ? steps.length : 0 }));
}

export interface AutomationDetail {
  id: string;
  name: string;
  description: string | null;
  trigger: Trigger;
  filter: Condition[];
  steps: Step[];
  status: AutomationStatus;
  builtinKey: string | null;
  version: number;
  activeSince: Date | null;
  updatedAt: Date;
}

export async function getAutomation(db: Executor, ctx: StaffContext, automationId: string): Promise<AutomationDetail> {
  assertPermission(ctx, 'automations.manage');
  const [row] = isUuid(automationId)
    ? await db.select().from(automations).where(and(eq(automations.tenantId, ctx.tenant.id), eq(automations.id, automationId)))
    : [];
  if (!row || !isTrigger(row.trigger)) throw new NotFoundError('automation');
  return {
    id: row.id, name: row.name, description: row.description, trigger: row.trigger, filter: filterSchema.parse(row.filter), steps: stepsSchema.parse(row.steps),
    status: row.status, builtinKey: row.builtinKey, version: row.version, activeSince: row.activeSince, updatedAt: row.updatedAt,
  };
}
