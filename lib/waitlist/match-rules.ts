import 'server-only';
import { weekdayOf, zonedDate, zonedTime } from '@/lib/scheduling/zoned-time';

/**
 * Which free time goes to which waiting patient (issue 20, point 2), pure: the job
 * (./offer-job.ts) loads the rows and the free times and writes what this decides.
 *
 * - A time fits an entry when it is with the entry's provider (or any), on one of its weekdays,
 *   starts at or after its earliest time and ends by its latest (wall clock in the location's
 *   zone), on or before its last day.
 * - Entries are served in the order they joined (created_at, then id). Each entry holds at most
 *   one open offer, so a patient is never asked about two times at once; the first in line gets
 *   the earliest fitting time that still has room.
 * - A time (provider + start) is held by at most `batch` open offers at once; when those lapse
 *   or are declined and the time is still free, the next entries in line get it. An entry is
 *   offered a time once (the database's waitlist_offers_once_key says the same).
 */

export interface WaitingEntry {
  id: string;
  createdAt: Date;
  /** Null: any provider who offers the service there. */
  providerId: string | null;
  /** 0 = Sunday … 6 = Saturday, in the location's zone. */
  weekdays: readonly number[];
  /** Postgres `time`: 'HH:MM' or 'HH:MM:SS'; the latest may be '24:00'. */
  earliestTime: string;
  latestTime: string;
  /** The last local date a visit may be on, YYYY-MM-DD. */
  untilOn: string;
}

export interface FreeTime {
  providerId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface PlannedOffer {
  entryId: string;
  time: FreeTime;
}

const DAY_MINUTES = 24 * 60;

/** Minutes since midnight of a Postgres `time` ('24:00' is 1440). */
export function minutesOfTime(time: string): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return hh * 60 + mm;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The key of a time: one provider, one start. */
export function timeKey(providerId: string, startsAt: Date): string {
  return `${providerId}|${startsAt.getTime()}`;
}

/** The key of "this entry was offered this time" (any status). */
export function offeredKey(entryId: string, providerId: string, startsAt: Date): string {
  return `${entryId}|${timeKey(providerId, startsAt)}`;
}

/** Whether a free time suits the entry, read on the wall clock of the location's zone. */
export function fitsEntry(entry: WaitingEntry, time: FreeTime, timeZone: string): boolean {
  if (entry.providerId !== null && entry.providerId !== time.providerId) return false;
  const date = zonedDate(time.startsAt, timeZone);
  if (date > entry.untilOn) return false;
  if (!entry.weekdays.includes(weekdayOf(date))) return false;
  const start = minutesOfTime(zonedTime(time.startsAt, timeZone));
  // A visit ending after midnight ends past 24:00 of its first day, so only a '24:00' latest allows it.
  const end = minutesOfTime(zonedTime(time.endsAt, timeZone)) + daysBetween(date, zonedDate(time.endsAt, timeZone)) * DAY_MINUTES;
  return start >= minutesOfTime(entry.earliestTime) && end <= minutesOfTime(entry.latestTime);
}

/** Served in the order they joined; the id breaks a tie of the same instant. */
export function compareEntries(a: Pick<WaitingEntry, 'id' | 'createdAt'>, b: Pick<WaitingEntry, 'id' | 'createdAt'>): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface PlanInput {
  /** Each waiting entry with the free times found for its service, location and provider, and the location's zone. */
  entries: readonly (WaitingEntry & { timeZone: string; candidates: readonly FreeTime[] })[];
  /** Open offers (not lapsed) per time key, whoever holds them. */
  openByTime: ReadonlyMap<string, number>;
  /** Entries that hold an open offer now. */
  holding: ReadonlySet<string>;
  /** offeredKey of every offer ever made (any status). */
  offeredBefore: ReadonlySet<string>;
  /** The clinic's waitlist_offer_batch. */
  batch: number;
}

/** The offers to make now, in the order the entries joined. */
export function planOffers(input: PlanInput): PlannedOffer[] {
  const open = new Map(input.openByTime);
  const planned: PlannedOffer[] = [];
  for (const entry of [...input.entries].sort(compareEntries)) {
    if (input.holding.has(entry.id)) continue;
    const candidates = [...entry.candidates].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || (a.providerId < b.providerId ? -1 : 1));
    const time = candidates.find((t) => {
      const key = timeKey(t.providerId, t.startsAt);
      return (open.get(key) ?? 0) < input.batch
        && !input.offeredBefore.has(offeredKey(entry.id, t.providerId, t.startsAt))
        && fitsEntry(entry, t, entry.timeZone);
    });
    if (!time) continue;
    const key = timeKey(time.providerId, time.startsAt);
    open.set(key, (open.get(key) ?? 0) + 1);
    planned.push({ entryId: entry.id, time });
  }
  return planned;
}

/** An offer's state as the patient's link reads it. */
export type OfferState = 'open' | 'accepted' | 'expired' | 'gone' | 'declined';

/** An 'offered' row past its hold is expired even before the job has written so. */
export function offerState(offer: { status: 'offered' | 'accepted' | 'expired' | 'gone' | 'declined'; expiresAt: Date }, at: Date): OfferState {
  if (offer.status !== 'offered') return offer.status;
  return at.getTime() < offer.expiresAt.getTime() ? 'open' : 'expired';
}
