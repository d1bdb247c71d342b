import 'server-only';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { availabilityRules, locations, providerServices, services, staffUsers } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { localizedColumn, portalTextScope } from '@/lib/i18n/clinic-text-sql';
import { isUuid } from '@/lib/kernel/ids';
import { offeringProviders, type OpenSlot } from './find-slots';
import { chosenProviderIds, loadOfferContext, offersBetween, portalWaitlistOpen } from './free-days';
import { addMonths, isCalendarDate, isMonth, lastDateOf, monthOf } from './month-grid';
import { zonedDate } from './zoned-time';

/**
 * What a patient may book online in the portal's flow (only what can actually be booked), and a
 * month of free days with one day's free times. Every id that arrives from a URL or a form is
 * checked here against the clinic; a bad one means "not chosen", never an error.
 */

export interface BookableLocation {
  id: string;
  name: string;
  addressLine1: string;
  city: string;
  timeZone: string;
  phone: string | null;
  /** What to know before coming (parking, entrance), in the patient's language when translated. */
  notes: string | null;
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
  // Names, descriptions and notes in the patient's language when the clinic translated them.
  const text = portalTextScope(ctx);
  return db
    .selectDistinct({
      id: locations.id, name: localizedColumn(locations.name, locations.translations, 'name', text).as('name'), addressLine1: locations.addressLine1, city: locations.city,
      timeZone: locations.timeZone, phone: locations.phone, notes: localizedColumn<string | null>(locations.notes, locations.translations, 'notes', text),
    })
    .from(locations)
    .innerJoin(availabilityRules, and(eq(availabilityRules.tenantId, locations.tenantId), eq(availabilityRules.locationId, locations.id)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, availabilityRules.tenantId), eq(staffUsers.id, availabilityRules.providerId)))
    .innerJoin(providerServices, and(eq(providerServices.tenantId, staffUsers.tenantId), eq(providerServices.providerId, staffUsers.id)))
    .innerJoin(services, and(eq(services.tenantId, providerServices.tenantId), eq(services.id, providerServices.serviceId)))
    .where(and(...bookableConditions(tenantId)))
    // By the name as shown (a DISTINCT query orders by its output column "name").
    .orderBy(sql`"name"`, asc(locations.id));
}

export async function listBookableServices(db: Executor, ctx: PortalContext, locationId: string): Promise<BookableService[]> {
  const tenantId = ctx.tenant.id;
  if (!isUuid(tenantId) || !isUuid(locationId)) return [];
  const text = portalTextScope(ctx);
  return db
    .selectDistinct({
      id: services.id, name: localizedColumn(services.name, services.translations, 'name', text).as('name'),
      description: localizedColumn<string | null>(services.description, services.translations, 'description', text),
      durationMinutes: services.durationMinutes, isVideo: services.isVideo,
    })
    .from(services)
    .innerJoin(providerServices, and(eq(providerServices.tenantId, services.tenantId), eq(providerServices.serviceId, services.id)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, providerServices.tenantId), eq(staffUsers.id, providerServices.providerId)))
    .innerJoin(availabilityRules, and(eq(availabilityRules.tenantId, staffUsers.tenantId), eq(availabilityRules.providerId, staffUsers.id)))
    .innerJoin(locations, and(eq(locations.tenantId, availabilityRules.tenantId), eq(locations.id, availabilityRules.locationId)))
    .where(and(...bookableConditions(tenantId), eq(locations.id, locationId)))
    .orderBy(sql`"name"`, asc(services.id));
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

export interface BookingMonth {
  /** The month shown (YYYY-MM, the location's calendar), and its neighbours inside the notice and horizon. */
  month: string;
  previous: string | null;
  next: string | null;
  /** The location's date today, and the first and last dates a patient may book. */
  today: string;
  firstDate: string;
  lastDate: string;
  timeZone: string;
  durationMinutes: number;
  /** Dates of the month with a free time with the chosen provider (or anyone). */
  freeDays: string[];
  /** The day whose times are shown: the one asked for, else the month's first free day. */
  day: string | null;
  slots: OpenSlot[];
  /** The earliest free time with anyone offering the service there, up to the end of the month shown… */
  nextAvailable: OpenSlot | null;
  /** …and with the chosen provider (the same slot when the choice is "any"). */
  nextWithChosen: OpenSlot | null;
  /** The clinic lets patients join its waitlist from the portal. */
  waitlistOpen: boolean;
}

/**
 * A month of free days and one day's free times, kept inside what the clinic lets patients
 * book. With no month or day in the URL, the month and day of the first free time (months with
 * nothing free are skipped, up to the horizon). One read of the clinic's calendars covers the
 * first bookable day to the end of the month shown, so "next available" costs nothing more.
 */
export async function loadBookingMonth(
  db: Executor,
  ctx: PortalContext,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; month?: string | null; day?: string | null; slot?: string | null },
): Promise<BookingMonth> {
  const [offer, waitlistOpen] = await Promise.all([loadOfferContext(db, ctx, input), portalWaitlistOpen(db, ctx)]);
  const { firstDate, lastDate, timeZone } = offer;
  const firstMonth = monthOf(firstDate);
  const lastMonth = monthOf(lastDate);
  const slotAt = input.slot ? new Date(input.slot) : null;
  const asked = slotAt && !Number.isNaN(slotAt.getTime()) ? zonedDate(slotAt, timeZone) : isCalendarDate(input.day) ? input.day : null;
  const askedMonth = asked ? monthOf(asked) : isMonth(input.month) ? input.month : null;
  let month = askedMonth ? (askedMonth < firstMonth ? firstMonth : askedMonth > lastMonth ? lastMonth : askedMonth) : firstMonth;

  const everyone = chosenProviderIds(offer, 'any');
  const mine = (slots: OpenSlot[] | undefined) =>
    input.providerId === 'any' ? slots ?? [] : (slots ?? []).filter((s) => s.providers.some((p) => p.id === input.providerId));
  const days = await offersBetween(db, ctx, offer, everyone, firstDate, lastDateOf(month));
  const freeIn = (m: string) => [...days.keys()].filter((date) => monthOf(date) === m && mine(days.get(date)).length > 0);
  // Nothing asked for: move on to the first month with a free time with the chosen provider.
  while (!askedMonth && freeIn(month).length === 0 && month < lastMonth) {
    month = addMonths(month, 1);
    for (const [date, slots] of await offersBetween(db, ctx, offer, everyone, `${month}-01`, lastDateOf(month))) days.set(date, slots);
  }

  const freeDays = freeIn(month);
  const day = asked && monthOf(asked) === month && asked >= firstDate && asked <= lastDate ? asked : freeDays[0] ?? null;
  const dates = [...days.keys()].sort();
  const firstMine = dates.find((date) => mine(days.get(date)).length > 0);
  return {
    month,
    previous: month > firstMonth ? addMonths(month, -1) : null,
    next: month < lastMonth ? addMonths(month, 1) : null,
    today: zonedDate(offer.now, timeZone),
    firstDate, lastDate, timeZone, durationMinutes: offer.durationMinutes,
    freeDays, day,
    slots: day ? mine(days.get(day)) : [],
    nextAvailable: dates[0] ? days.get(dates[0])![0]! : null,
    nextWithChosen: firstMine ? mine(days.get(firstMine))[0]! : null,
    waitlistOpen,
  };
}

/** The open slot starting at `iso` among the day's, or null (taken meanwhile, or never offered). */
export function findSlotInDay(month: BookingMonth, iso: string | null | undefined): OpenSlot | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  return month.slots.find((slot) => slot.startsAt.getTime() === at) ?? null;
}
