import 'server-only';
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessLevels, auditLog, staffUsers } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { isTimeZone, type Translate } from '@/lib/i18n/core';
import type { accessLog } from '@/lib/i18n/messages/access-log';
import { addDays, zonedDate, zonedInstant, zonedTime } from '@/lib/scheduling/zoned-time';
import { ACCESS_KINDS, ACCESS_LOG_ACTIONS, accessRulesByAction, describeAccess, type AccessKind, type AccessPhrase } from './access-log-rules';
import { csvLine } from './query';
import { recordAudit } from './record-audit';

/**
 * "Who viewed my record" (/portal/access-log, issue 19 point 6): the staff reads and changes of
 * the selected patient's record, from audit_log. Only staff entries that succeeded, of the
 * actions lib/audit/access-log-rules.ts maps: never the patient's own, a family member's or the
 * system's. Always scoped to (the session's clinic, the session's patient): nothing in the input
 * names either. Newest first, paged by a keyset on (occurred_at, id), which
 * audit_log_tenant_patient_idx (tenant_id, patient_id, occurred_at) serves.
 */

export const ACCESS_LOG_PAGE_SIZE = 25;

export const AccessLogAuditActions = {
  viewed: 'portal.access_log_viewed',
  exported: 'portal.access_log_exported',
} as const;

export interface AccessLogFilters {
  /** Calendar dates (YYYY-MM-DD) in the patient's zone, inclusive. */
  from?: string;
  to?: string;
  kind?: AccessKind;
}

/** Why the filter form was refused: a key of lib/i18n/messages/access-log.ts. */
export type AccessLogFilterError = 'errorDate' | 'errorRange';

export type AccessLogQuery =
  | { ok: true; filters: AccessLogFilters; page: AccessLogPageRequest }
  | { ok: false; filters: AccessLogFilters; errors: Partial<Record<'from' | 'to', AccessLogFilterError>> };

/** Which page: the newest, the one older than a cursor, or the one newer than a cursor. */
export type AccessLogPageRequest = { before?: string; after?: string };

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Microseconds since 1970 and the entry's id: the exact position, in digits only (safe in a URL). */
const CURSOR = /^\d{1,17}-\d{1,18}$/;

export function isCalendarDay(value: string): boolean {
  if (!CALENDAR_DATE.test(value) || value < '1900-01-01') return false;
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * The page's and the CSV's search parameters: a date range, a kind, a cursor. A bad date is
 * reported on its field (the page shows the form again); an unknown kind or a malformed cursor is
 * dropped, as a link edited by hand deserves no more than the first page.
 */
export function parseAccessLogQuery(params: Record<string, string | string[] | undefined>): AccessLogQuery {
  const one = (key: string) => {
    const v = params[key];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' && s.trim() !== '' ? s.trim() : undefined;
  };
  const from = one('from');
  const to = one('to');
  const kindText = one('kind');
  const kind = kindText && (ACCESS_KINDS as readonly string[]).includes(kindText) ? (kindText as AccessKind) : undefined;
  const filters: AccessLogFilters = { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(kind ? { kind } : {}) };
  const errors: Partial<Record<'from' | 'to', AccessLogFilterError>> = {};
  if (from && !isCalendarDay(from)) errors.from = 'errorDate';
  if (to && !isCalendarDay(to)) errors.to = 'errorDate';
  if (!errors.from && !errors.to && from && to && to < from) errors.to = 'errorRange';
  if (errors.from || errors.to) return { ok: false, filters, errors };
  const before = one('before');
  const after = one('after');
  const page: AccessLogPageRequest = before && CURSOR.test(before) ? { before } : after && CURSOR.test(after) ? { after } : {};
  return { ok: true, filters, page };
}

export interface AccessLogEntry {
  id: number;
  occurredAt: Date;
  /** The staff member's name now; null if their account is gone. */
  staffName: string | null;
  /** Their access level's name now (Physician, Support…); null if unknown. */
  role: string | null;
  kind: AccessKind;
  phrase: AccessPhrase;
  cursor: string;
}

export interface AccessLogPage {
  entries: AccessLogEntry[];
  /** Cursors for the next page in each direction; null at either end. */
  older: string | null;
  newer: string | null;
}

/**
 * The access log is the patient's: their own account always; a family member only when the link
 * grants it by name (the `access_log` area is never part of a proxy's full scope). A link that
 * opens nothing today is not-found; one that does not open this, forbidden.
 */
async function assertMayReadAccessLog(db: Executor, ctx: PortalContext): Promise<void> {
  await assertPortalArea(db, ctx, 'access_log');
}

/** The condition for the chosen kind (every mapped action without one). */
function kindCondition(kind: AccessKind | undefined): SQL {
  if (!kind) return inArray(auditLog.action, Object.keys(ACCESS_LOG_ACTIONS));
  const all = accessRulesByAction();
  const ofKind = all.filter((r) => r.rule.kind === kind);
  // An action whose every rule is of this kind needs no look at its details.
  const whole = [...new Set(ofKind.map((r) => r.action))].filter((action) => all.every((r) => r.action !== action || r.rule.kind === kind));
  const byDetail = ofKind.filter((r) => r.detail && !whole.includes(r.action)).map(({ action, detail }) => {
    const value = sql`(${auditLog.details} ->> ${detail!.key})`;
    const test = 'equals' in detail!
      ? sql`${value} = ${detail.equals}`
      : sql`(${value} is null or ${value} not in (${sql.join(detail!.notIn.map((v) => sql`${v}`), sql`, `)}))`;
    return and(eq(auditLog.action, action), test)!;
  });
  return or(...(whole.length ? [inArray(auditLog.action, whole)] : []), ...byDetail) ?? sql`false`;
}

/** Start of `from` and start of the day after `to`, in the patient's zone. */
function dateConditions(filters: AccessLogFilters, timeZone: string): SQL[] {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const out: SQL[] = [];
  if (filters.from) out.push(sql`${auditLog.occurredAt} >= ${zonedInstant(filters.from, '00:00', zone).toISOString()}::timestamptz`);
  if (filters.to) out.push(sql`${auditLog.occurredAt} < ${zonedInstant(addDays(filters.to, 1), '00:00', zone).toISOString()}::timestamptz`);
  return out;
}

const cursorInstant = (micros: string) => sql`(timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond')`;

/**
 * Strictly older (`<`) or newer (`>`) than the cursor's entry. Written with a plain bound on
 * occurred_at first, so the index's range scan starts at the cursor; the id settles ties.
 */
function cursorCondition(cursor: string, direction: '<' | '>'): SQL {
  const [micros, id] = cursor.split('-') as [string, string];
  const at = cursorInstant(micros);
  return direction === '<'
    ? sql`(${auditLog.occurredAt} <= ${at} and (${auditLog.occurredAt} < ${at} or ${auditLog.id} < ${id}::bigint))`
    : sql`(${auditLog.occurredAt} >= ${at} and (${auditLog.occurredAt} > ${at} or ${auditLog.id} > ${id}::bigint))`;
}

function entriesWhere(ctx: PortalContext, filters: AccessLogFilters, timeZone: string): SQL {
  return and(
    eq(auditLog.tenantId, ctx.tenant.id),
    eq(auditLog.patientId, ctx.patient.id),
    eq(auditLog.actorKind, 'staff'),
    eq(auditLog.outcome, 'success'),
    kindCondition(filters.kind),
    ...dateConditions(filters, timeZone),
  )!;
}

function entriesQuery(db: Executor, where: SQL, order: 'newest' | 'oldest', limit: number) {
  return db
    .select({
      id: auditLog.id,
      occurredAt: auditLog.occurredAt,
      micros: sql<string>`(extract(epoch from ${auditLog.occurredAt}) * 1000000)::bigint::text`,
      action: auditLog.action,
      details: auditLog.details,
      staffName: staffUsers.fullName,
      role: accessLevels.name,
    })
    .from(auditLog)
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, auditLog.tenantId), eq(staffUsers.id, auditLog.actorId)))
    .leftJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(where)
    .orderBy(...(order === 'newest' ? [desc(auditLog.occurredAt), desc(auditLog.id)] : [asc(auditLog.occurredAt), asc(auditLog.id)]))
    .limit(limit);
}

type Row = Awaited<ReturnType<typeof entriesQuery>>[number];

/**
 * The first page's query, unexecuted, with no permission check: for reading its plan (the
 * index test in tests/integration/access-log.int.test.ts). Pages are read through listAccessLog.
 */
export function accessLogFirstPageQuery(db: Executor, ctx: PortalContext, input: { filters: AccessLogFilters; timeZone: string }) {
  return entriesQuery(db, entriesWhere(ctx, input.filters, input.timeZone), 'newest', ACCESS_LOG_PAGE_SIZE + 1);
}

function toEntry(row: Row): AccessLogEntry | null {
  const rule = describeAccess(row.action, row.details ?? null);
  if (!rule) return null;
  return {
    id: row.id, occurredAt: row.occurredAt, staffName: row.staffName, role: row.role,
    kind: rule.kind, phrase: rule.phrase, cursor: `${row.micros}-${row.id}`,
  };
}

const entriesOf = (rows: Row[]) => rows.map(toEntry).filter((e): e is AccessLogEntry => e !== null);

/** One page of the selected patient's access log, newest first. */
export async function listAccessLog(
  db: Executor, ctx: PortalContext,
  input: { filters: AccessLogFilters; page?: AccessLogPageRequest; timeZone: string; pageSize?: number },
): Promise<AccessLogPage> {
  await assertMayReadAccessLog(db, ctx);
  const size = Math.max(1, Math.min(100, input.pageSize ?? ACCESS_LOG_PAGE_SIZE));
  const where = entriesWhere(ctx, input.filters, input.timeZone);
  const page = input.page ?? {};
  let result: AccessLogPage;
  if (page.after) {
    // A newer page: read upwards from the cursor, then show it newest first like the others.
    const rows = await entriesQuery(db, and(where, cursorCondition(page.after, '>'))!, 'oldest', size + 1);
    const shown = entriesOf(rows.slice(0, size)).reverse();
    result = { entries: shown, newer: rows.length > size ? shown[0]?.cursor ?? null : null, older: shown.at(-1)?.cursor ?? page.after };
  } else {
    const rows = await entriesQuery(db, page.before ? and(where, cursorCondition(page.before, '<'))! : where, 'newest', size + 1);
    const shown = entriesOf(rows.slice(0, size));
    result = { entries: shown, older: rows.length > size ? shown.at(-1)?.cursor ?? null : null, newer: page.before ? shown[0]?.cursor ?? page.before : null };
  }
  await recordAudit(db, ctx, {
    action: AccessLogAuditActions.viewed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { filters: { ...input.filters }, entries: result.entries.length },
  });
  return result;
}

/**
 * The CSV download: checks the caller may read the log and audits the export (the patient's, or
 * a granted family member's, own action) before anything is read, then hands back every
 * matching entry, newest first, in batches.
 */
export async function exportAccessLog(
  db: Executor, ctx: PortalContext, input: { filters: AccessLogFilters; timeZone: string }, batchSize = 500,
): Promise<AsyncGenerator<AccessLogEntry[]>> {
  await assertMayReadAccessLog(db, ctx);
  await recordAudit(db, ctx, {
    action: AccessLogAuditActions.exported, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { filters: { ...input.filters } },
  });
  const where = entriesWhere(ctx, input.filters, input.timeZone);
  return (async function* batches() {
    let before: string | null = null;
    for (;;) {
      const rows: Row[] = await entriesQuery(db, before ? and(where, cursorCondition(before, '<'))! : where, 'newest', batchSize);
      if (rows.length === 0) return;
      yield entriesOf(rows);
      if (rows.length < batchSize) return;
      const last = rows.at(-1)!;
      before = `${last.micros}-${last.id}`;
    }
  })();
}

// ---- CSV -------------------------------------------------------------------------------------

type AccessLogWords = Translate<(typeof accessLog)['en']>;

/** The header row, in the patient's language. */
export function accessLogCsvHeader(t: AccessLogWords): string {
  return csvLine([t('csvWhen'), t('csvTimeZone'), t('csvStaff'), t('csvRole'), t('csvKind'), t('csvWhat')]);
}

/**
 * One entry: the local date and time in the patient's zone (named in its own column), who, their
 * role, the kind and what, in the patient's words. csvLine quotes as RFC 4180 asks and defuses a
 * cell a spreadsheet would run as a formula (a staff name starting with "=", say).
 */
export function accessLogCsvLine(entry: AccessLogEntry, t: AccessLogWords, timeZone: string): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return csvLine([
    `${zonedDate(entry.occurredAt, zone)} ${zonedTime(entry.occurredAt, zone)}`, zone,
    entry.staffName ?? t('staffUnknown'), entry.role ?? '', t(`kind_${entry.kind}`), t(`phrase_${entry.phrase}`),
  ]);
}
