import 'server-only';
import type { AppointmentStatus } from '@/db/schema';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';

/**
 * Pure rules of the EMR overview's day: which visit is "next up", and the instants that hold
 * today in every one of the clinic's zones.
 */

interface DayVisit { id: string; startsAt: Date; endsAt: Date; status: AppointmentStatus }

/**
 * The booked visit to get ready for: the earliest one not yet over (one under way counts, so the
 * desk sees who is in the room until the visit's end). Cancelled, completed and no-show visits
 * are never next. Null when the day's booked visits are all over.
 */
export function nextUpVisit(visits: readonly DayVisit[], at: Date): string | null {
  let next: DayVisit | null = null;
  for (const v of visits) {
    if (v.status !== 'booked' || v.endsAt.getTime() <= at.getTime()) continue;
    if (!next || v.startsAt.getTime() < next.startsAt.getTime()) next = v;
  }
  return next?.id ?? null;
}

/**
 * From the earliest midnight that starts today in one of `zones` to the latest midnight that
 * ends it: every visit that is today somewhere in the clinic starts inside. With no zone, UTC.
 */
export function todayWindow(zones: readonly string[], at: Date): { from: Date; to: Date } {
  const list = zones.length ? [...new Set(zones)] : ['UTC'];
  let from = Infinity;
  let to = -Infinity;
  for (const zone of list) {
    const today = zonedDate(at, zone);
    from = Math.min(from, zonedInstant(today, '00:00', zone).getTime());
    to = Math.max(to, zonedInstant(addDays(today, 1), '00:00', zone).getTime());
  }
  return { from: new Date(from), to: new Date(to) };
}
