import 'server-only';
import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { locations, tenantSettings, waitlistEntries, waitlistOffers } from '@/db/schema';
import { now as clockNow } from '@/lib/clock';
import { loadWaitlistDemand } from './matching';
import { offeredKey, planOffers, timeKey } from './match-rules';
import { enqueueOfferGone, enqueueOfferMade } from './offer-notices';

/**
 * The waitlist job (issue 20, point 2), per clinic, in one transaction each:
 *  1. entries past their last day (in their location's zone) become 'expired';
 *  2. offers past their hold become 'expired' (said nothing: the message named the hold);
 *  3. open offers whose time is no longer free (booked another way, time off, hours changed)
 *     become 'gone' and their patients are told once;
 *  4. new offers, as ./match-rules.ts plans them, each with its SMS and email.
 *
 * Several runners at once (the cron route, `npm run worker`, a request's after-response run):
 * a clinic's pass holds a transaction-scoped advisory lock, taken with try (a runner that finds
 * it held skips the clinic, as SKIP LOCKED skips a row), and acceptances take the same lock
 * (./offers.ts), so a pass never plans from a time an acceptance is booking. Underneath, every
 * write is conditional (status = 'offered', told_at is null) and an offer is inserted ON CONFLICT
 * DO NOTHING on waitlist_offers_once_key, whose messages are queued only for rows really inserted.
 */

export interface WaitlistRunCounts {
  waitlistOffersMade: number;
  waitlistOffersExpired: number;
  waitlistOffersGone: number;
  waitlistEntriesExpired: number;
  waitlistClinicsSkipped: number;
}

const ZERO: WaitlistRunCounts = { waitlistOffersMade: 0, waitlistOffersExpired: 0, waitlistOffersGone: 0, waitlistEntriesExpired: 0, waitlistClinicsSkipped: 0 };

/** The lock a clinic's waitlist pass and its acceptances share. */
export function waitlistLockKey(tenantId: string): string {
  return `waitlist:${tenantId}`;
}

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

async function tryLockClinic(tx: Executor, tenantId: string): Promise<boolean> {
  const result = await tx.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${waitlistLockKey(tenantId)}, 0)) as locked`);
  return rowsOf<{ locked: boolean }>(result)[0]?.locked === true;
}

/** Marks offers gone (only those still open and not told) and tells each patient once, in `tx`. */
export async function markOffersGone(tx: Executor, tenantId: string, offerIds: readonly string[], at: Date): Promise<number> {
  if (offerIds.length === 0) return 0;
  const gone = await tx
    .update(waitlistOffers)
    .set({ status: 'gone', toldAt: at })
    .where(and(eq(waitlistOffers.tenantId, tenantId), inArray(waitlistOffers.id, [...offerIds]), eq(waitlistOffers.status, 'offered'), isNull(waitlistOffers.toldAt)))
    .returning({ id: waitlistOffers.id, patientId: waitlistOffers.patientId });
  for (const offer of gone) await enqueueOfferGone(tx, tenantId, offer);
  return gone.length;
}

/** One clinic's pass; null when another runner holds the clinic. */
async function runClinic(tx: Executor, tenantId: string, at: Date): Promise<WaitlistRunCounts | null> {
  if (!(await tryLockClinic(tx, tenantId))) return null;
  const counts = { ...ZERO };

  const expiredEntries = await tx
    .update(waitlistEntries)
    .set({ status: 'expired', updatedAt: at })
    .where(and(
      eq(waitlistEntries.tenantId, tenantId), eq(waitlistEntries.status, 'waiting'),
      sql`${waitlistEntries.untilOn} < (select (${at.toISOString()}::timestamptz at time zone ${locations.timeZone})::date from ${locations}
        where ${locations.tenantId} = ${waitlistEntries.tenantId} and ${locations.id} = ${waitlistEntries.locationId})`,
    ))
    .returning({ id: waitlistEntries.id });
  counts.waitlistEntriesExpired = expiredEntries.length;

  const expiredOffers = await tx
    .update(waitlistOffers)
    .set({ status: 'expired' })
    .where(and(eq(waitlistOffers.tenantId, tenantId), eq(waitlistOffers.status, 'offered'), lte(waitlistOffers.expiresAt, at)))
    .returning({ id: waitlistOffers.id });
  counts.waitlistOffersExpired = expiredOffers.length;

  const [settings] = await tx
    .select({ minutes: tenantSettings.waitlistOfferMinutes, batch: tenantSettings.waitlistOfferBatch, minNotice: tenantSettings.minNoticeMinutes })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  if (!settings) return counts;
  const demand = await loadWaitlistDemand(tx, tenantId, at);
  const byEntry = new Map(demand.map((d) => [d.id, d]));

  // Offers of times still ahead: the open ones (who holds what, how full each time is) and every
  // one ever made to a waiting entry (a time is offered to an entry once).
  const offers = await tx
    .select({ id: waitlistOffers.id, entryId: waitlistOffers.entryId, providerId: waitlistOffers.providerId, startsAt: waitlistOffers.startsAt, status: waitlistOffers.status })
    .from(waitlistOffers)
    .where(and(eq(waitlistOffers.tenantId, tenantId), gte(waitlistOffers.startsAt, at)));
  const open = offers.filter((o) => o.status === 'offered');
  // A time no longer free for a waiting entry's group is gone; an entry no longer waiting keeps
  // its offer until it lapses (accepting it then says the entry is closed).
  const stale = open.filter((o) => {
    const entry = byEntry.get(o.entryId);
    return entry !== undefined && !entry.freeKeys.has(timeKey(o.providerId, o.startsAt));
  });
  counts.waitlistOffersGone = await markOffersGone(tx, tenantId, stale.map((o) => o.id), at);
  const staleIds = new Set(stale.map((o) => o.id));
  const stillOpen = open.filter((o) => !staleIds.has(o.id));

  const openByTime = new Map<string, number>();
  for (const o of stillOpen) openByTime.set(timeKey(o.providerId, o.startsAt), (openByTime.get(timeKey(o.providerId, o.startsAt)) ?? 0) + 1);
  // Only times that stay bookable for the whole hold (the clinic's notice still met when it ends),
  // so an offer is never accepted into a 'too soon'.
  const offerFrom = at.getTime() + (settings.minutes + settings.minNotice) * 60_000;
  const plan = planOffers({
    entries: demand.map((d) => ({ ...d, candidates: d.candidates.filter((t) => t.startsAt.getTime() >= offerFrom) })),
    openByTime,
    holding: new Set(stillOpen.map((o) => o.entryId)),
    offeredBefore: new Set(offers.map((o) => offeredKey(o.entryId, o.providerId, o.startsAt))),
    batch: settings.batch,
  });

  const expiresAt = new Date(at.getTime() + settings.minutes * 60_000);
  for (const { entryId, time } of plan) {
    const entry = byEntry.get(entryId)!;
    const [made] = await tx
      .insert(waitlistOffers)
      .values({
        tenantId, entryId, patientId: entry.patientId, serviceId: entry.serviceId, locationId: entry.locationId,
        providerId: time.providerId, startsAt: time.startsAt, endsAt: time.endsAt, status: 'offered', expiresAt, createdAt: at,
      })
      .onConflictDoNothing({ target: [waitlistOffers.tenantId, waitlistOffers.entryId, waitlistOffers.providerId, waitlistOffers.startsAt] })
      .returning({ id: waitlistOffers.id });
    if (!made) continue;
    await enqueueOfferMade(tx, tenantId, { id: made.id, patientId: entry.patientId, startsAt: time.startsAt, timeZone: entry.timeZone }, settings.minutes);
    counts.waitlistOffersMade++;
  }
  return counts;
}

/** Clinics with anything to do: a waiting entry, or an offer still open. */
async function clinicsWithWork(db: Database): Promise<string[]> {
  const [entries, offers] = await Promise.all([
    db.selectDistinct({ tenantId: waitlistEntries.tenantId }).from(waitlistEntries).where(eq(waitlistEntries.status, 'waiting')),
    db.selectDistinct({ tenantId: waitlistOffers.tenantId }).from(waitlistOffers).where(eq(waitlistOffers.status, 'offered')),
  ]);
  return [...new Set([...entries, ...offers].map((r) => r.tenantId))];
}

function add(a: WaitlistRunCounts, b: WaitlistRunCounts): WaitlistRunCounts {
  return Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof WaitlistRunCounts] + b[k as keyof WaitlistRunCounts]])) as unknown as WaitlistRunCounts;
}

/** One clinic's pass (after a cancellation or a change of hours in that clinic). */
export async function runWaitlistOffersFor(db: Database, tenantId: string, at: Date = clockNow()): Promise<WaitlistRunCounts> {
  const counts = await db.transaction((tx) => runClinic(tx, tenantId, at));
  return counts ?? { ...ZERO, waitlistClinicsSkipped: 1 };
}

/** Every clinic's pass (the scheduled job). */
export async function runWaitlistOffers(db: Database, at: Date = clockNow()): Promise<WaitlistRunCounts> {
  let total = { ...ZERO };
  for (const tenantId of await clinicsWithWork(db)) total = add(total, await runWaitlistOffersFor(db, tenantId, at));
  return total;
}
