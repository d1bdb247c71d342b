import 'server-only';
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { campaigns, locations, products, segments, services, type CampaignStatus } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { NotFoundError, PG, postgresErrorCode, RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { EngagementAuditActions } from '../audit-actions';
import { filterIds, parseStoredFilter, sameFilter, type SegmentFilter } from './filter';
import { clinicDay, countSegment, type ClinicDay } from './query';

/**
 * Segments (CRM → Segments, issue 18 point 6): saved filters over the clinic's patients, made,
 * changed, archived and restored by staff with campaigns.manage, each change audited with ids and
 * the kinds of its conditions (never its name, which staff type, nor any patient). A name is
 * unique in the clinic in any case. The services, locations and products a filter names must be
 * the clinic's (archived and inactive ones too: a past visit still counts). The filter itself is
 * in ./filter.ts, its SQL in ./query.ts.
 */

export interface SegmentInput {
  name: string;
  description: string | null;
  filter: SegmentFilter;
}

export interface SegmentRow {
  id: string;
  name: string;
  description: string | null;
  filter: SegmentFilter;
  archived: boolean;
  updatedAt: Date;
  /** Patients the filter takes today. */
  count: number;
}

const nameTaken = () => new RuleError('segment-name-taken', 'The segment was not saved.', {
  name: 'The clinic already has a segment with this name (names match in any case, archived segments keep theirs). Choose another name.',
});

/** Campaigns that read the segment while they run: it may not be archived under them. */
const LIVE_CAMPAIGN: CampaignStatus[] = ['scheduled', 'queueing', 'sending'];

/**
 * Each service, location and product the filter names is the clinic's; otherwise a refusal on
 * the condition's field (`conditions.<i>.<serviceIds|locationIds|productIds>`; the form maps it
 * to its slot).
 */
export async function checkFilterIds(db: Executor, tenantId: string, filter: SegmentFilter): Promise<void> {
  const named = filterIds(filter);
  const known = async (table: typeof services | typeof locations | typeof products, ids: string[]) => (ids.length === 0
    ? new Set<string>()
    : new Set((await db.select({ id: table.id }).from(table).where(and(eq(table.tenantId, tenantId), inArray(table.id, ids)))).map((r) => r.id)));
  const [svc, loc, prod] = await Promise.all([known(services, named.services), known(locations, named.locations), known(products, named.products)]);
  const fieldErrors: Record<string, string> = {};
  filter.conditions.forEach((c, i) => {
    if (c.kind === 'service' && c.ids.some((id) => !svc.has(id))) fieldErrors[`conditions.${i}.serviceIds`] = 'Choose services from the clinic’s list.';
    if (c.kind === 'location' && c.ids.some((id) => !loc.has(id))) fieldErrors[`conditions.${i}.locationIds`] = 'Choose locations from the clinic’s list.';
    if (c.kind === 'product' && c.ids.some((id) => !prod.has(id))) fieldErrors[`conditions.${i}.productIds`] = 'Choose products from the clinic’s list.';
    if (c.kind === 'subscription' && c.productIds.some((id) => !prod.has(id))) fieldErrors[`conditions.${i}.productIds`] = 'Choose products from the clinic’s list.';
  });
  if (Object.keys(fieldErrors).length) throw new RuleError('segment-unknown-choice', 'The segment was not saved: a condition names something the clinic does not have. Reload the page and choose again.', fieldErrors);
}

const kindsOf = (filter: SegmentFilter) => filter.conditions.map((c) => c.kind);

function uniqueName<T>(work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (postgresErrorCode(error) === PG.uniqueViolation) throw nameTaken();
    throw error;
  });
}

/** "New segment". */
export async function createSegment(db: Executor, ctx: StaffContext, input: SegmentInput): Promise<{ id: string }> {
  assertPermission(ctx, 'campaigns.manage');
  await checkFilterIds(db, ctx.tenant.id, input.filter);
  return uniqueName(() => db.transaction(async (tx) => {
    const [row] = await tx.insert(segments).values({
      tenantId: ctx.tenant.id, name: input.name, description: input.description, filter: input.filter, createdByStaffId: ctx.actor.id,
    }).returning({ id: segments.id });
    await recordAudit(tx, ctx, { action: EngagementAuditActions.segmentCreated, target: { type: 'segment', id: row!.id }, details: { conditions: kindsOf(input.filter) } });
    return { id: row!.id };
  }));
}

async function lockSegment(tx: Executor, ctx: StaffContext, segmentId: string) {
  if (!isUuid(segmentId)) throw new NotFoundError('segment');
  const [row] = await tx.select().from(segments).where(and(eq(segments.tenantId, ctx.tenant.id), eq(segments.id, segmentId))).for('update');
  if (!row) throw new NotFoundError('segment');
  return row;
}

async function campaignsUsing(tx: Executor, tenantId: string, segmentId: string, statuses: CampaignStatus[]): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(campaigns)
    .where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.segmentId, segmentId), inArray(campaigns.status, statuses)));
  return row?.n ?? 0;
}

/**
 * "Save segment": its name, note and conditions. Refused while archived (restore it first) and
 * while a campaign is writing its recipients from it (the list would be half old, half new).
 */
export async function updateSegment(db: Executor, ctx: StaffContext, segmentId: string, input: SegmentInput): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'campaigns.manage');
  await checkFilterIds(db, ctx.tenant.id, input.filter);
  return uniqueName(() => db.transaction(async (tx) => {
    const before = await lockSegment(tx, ctx, segmentId);
    if (before.archivedAt) throw new RuleError('segment-archived', 'This segment is archived. Restore it to change it.');
    const changed: string[] = [];
    if (before.name !== input.name) changed.push('name');
    if (before.description !== input.description) changed.push('description');
    if (!sameFilter(parseStoredFilter(before.filter), input.filter)) changed.push('filter');
    if (changed.length === 0) return { changed: false };
    if (changed.includes('filter') && (await campaignsUsing(tx, ctx.tenant.id, segmentId, ['queueing']))) {
      throw new RuleError('segment-in-use', 'A campaign is adding this segment’s patients to its list right now. Change the conditions when it has finished.');
    }
    await tx.update(segments).set({ name: input.name, description: input.description, filter: input.filter, updatedAt: now() })
      .where(and(eq(segments.tenantId, ctx.tenant.id), eq(segments.id, segmentId)));
    await recordAudit(tx, ctx, {
      action: EngagementAuditActions.segmentUpdated, target: { type: 'segment', id: segmentId },
      details: { changed, ...(changed.includes('filter') ? { conditions: { before: kindsOf(parseStoredFilter(before.filter)), after: kindsOf(input.filter) } } : {}) },
    });
    return { changed: true };
  }));
}

/** Archived: no longer offered for new campaigns; refused while a scheduled or running campaign reads it. */
export async function archiveSegment(db: Executor, ctx: StaffContext, segmentId: string): Promise<{ changed: boolean }> {
  return setArchived(db, ctx, segmentId, true);
}

export async function restoreSegment(db: Executor, ctx: StaffContext, segmentId: string): Promise<{ changed: boolean }> {
  return setArchived(db, ctx, segmentId, false);
}

async function setArchived(db: Executor, ctx: StaffContext, segmentId: string, archive: boolean): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'campaigns.manage');
  return db.transaction(async (tx) => {
    const before = await lockSegment(tx, ctx, segmentId);
    if ((before.archivedAt !== null) === archive) return { changed: false };
    if (archive && (await campaignsUsing(tx, ctx.tenant.id, segmentId, LIVE_CAMPAIGN))) {
      throw new RuleError('segment-in-use', 'A scheduled or sending campaign goes to this segment. Cancel the campaign, or wait until it is sent, to archive the segment.');
    }
    await tx.update(segments).set({ archivedAt: archive ? now() : null, updatedAt: now() })
      .where(and(eq(segments.tenantId, ctx.tenant.id), eq(segments.id, segmentId)));
    await recordAudit(tx, ctx, { action: archive ? EngagementAuditActions.segmentArchived : EngagementAuditActions.segmentRestored, target: { type: 'segment', id: segmentId } });
    return { changed: true };
  });
}

const rowColumns = {
  id: segments.id, name: segments.name, description: segments.description, filter: segments.filter, archivedAt: segments.archivedAt, updatedAt: segments.updatedAt,
};

type StoredRow = Omit<SegmentRow, 'filter' | 'archived' | 'count'> & { filter: unknown; archivedAt: Date | null };

async function withCount(db: Executor, tenantId: string, day: ClinicDay, { archivedAt, ...row }: StoredRow): Promise<SegmentRow> {
  const filter = parseStoredFilter(row.filter);
  return { ...row, filter, archived: archivedAt !== null, count: await countSegment(db, tenantId, filter, { day }) };
}

/**
 * The clinic's segments (active or archived), by name, each with how many patients it takes
 * today (one count a segment, on one calendar day for the whole list).
 */
export async function listSegments(db: Executor, ctx: StaffContext, filter: { status: 'active' | 'archived' }): Promise<SegmentRow[]> {
  assertPermission(ctx, 'campaigns.manage');
  const [rows, day] = await Promise.all([
    db.select(rowColumns).from(segments)
      .where(and(eq(segments.tenantId, ctx.tenant.id), filter.status === 'archived' ? isNotNull(segments.archivedAt) : isNull(segments.archivedAt)))
      .orderBy(asc(sql`lower(${segments.name})`), asc(segments.id)),
    clinicDay(db, ctx.tenant.id),
  ]);
  const out: SegmentRow[] = [];
  // One after another: a page of counts must not take every connection of the pool.
  for (const row of rows) out.push(await withCount(db, ctx.tenant.id, day, row));
  return out;
}

/** One segment of the clinic with its count; NotFoundError otherwise. */
export async function getSegment(db: Executor, ctx: StaffContext, segmentId: string): Promise<SegmentRow> {
  assertPermission(ctx, 'campaigns.manage');
  if (!isUuid(segmentId)) throw new NotFoundError('segment');
  const [row] = await db.select(rowColumns).from(segments).where(and(eq(segments.tenantId, ctx.tenant.id), eq(segments.id, segmentId)));
  if (!row) throw new NotFoundError('segment');
  return withCount(db, ctx.tenant.id, await clinicDay(db, ctx.tenant.id), row);
}

/**
 * The live count of the builder: how many of the clinic's patients a filter being edited takes.
 * A number only, never who. Ids of another clinic name nothing here, so they count nobody.
 */
export async function countSegmentForStaff(db: Executor, ctx: StaffContext, filter: SegmentFilter): Promise<number> {
  assertPermission(ctx, 'campaigns.manage');
  return countSegment(db, ctx.tenant.id, filter);
}

/**
 * A segment's filter for the campaign queue (no staff: the job acts for the clinic), archived or
 * not: whether a campaign may still go to it is the campaign's rule.
 */
export async function loadSegmentFilter(db: Executor, tenantId: string, segmentId: string): Promise<SegmentFilter> {
  if (!isUuid(segmentId)) throw new NotFoundError('segment');
  const [row] = await db.select({ filter: segments.filter }).from(segments).where(and(eq(segments.tenantId, tenantId), eq(segments.id, segmentId)));
  if (!row) throw new NotFoundError('segment');
  return parseStoredFilter(row.filter);
}
