import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantSettings } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { now as clockNow } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { loadBookingContext, loadProviderCalendars, offeringProviders, type OpenSlot, type SlotProvider } from './find-slots';
import { isMonth, lastDateOf } from './month-grid';
import { bookableRange, computeFreeSlots, existingZonedInstant } from './slots';
import { addDays, zonedDate, zonedInstant } from './zoned-time';

/**
 * Free times of a service at a location over a stretch of local dates, for the portal's month
 * picker. The clinic's rows are read once for the whole stretch (hours, time off and visits of
 * every provider concerned: three statements, however long the stretch) and the slot engine of
 * findFreeSlots runs over them in memory, provider by provider, merged the same way: a date is
 * offered here exactly when findFreeSlots finds a time on it, and never a time booking refuses.
 */

export interface OfferQuery {
  serviceId: string;
  locationId: string;
  providerId: string | 'any';
}

/** Who can be booked and on what rules: read once per request. */
export interface OfferContext {
  locationId: string;
  timeZone: string;
  durationMinutes: number;
  /** Every provider offering the service at the location (whoever the patient chose). */
  providers: SlotProvider[];
  settings: { minNoticeMinutes: number; bookingHorizonDays: number; bufferMinutes: number };
  now: Date;
  /** The first and last local dates the notice and the horizon allow. */
  firstDate: string;
  lastDate: string;
}

/**
 * The service, location and rules, and everyone offering the service there; not-found for
 * another clinic's ids, a staff-only service, or a provider who does not offer it here.
 */
export async function loadOfferContext(db: Executor, ctx: PortalContext, query: OfferQuery): Promise<OfferContext> {
  const tenantId = ctx.tenant.id;
  if (!isUuid(query.serviceId)) throw new NotFoundError('service');
  if (!isUuid(query.locationId)) throw new NotFoundError('location');
  if (query.providerId !== 'any' && !isUuid(query.providerId)) throw new NotFoundError('provider');
  const [{ service, location, settings }, providers] = await Promise.all([
    loadBookingContext(db, tenantId, { ...query, audience: 'patient' }),
    offeringProviders(db, tenantId, query.serviceId, query.locationId, 'any'),
  ]);
  if (query.providerId !== 'any' && !providers.some((p) => p.id === query.providerId)) throw new NotFoundError('provider');
  const now = clockNow();
  const { earliest, latest } = bookableRange(now, settings);
  return {
    locationId: location.id, timeZone: location.timeZone, durationMinutes: service.durationMinutes, providers, settings, now,
    firstDate: zonedDate(earliest, location.timeZone), lastDate: zonedDate(latest, location.timeZone),
  };
}

/** Whether the clinic lets patients join its waitlist from the portal. */
export async function portalWaitlistOpen(db: Executor, ctx: PortalContext): Promise<boolean> {
  const [row] = await db.select({ open: tenantSettings.waitlistPortal }).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id));
  return row?.open ?? false;
}

/**
 * Free times from the start of local date `from` to the end of local date `to` (both inclusive),
 * by local date, each with who is free then ('any' merges providers, first by name as
 * findFreeSlots orders them). Only `providerIds` are read and computed.
 */
export async function offersBetween(
  db: Executor,
  ctx: PortalContext,
  offer: OfferContext,
  providerIds: readonly string[],
  from: string,
  to: string,
): Promise<Map<string, OpenSlot[]>> {
  const days = new Map<string, OpenSlot[]>();
  const start = from < offer.firstDate ? offer.firstDate : from;
  const end = to > offer.lastDate ? offer.lastDate : to;
  const providers = offer.providers.filter((p) => providerIds.includes(p.id));
  if (start > end || providers.length === 0) return days;
  const tz = offer.timeZone;
  const window = { from: zonedInstant(start, '00:00', tz), to: zonedInstant(addDays(end, 1), '00:00', tz) };
  // Visits just outside the window still push their buffer into it (as findFreeSlots reads them).
  const margin = (offer.settings.bufferMinutes + offer.durationMinutes) * 60_000;
  const calendars = await loadProviderCalendars(db, ctx.tenant.id, {
    providerIds: providers.map((p) => p.id), locationId: offer.locationId,
    from: new Date(window.from.getTime() - margin), to: new Date(window.to.getTime() + margin),
  });
  const merged = new Map<number, OpenSlot>();
  for (const provider of providers) {
    const slots = computeFreeSlots({
      ...calendars.get(provider.id)!, service: { durationMinutes: offer.durationMinutes }, location: { timeZone: tz },
      settings: offer.settings, from: window.from, to: window.to, now: offer.now,
    });
    for (const slot of slots) {
      const key = slot.startsAt.getTime();
      const open = merged.get(key) ?? { ...slot, providers: [] };
      open.providers.push({ id: provider.id, name: provider.name });
      merged.set(key, open);
    }
  }
  for (const slot of [...merged.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())) {
    const date = zonedDate(slot.startsAt, tz);
    const list = days.get(date);
    if (list) list.push(slot);
    else days.set(date, [slot]);
  }
  return days;
}

/** The providers a choice stands for: one, or everyone offering the service there. */
export function chosenProviderIds(offer: OfferContext, providerId: string | 'any'): string[] {
  return providerId === 'any' ? offer.providers.map((p) => p.id) : [providerId];
}

/**
 * The local dates of `month` (YYYY-MM, the location's calendar) with at least one free time for
 * the service at the location with the provider (or anyone). A month outside the notice and the
 * horizon, or not a month, has none. One read of the calendars, then each provider is asked only
 * about the dates nobody before them was free on, a week at a time with that week's visits: the
 * slot engine's cost grows with times × visits, and "anyone" over a busy clinic stays cheap.
 */
export async function freeDaysInMonth(db: Executor, ctx: PortalContext, input: OfferQuery & { month: string }): Promise<string[]> {
  if (!isMonth(input.month)) return [];
  const offer = await loadOfferContext(db, ctx, input);
  const first = `${input.month}-01` < offer.firstDate ? offer.firstDate : `${input.month}-01`;
  const last = lastDateOf(input.month) > offer.lastDate ? offer.lastDate : lastDateOf(input.month);
  const providers = offer.providers.filter((p) => chosenProviderIds(offer, input.providerId).includes(p.id));
  if (first > last || providers.length === 0) return [];
  const tz = offer.timeZone;
  const midnight = (date: string) => (existingZonedInstant(date, 0, tz) ?? zonedInstant(date, '00:00', tz)).getTime();
  const margin = (offer.settings.bufferMinutes + offer.durationMinutes) * 60_000;
  const calendars = await loadProviderCalendars(db, ctx.tenant.id, {
    providerIds: providers.map((p) => p.id), locationId: offer.locationId,
    from: new Date(midnight(first) - margin), to: new Date(midnight(addDays(last, 1)) + margin),
  });
  const dates: string[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) dates.push(date);
  const free = new Set<string>();
  for (const provider of providers) {
    const calendar = calendars.get(provider.id)!;
    for (const run of weekRuns(dates.filter((date) => !free.has(date)))) {
      const from = midnight(run[0]!);
      const to = midnight(addDays(run.at(-1)!, 1));
      const near = <T extends { startsAt: Date; endsAt: Date }>(list: T[]) =>
        list.filter((i) => i.startsAt.getTime() < to + margin && i.endsAt.getTime() > from - margin);
      const slots = computeFreeSlots({
        rules: calendar.rules, timeOff: near(calendar.timeOff), busy: near(calendar.busy),
        service: { durationMinutes: offer.durationMinutes }, location: { timeZone: tz }, settings: offer.settings,
        from: new Date(from), to: new Date(to), now: offer.now,
      });
      for (const slot of slots) free.add(zonedDate(slot.startsAt, tz));
    }
  }
  return dates.filter((date) => free.has(date));
}

/** Dates in order cut into runs of consecutive days, at most a week long. */
function weekRuns(dates: readonly string[]): string[][] {
  const runs: string[][] = [];
  for (const date of dates) {
    const run = runs.at(-1);
    if (run && run.length < 7 && addDays(run.at(-1)!, 1) === date) run.push(date);
    else runs.push([date]);
  }
  return runs;
}
