import 'server-only';
import { and, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { auditLog, patients, portalAccounts, staffUsers } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { knownAuditActions } from './actions';

/**
 * Reading the audit log in the CRM (`audit.view`): filters, pages and the CSV export. Every
 * query starts from ctx.tenant.id, a condition that cannot be undefined, so no filter
 * combination can reach another clinic's entries.
 */

export const AUDIT_PAGE_SIZE = 50;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter a date as YYYY-MM-DD.')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Enter a real date.')
  // Year 0000 is a JS date but not a Postgres one (the ::timestamptz cast fails); no record predates 1900.
  .refine((d) => d >= '1900-01-01', 'Enter a date from 1900 on.');

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);

export const auditFilterSchema = z
  .object({
    person: z.preprocess(blank, z.string().max(100, 'Keep the person search to 100 characters.').optional()),
    patient: z.preprocess(blank, z.string().max(100, 'Keep the patient search to 100 characters.').optional()),
    patientId: z.preprocess(blank, z.uuid('Choose a patient from the matches.').optional()),
    action: z.preprocess(blank, z.string().max(100).regex(/^[a-z0-9_.]+$/, 'Choose an action from the list.').optional()),
    from: z.preprocess(blank, isoDate.optional()),
    to: z.preprocess(blank, isoDate.optional()),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'The end date must be on or after the start date.' });
export type AuditFilters = z.output<typeof auditFilterSchema>;

/** Search params (strings or repeated strings) into filters and a page, or field errors. */
export function parseAuditSearchParams(params: Record<string, string | string[] | undefined>):
  | { ok: true; filters: AuditFilters; page: number }
  | { ok: false; fieldErrors: Record<string, string> } {
  const single = (key: string) => {
    const v = params[key];
    return Array.isArray(v) ? v[0] : v;
  };
  const parsed = auditFilterSchema.safeParse({
    person: single('person'), patient: single('patient'), patientId: single('patientId'),
    action: single('action'), from: single('from'), to: single('to'),
  });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? 'form')] ??= issue.message;
    return { ok: false, fieldErrors };
  }
  const page = Math.max(1, Math.min(1000, Math.floor(Number(single('page'))) || 1));
  return { ok: true, filters: parsed.data, page };
}

function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface MatchedPatient {
  id: string;
  name: string;
  recordNumber: string;
}

/** The WHERE clause for `filters`, always scoped to the clinic; people and patients by search. */
async function conditionsFor(db: Executor, ctx: StaffContext, filters: AuditFilters) {
  const tenantId = ctx.tenant.id;
  const conditions: SQL[] = [eq(auditLog.tenantId, tenantId)];
  let matchedPatients: MatchedPatient[] = [];

  if (filters.person) {
    const p = containsPattern(filters.person);
    const [staff, accounts] = await Promise.all([
      db.select({ id: staffUsers.id }).from(staffUsers)
        .where(and(eq(staffUsers.tenantId, tenantId), sql`(lower(${staffUsers.fullName}) like ${p} or lower(${staffUsers.email}) like ${p})`))
        .limit(200),
      db.select({ id: portalAccounts.id }).from(portalAccounts)
        .where(and(eq(portalAccounts.tenantId, tenantId), sql`(lower(${portalAccounts.fullName}) like ${p} or lower(coalesce(${portalAccounts.email}, '')) like ${p})`))
        .limit(200),
    ]);
    const who: SQL[] = [sql`lower(coalesce(${auditLog.actorLabel}, '')) like ${p}`];
    if (staff.length) who.push(and(eq(auditLog.actorKind, 'staff'), inArray(auditLog.actorId, staff.map((s) => s.id)))!);
    if (accounts.length) who.push(and(eq(auditLog.actorKind, 'patient'), inArray(auditLog.actorId, accounts.map((a) => a.id)))!);
    conditions.push(or(...who)!);
  }

  if (filters.patientId) {
    conditions.push(eq(auditLog.patientId, filters.patientId));
  } else if (filters.patient) {
    const p = containsPattern(filters.patient);
    matchedPatients = await db
      .select({ id: patients.id, name: sql<string>`${patients.firstName} || ' ' || ${patients.lastName}`, recordNumber: patients.recordNumber })
      .from(patients)
      .where(and(
        eq(patients.tenantId, tenantId),
        sql`(lower(${patients.firstName} || ' ' || ${patients.lastName}) like ${p} or lower(${patients.recordNumber}) like ${p})`,
      ))
      .orderBy(patients.lastName, patients.firstName)
      .limit(50);
    conditions.push(matchedPatients.length ? inArray(auditLog.patientId, matchedPatients.map((m) => m.id)) : sql`false`);
  }

  if (filters.action) conditions.push(eq(auditLog.action, filters.action));
  if (filters.from) conditions.push(sql`${auditLog.occurredAt} >= ${`${filters.from}T00:00:00Z`}::timestamptz`);
  if (filters.to) conditions.push(sql`${auditLog.occurredAt} < (${`${filters.to}T00:00:00Z`}::timestamptz + interval '1 day')`);
  return { where: and(...conditions)!, matchedPatients };
}

function entriesQuery(db: Executor, where: SQL) {
  return db
    .select({
      id: auditLog.id,
      occurredAt: auditLog.occurredAt,
      // The exact timestamp (microseconds) for the export's keyset cursor; a JS Date keeps milliseconds.
      cursor: sql<string>`${auditLog.occurredAt}::text`,
      actorKind: auditLog.actorKind,
      actorId: auditLog.actorId,
      actorLabel: auditLog.actorLabel,
      staffName: staffUsers.fullName,
      staffEmail: staffUsers.email,
      portalName: portalAccounts.fullName,
      action: auditLog.action,
      outcome: auditLog.outcome,
      patientId: auditLog.patientId,
      patientName: sql<string | null>`${patients.firstName} || ' ' || ${patients.lastName}`,
      patientRecordNumber: patients.recordNumber,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      ip: auditLog.ip,
      userAgent: auditLog.userAgent,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(staffUsers, and(eq(auditLog.actorKind, 'staff'), eq(staffUsers.tenantId, auditLog.tenantId), eq(staffUsers.id, auditLog.actorId)))
    .leftJoin(portalAccounts, and(eq(auditLog.actorKind, 'patient'), eq(portalAccounts.tenantId, auditLog.tenantId), eq(portalAccounts.id, auditLog.actorId)))
    .leftJoin(patients, and(eq(patients.tenantId, auditLog.tenantId), eq(patients.id, auditLog.patientId)))
    .where(where)
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id));
}

type EntryRow = Awaited<ReturnType<typeof entriesQuery>>[number];

export interface AuditEntryView {
  id: number;
  occurredAt: Date;
  actorKind: EntryRow['actorKind'];
  actorId: string | null;
  /** Who, as a person reads it: the staff member's or account's name now, else the label then. */
  actor: string;
  actorDetail: string | null;
  action: string;
  outcome: EntryRow['outcome'];
  patientId: string | null;
  patient: string | null;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

const KIND_LABEL: Record<EntryRow['actorKind'], string> = {
  staff: 'Staff member', patient: 'Portal account', operator: 'Platform operator', system: 'System', anonymous: 'Anonymous',
};

function toView(row: EntryRow): AuditEntryView {
  const name = row.staffName ?? row.portalName ?? row.actorLabel ?? (row.actorId ? `${KIND_LABEL[row.actorKind]} (removed)` : KIND_LABEL[row.actorKind]);
  const detail = row.staffName ? row.staffEmail : null;
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    actorKind: row.actorKind,
    actorId: row.actorId,
    actor: name,
    actorDetail: detail,
    action: row.action,
    outcome: row.outcome,
    patientId: row.patientId,
    patient: row.patientName ? `${row.patientName} (${row.patientRecordNumber})` : row.patientId,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    userAgent: row.userAgent,
    details: row.details ?? null,
  };
}

/** One page, newest first. */
export async function queryAuditLog(db: Executor, ctx: StaffContext, filters: AuditFilters, page = 1) {
  assertPermission(ctx, 'audit.view');
  const { where, matchedPatients } = await conditionsFor(db, ctx, filters);
  const safePage = Math.max(1, Math.min(1000, Math.floor(page) || 1));
  const rows = await entriesQuery(db, where).limit(AUDIT_PAGE_SIZE + 1).offset((safePage - 1) * AUDIT_PAGE_SIZE);
  return {
    entries: rows.slice(0, AUDIT_PAGE_SIZE).map(toView),
    hasMore: rows.length > AUDIT_PAGE_SIZE,
    page: safePage,
    matchedPatients,
  };
}

/**
 * Every matching entry, newest first, in batches: a keyset on (occurred_at, id) rather than
 * OFFSET, so a long export neither slows down page by page nor skips rows written meanwhile.
 */
export async function* streamAuditLog(db: Executor, ctx: StaffContext, filters: AuditFilters, batchSize = 500): AsyncGenerator<AuditEntryView[]> {
  assertPermission(ctx, 'audit.view');
  const { where } = await conditionsFor(db, ctx, filters);
  let after: { cursor: string; id: number } | null = null;
  for (;;) {
    const page: SQL = after
      ? and(where, sql`(${auditLog.occurredAt}, ${auditLog.id}) < (${after.cursor}::timestamptz, ${after.id})`)!
      : where;
    const rows = await entriesQuery(db, page).limit(batchSize);
    if (rows.length === 0) return;
    yield rows.map(toView);
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { cursor: last.cursor, id: last.id };
  }
}

/** Action names for the filter: those this clinic's log holds, plus the ones the app knows. */
export async function listAuditActionNames(db: Executor, ctx: StaffContext, extra: readonly string[] = []): Promise<string[]> {
  assertPermission(ctx, 'audit.view');
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).where(eq(auditLog.tenantId, ctx.tenant.id));
  return [...new Set([...rows.map((r) => r.action), ...knownAuditActions, ...extra])].sort();
}

// ---- CSV -------------------------------------------------------------------------------------

/**
 * Cells a spreadsheet would run as a formula start with one of these (OWASP "CSV injection");
 * tab and carriage return too, because some programs strip them and then see the next character.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 cell: formula starts neutralised with a leading quote, then quoted if needed. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export const AUDIT_CSV_HEADER = [
  'occurred_at', 'actor_kind', 'actor', 'actor_detail', 'actor_id', 'action', 'outcome', 'patient', 'patient_id',
  'target_type', 'target_id', 'ip', 'user_agent', 'details',
] as const;

export function auditEntryCsvLine(e: AuditEntryView): string {
  return csvLine([
    e.occurredAt, e.actorKind, e.actor, e.actorDetail, e.actorId, e.action, e.outcome, e.patient, e.patientId,
    e.targetType, e.targetId, e.ip, e.userAgent, e.details,
  ]);
}
