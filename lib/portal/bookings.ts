import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, availabilityRules, locations, providerServices, services, staffUsers, tenantSettings } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { now as clockNow } from '@/lib/clock';
import {
  bookAppointment, cancelAppointment, rescheduleAppointment,
  type BookingResult, type ChangeResult, type PortalSchedulingActor, type RescheduleResult,
} from '@/lib/scheduling/booking';
import { findFreeSlots, loadBookingContext, offeringProviders, type OpenSlot } from '@/lib/scheduling/find-slots';
import { bookableRange } from '@/lib/scheduling/slots';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { isUuid } from '@/lib/settings/ids';
import { portalVisitColumns, toPortalVisit, visitWhenCondition, type PortalVisit } from './visits';

/**
 * The portal's booking flow: what a patient may choose (only what can actually be booked online),
 * a week of free times, and the visits they may still change. Every id that arrives from a URL
 * or a form is checked here against the clinic; a bad one means "not chosen", never an error.
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

export async function listBookableLocations(db: Executor, tenantId: string): Promise<BookableLocation[]> {
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

export async function listBookableServices(db: Executor, tenantId: string, locationId: string): Promise<BookableService[]> {
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
  tenantId: string,
  raw: { location?: string; service?: string; provider?: string },
): Promise<BookingChoice> {
  const all = await listBookableLocations(db, tenantId);
  const location = all.length === 1 ? all[0]! : all.find((l) => l.id === raw.location) ?? null;
  const empty = { locations: all, location, services: [], service: null, providers: [], provider: null };
  if (!location) return empty;
  const offered = await listBookableServices(db, tenantId, location.id);
  const service = offered.find((s) => s.id === raw.service) ?? null;
  if (!service) return { ...empty, services: offered };
  const providers = await offeringProviders(db, tenantId, service.id, location.id, 'any');
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
  tenantId: string,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; week?: string | null },
): Promise<BookingWeek> {
  const { location, service, settings } = await loadBookingContext(db, tenantId, { ...input, audience: 'patient' });
  const tz = location.timeZone;
  const { earliest, latest } = bookableRange(clockNow(), settings);
  const first = zonedDate(earliest, tz);
  const last = zonedDate(latest, tz);
  const wanted = input.week && /^\d{4}-\d{2}-\d{2}$/.test(input.week) && addDays(input.week, 0) === input.week ? input.week : first;
  const start = wanted < first ? first : wanted > last ? last : wanted;
  const end = addDays(start, WEEK_DAYS);
  const free = await findFreeSlots(db, tenantId, {
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

export interface PortalBookingScope {
  tenantId: string;
  patientId: string;
}

export interface BookingVisit extends PortalVisit {
  serviceId: string;
  locationId: string;
  providerId: string;
  locationPhone: string | null;
  /** Patients may change or cancel until this instant (the clinic's window before the start). */
  changeUntil: Date;
  changeable: boolean;
  windowHours: number;
}

async function windowHoursOf(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db.select({ hours: tenantSettings.cancellationWindowHours }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row?.hours ?? 24;
}

function visitQuery(db: Executor) {
  return db
    .select({
      ...portalVisitColumns(),
      serviceId: appointments.serviceId, locationId: appointments.locationId, providerId: appointments.providerId, locationPhone: locations.phone,
    })
    .from(appointments)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)));
}

type VisitRow = Awaited<ReturnType<ReturnType<typeof visitQuery>['where']>>[number];

function toBookingVisit(row: VisitRow, at: Date, windowHours: number): BookingVisit {
  const { serviceId, locationId, providerId, locationPhone, ...visit } = row;
  const changeUntil = new Date(visit.startsAt.getTime() - windowHours * 3_600_000);
  // The same rule booking.ts applies when the change is made.
  const changeable = visit.status === 'booked' && at.getTime() <= changeUntil.getTime();
  return { ...toPortalVisit(visit, at), serviceId, locationId, providerId, locationPhone, changeUntil, changeable, windowHours };
}

/** The selected patient's current and upcoming visits, soonest first, with whether each can still be changed. */
export async function listBookingVisits(db: Executor, scope: PortalBookingScope, limit = 50): Promise<BookingVisit[]> {
  if (!isUuid(scope.tenantId) || !isUuid(scope.patientId)) return [];
  const at = clockNow();
  const [rows, windowHours] = await Promise.all([
    visitQuery(db).where(visitWhenCondition(scope, 'upcoming', at)).orderBy(asc(appointments.startsAt), asc(appointments.id)).limit(limit),
    windowHoursOf(db, scope.tenantId),
  ]);
  return rows.map((r) => toBookingVisit(r, at, windowHours));
}

/** One upcoming visit of the selected patient; null for anyone else's, a past one, or a bad id. */
export async function getBookingVisit(db: Executor, scope: PortalBookingScope, appointmentId: string): Promise<BookingVisit | null> {
  if (!isUuid(scope.tenantId) || !isUuid(scope.patientId) || !isUuid(appointmentId)) return null;
  const at = clockNow();
  const [[row], windowHours] = await Promise.all([
    visitQuery(db).where(and(visitWhenCondition(scope, 'upcoming', at), eq(appointments.id, appointmentId))),
    windowHoursOf(db, scope.tenantId),
  ]);
  return row ? toBookingVisit(row, at, windowHours) : null;
}

export type PortalBookingError = 'not-found' | Exclude<BookingResult, { ok: true }>['error'];

/** Providers free at exactly this start, in the order the week view shows them. */
async function freeProvidersAt(db: Executor, tenantId: string, input: { serviceId: string; locationId: string; startsAt: Date }) {
  const free = await findFreeSlots(db, tenantId, {
    serviceId: input.serviceId, locationId: input.locationId, providerId: 'any', audience: 'patient',
    from: input.startsAt, to: new Date(input.startsAt.getTime() + 1),
  });
  return free.days.flatMap((d) => d.slots).find((s) => s.startsAt.getTime() === input.startsAt.getTime())?.providers ?? [];
}

/**
 * "Any provider": tries each provider free at that time until one booking holds, so losing a race
 * to one provider's last slot does not fail a patient who did not care who they see.
 */
async function withAnyProvider<R extends { ok: boolean; error?: string }>(
  db: Executor,
  actor: PortalSchedulingActor,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; startsAt: Date },
  attempt: (providerId: string) => Promise<R>,
): Promise<R | { ok: false; error: 'slot-taken' }> {
  if (input.providerId !== 'any') return attempt(input.providerId);
  const candidates = await freeProvidersAt(db, actor.tenantId, input);
  for (const provider of candidates) {
    const result = await attempt(provider.id);
    if (result.ok || result.error !== 'slot-taken') return result;
  }
  return { ok: false, error: 'slot-taken' };
}

function notFoundAsResult<R>(work: () => Promise<R>): Promise<R | { ok: false; error: 'not-found' }> {
  return work().catch((error: unknown) => {
    if (error instanceof NotFoundError) return { ok: false as const, error: 'not-found' as const };
    throw error;
  });
}

/** Books for the patient in the session (the actor), with one provider or any. */
export function bookPortalVisit(
  db: Executor,
  actor: PortalSchedulingActor,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; startsAt: Date },
) {
  return notFoundAsResult(() => withAnyProvider(db, actor, input, (providerId) => bookAppointment(db, actor, {
    patientId: actor.patientId, serviceId: input.serviceId, locationId: input.locationId, providerId, startsAt: input.startsAt,
  })));
}

/**
 * Moves a visit of the patient in the session to a new time, same service and location. The
 * visit must be this patient's: anyone else's answers not-found before anything is looked at.
 */
export async function reschedulePortalVisit(
  db: Executor,
  actor: PortalSchedulingActor,
  appointmentId: string,
  input: { providerId: string | 'any'; startsAt: Date },
): Promise<RescheduleResult | { ok: false; error: 'not-found' }> {
  const visit = await getBookingVisit(db, actor, appointmentId);
  if (!visit) return { ok: false, error: 'not-found' };
  const target = { serviceId: visit.serviceId, locationId: visit.locationId, providerId: input.providerId, startsAt: input.startsAt };
  return notFoundAsResult(() => withAnyProvider(db, actor, target, (providerId) => rescheduleAppointment(db, actor, visit.id, {
    serviceId: visit.serviceId, locationId: visit.locationId, providerId, startsAt: input.startsAt,
  })));
}

export async function cancelPortalVisit(
  db: Executor,
  actor: PortalSchedulingActor,
  appointmentId: string,
  reason: string,
): Promise<ChangeResult | { ok: false; error: 'not-found' }> {
  const visit = await getBookingVisit(db, actor, appointmentId);
  if (!visit) return { ok: false, error: 'not-found' };
  return notFoundAsResult(() => cancelAppointment(db, actor, visit.id, reason));
}

/** The zone to show times in: the patient's own if this runtime knows it, else the location's. */
export function displayZone(patientZone: string | null | undefined, locationZone: string): string {
  if (!patientZone) return locationZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: patientZone });
    return patientZone;
  } catch {
    return locationZone;
  }
}
