import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { availabilityRules, locations, providerServices, services, staffUsers } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { now as clockNow } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { findFreeSlots, loadBookingContext, offeringProviders, type OpenSlot } from './find-slots';
import { bookableRange } from './slots';
import { addDays, zonedDate, zonedInstant } from './zoned-time';

/**
 * What a patient may book online in the portal's flow (only what can actually be booked) and a
 * week of free times. Every id that arrives from a URL or a form is checked here against the
 * clinic; a bad one means "not chosen", never an error.
 */

export interface BookableLocation {
  id: string;
  name: string;
  addressLine1: string;
  city: string;
  timeZone: string;
  phone: string | null;
}

export interface BookableService {
  id: string;
  name: string;
  description: string | null;
  durationMinutes: number;
  isVideo: boolean;
}

export interface BookableProvider {
  id: string;
  name: string;
}

/** What a patient can book: an active online service, offered by an active provider with hours at an active location. */
function bookableConditions(tenantId: string) {
  return [
    eq(locations.tenantId, tenantId), eq(locations.active, true),
    eq(services.active, true), eq(services.bookableOnline, true),
    eq(staffUsers.isProvider, true), eq(staffUsers.status, 'active'),
  ];
}

export async function listBookableLocations(db: Executor, ctx: PortalContext): Promise<BookableLocation[]> {
  const tenantId = ctx.tenant.id;
  if (!isUuid(tenantId)) return [];
  return db
    .selectDistinct({
      id: locations.id, name: locations.name, addressLine1: locations.addressLine1, city: locations.city,
      timeZone: locations.timeZone, phone: locations.phone,
    })
    .from(locations)
    .innerJoin(availabilityRules, and(eq(availabilityRules.tenantId, locations.tenantId), eq(availabilityRules.locationId, locations.id)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, availabilityRules.tenantId), eq(staffUsers.id, availabilityRules.providerId)))
    .innerJoin(providerServices, and(eq(providerServices.tenantId, staffUsers.tenantId), eq(providerServices.providerId, staffUsers.id)))
    .innerJoin(services, and(eq(services.tenantId, providerServices.tenantId), eq(services.id, providerServices.serviceId)))
    .where(and(...bookableConditions(tenantId)))
    .orderBy(asc(locations.name), asc(locations.id));
}

export async function listBookableServices(db: Executor, ctx: PortalContext, locationId: string): Promise<BookableService[]> {
  const tenantId = ctx.tenant.id;
  if (!isUuid(tenantId) || !isUuid(locationId)) return [];
  return db
    .selectDistinct({
      id: services.id, name: services.name, description: services.description, durationMinutes: services.durationMinutes, isVideo: services.isVideo,
    })
    .from(services)
    .innerJoin(providerServices, and(eq(providerServices.tenantId, services.tenantId), eq(providerServices.serviceId, services.id)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, providerServices.tenantId), eq(staffUsers.id, providerServices.providerId)))
    .innerJoin(availabilityRules, and(eq(availabilityRules.tenantId, staffUsers.tenantId), eq(availabilityRules.providerId, staffUsers.id)))
    .innerJoin(locations, and(eq(locations.tenantId, availabilityRules.tenantId), eq(locations.id, availabilityRules.locationId)))
    .where(and(...bookableConditions(tenantId), eq(locations.id, locationId)))
    .orderBy(asc(services.name), asc(services.id));
}

export interface BookingChoice {
  locations: BookableLocation[];
  location: BookableLocation | null;
  services: BookableService[];
  service: BookableService | null;
  providers: BookableProvider[];
  provider: BookableProvider | 'any' | null;
}

/**
 * What the URL chose, kept only where it is still a valid choice: a location of this clinic
 * that can be booked, a service offered there, a provider offering it there (or "any").
 * With a single bookable location there is nothing to choose, so it is chosen.
 */
export async function resolveBookingChoice(
  db: Executor,
  ctx: PortalContext,
  raw: { location?: string; service?: string; provider?: string },
): Promise<BookingChoice> {
  const all = await listBookableLocations(db, ctx);
  const location = all.length === 1 ? all[0]! : all.find((l) => l.id === raw.location) ?? null;
  const empty = { locations: all, location, services: [], service: null, providers: [], provider: null };
  if (!location) return empty;
  const offered = await listBookableServices(db, ctx, location.id);
  const service = offered.find((s) => s.id === raw.service) ?? null;
  if (!service) return { ...empty, services: offered };
  const providers = await offeringProviders(db, ctx.tenant.id, service.id, location.id, 'any');
  const provider = raw.provider === 'any' ? 'any' : providers.find((p) => p.id === raw.provider) ?? null;
  return { locations: all, location, services: offered, service, providers, provider };
}

export const WEEK_DAYS = 7;

export interface BookingWeek {
  /** First local date shown (YYYY-MM-DD, the location's zone). */
  start: string;
  previous: string | null;
  next: string | null;
  timeZone: string;
  durationMinutes: number;
  /** Every date of the week, with its free slots (possibly none). */
  days: { date: string; slots: OpenSlot[] }[];
}

/**
 * Seven days of free times from `week` (a local date), kept inside what the clinic lets patients
 * book: no earlier than the notice allows, no later than the horizon.
 */
export async function loadBookingWeek(
  db: Executor,
  ctx: PortalContext,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; week?: string | null },
): Promise<BookingWeek> {
  const { location, service, settings } = await loadBookingContext(db, ctx.tenant.id, { ...input, audience: 'patient' });
  const tz = location.timeZone;
  const { earliest, latest } = bookableRange(clockNow(), settings);
  const first = zonedDate(earliest, tz);
  const last = zonedDate(latest, tz);
  const wanted = input.week && /^\d{4}-\d{2}-\d{2}$/.test(input.week) && addDays(input.week, 0) === input.week ? input.week : first;
  const start = wanted < first ? first : wanted > last ? last : wanted;
  const end = addDays(start, WEEK_DAYS);
  const free = await findFreeSlots(db, ctx.tenant.id, {
    serviceId: service.id, locationId: location.id, providerId: input.providerId, audience: 'patient',
    from: zonedInstant(start, '00:00', tz), to: zonedInstant(end, '00:00', tz),
  });
  const byDate = new Map(free.days.map((d) => [d.date, d.slots]));
  const days = Array.from({ length: WEEK_DAYS }, (_, i) => addDays(start, i)).map((date) => ({ date, slots: byDate.get(date) ?? [] }));
  const previousStart = addDays(start, -WEEK_DAYS);
  return {
    start,
    previous: start > first ? (previousStart < first ? first : previousStart) : null,
    next: end <= last ? end : null,
    timeZone: tz,
    durationMinutes: service.durationMinutes,
    days,
  };
}

/** The open slot starting at `iso` in this week, or null (taken meanwhile, or never offered). */
export function findSlotInWeek(week: BookingWeek, iso: string | null | undefined): OpenSlot | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  for (const day of week.days) for (const slot of day.slots) if (slot.startsAt.getTime() === at) return slot;
  return null;
}

/** The local date whose week holds an instant, to show fresh slots around a time that was lost. */
export function weekOf(instant: Date, timeZone: string): string {
  return zonedDate(instant, timeZone);
}
