import 'server-only';
import { and, asc, eq, gt, inArray, lt, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, availabilityRules, locations, providerServices, services, staffUsers, tenantSettings, timeOff } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { now as clockNow } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { computeFreeSlots, type BookingRules, type Interval, type WeeklyHours } from './slots';
import { zonedDate } from './zoned-time';

export interface SlotQuery {
  serviceId: string;
  locationId: string;
  providerId: string | 'any';
  from: Date;
  to: Date;
  /** Staff see staff-only services too; patients only those bookable online. */
  audience?: 'patient' | 'staff';
  stepMinutes?: number;
}

export interface SlotProvider {
  id: string;
  name: string;
}

export interface OpenSlot {
  startsAt: Date;
  endsAt: Date;
  /** Who is free at this time ('any' merges providers). */
  providers: SlotProvider[];
}

export interface SlotDay {
  /** The location's local date, YYYY-MM-DD. */
  date: string;
  slots: OpenSlot[];
}

export interface FreeSlots {
  timeZone: string;
  durationMinutes: number;
  days: SlotDay[];
}

/** The most a query may span: a booking horizon is at most this in practice, and it bounds the work. */
const MAX_RANGE_DAYS = 93;

/** The service, location and clinic rules for a booking; not-found for another clinic's ids. */
export async function loadBookingContext(
  db: Executor,
  tenantId: string,
  input: { serviceId: string; locationId: string; audience: 'patient' | 'staff' },
) {
  if (!isUuid(input.serviceId)) throw new NotFoundError('service');
  if (!isUuid(input.locationId)) throw new NotFoundError('location');
  const [[service], [location], [settings]] = await Promise.all([
    db.select({ id: services.id, name: services.name, durationMinutes: services.durationMinutes, bookableOnline: services.bookableOnline, active: services.active, isVideo: services.isVideo })
      .from(services).where(and(eq(services.tenantId, tenantId), eq(services.id, input.serviceId))),
    db.select({ id: locations.id, name: locations.name, timeZone: locations.timeZone, active: locations.active })
      .from(locations).where(and(eq(locations.tenantId, tenantId), eq(locations.id, input.locationId))),
    db.select({
      minNoticeMinutes: tenantSettings.minNoticeMinutes, bookingHorizonDays: tenantSettings.bookingHorizonDays,
      bufferMinutes: tenantSettings.bufferMinutes, cancellationWindowHours: tenantSettings.cancellationWindowHours,
    }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId)),
  ]);
  // A staff-only service does not exist as far as the portal is concerned.
  if (!service || !service.active || (input.audience === 'patient' && !service.bookableOnline)) throw new NotFoundError('service');
  if (!location || !location.active) throw new NotFoundError('location');
  if (!settings) throw new Error('scheduling: clinic has no settings row');
  return { service, location, settings };
}

/** Active providers offering the service who have hours at the location (optionally one of them). */
export async function offeringProviders(db: Executor, tenantId: string, serviceId: string, locationId: string, providerId: string | 'any') {
  if (providerId !== 'any' && !isUuid(providerId)) throw new NotFoundError('provider');
  const rows = await db
    .selectDistinct({ id: staffUsers.id, name: staffUsers.fullName })
    .from(providerServices)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, providerServices.tenantId), eq(staffUsers.id, providerServices.providerId)))
    .innerJoin(availabilityRules, and(
      eq(availabilityRules.tenantId, providerServices.tenantId),
      eq(availabilityRules.providerId, providerServices.providerId),
      eq(availabilityRules.locationId, locationId),
    ))
    .where(and(
      eq(providerServices.tenantId, tenantId),
      eq(providerServices.serviceId, serviceId),
      eq(staffUsers.isProvider, true),
      eq(staffUsers.status, 'active'),
      ...(providerId === 'any' ? [] : [eq(providerServices.providerId, providerId)]),
    ))
    .orderBy(asc(staffUsers.fullName));
  return rows;
}

/**
 * Hours at the location, time off and active appointments (anywhere: a provider is in one place
 * at a time) of several providers over a window: three queries whatever the window's length.
 */
export async function loadProviderCalendars(
  db: Executor,
  tenantId: string,
  input: { providerIds: string[]; locationId: string; from: Date; to: Date; excludeAppointmentId?: string },
) {
  const byProvider = new Map<string, { rules: WeeklyHours[]; timeOff: Interval[]; busy: Interval[] }>(
    input.providerIds.map((id) => [id, { rules: [], timeOff: [], busy: [] }]),
  );
  if (input.providerIds.length === 0) return byProvider;
  const [rules, off, busy] = await Promise.all([
    db.select({ providerId: availabilityRules.providerId, weekday: availabilityRules.weekday, startTime: availabilityRules.startTime, endTime: availabilityRules.endTime })
      .from(availabilityRules)
      .where(and(eq(availabilityRules.tenantId, tenantId), eq(availabilityRules.locationId, input.locationId), inArray(availabilityRules.providerId, input.providerIds))),
    db.select({ providerId: timeOff.providerId, startsAt: timeOff.startsAt, endsAt: timeOff.endsAt })
      .from(timeOff)
      .where(and(eq(timeOff.tenantId, tenantId), inArray(timeOff.providerId, input.providerIds), lt(timeOff.startsAt, input.to), gt(timeOff.endsAt, input.from))),
    db.select({ id: appointments.id, providerId: appointments.providerId, startsAt: appointments.startsAt, endsAt: appointments.endsAt })
      .from(appointments)
      .where(and(
        eq(appointments.tenantId, tenantId), inArray(appointments.providerId, input.providerIds), ne(appointments.status, 'cancelled'),
        lt(appointments.startsAt, input.to), gt(appointments.endsAt, input.from),
      )),
  ]);
  for (const r of rules) byProvider.get(r.providerId)?.rules.push(r);
  for (const t of off) byProvider.get(t.providerId)?.timeOff.push(t);
  for (const b of busy) if (b.id !== input.excludeAppointmentId) byProvider.get(b.providerId)?.busy.push(b);
  return byProvider;
}

/**
 * Free slots for a service at a location, for one provider or any, grouped by the location's
 * local date. Not-found for another clinic's ids, an inactive service or location, or (for
 * patients) a staff-only service.
 */
export async function findFreeSlots(db: Executor, tenantId: string, query: SlotQuery): Promise<FreeSlots> {
  const audience = query.audience ?? 'patient';
  const { service, location, settings } = await loadBookingContext(db, tenantId, { ...query, audience });
  const to = new Date(Math.min(query.to.getTime(), query.from.getTime() + MAX_RANGE_DAYS * 24 * 3_600_000));
  const result: FreeSlots = { timeZone: location.timeZone, durationMinutes: service.durationMinutes, days: [] };
  if (Number.isNaN(query.from.getTime()) || Number.isNaN(to.getTime()) || to <= query.from) return result;

  const providers = await offeringProviders(db, tenantId, service.id, location.id, query.providerId);
  if (query.providerId !== 'any' && providers.length === 0) throw new NotFoundError('provider');
  const rules: BookingRules = settings;
  // Appointments just outside the window still push their buffer into it.
  const margin = (rules.bufferMinutes + service.durationMinutes) * 60_000;
  const calendars = await loadProviderCalendars(db, tenantId, {
    providerIds: providers.map((p) => p.id), locationId: location.id,
    from: new Date(query.from.getTime() - margin), to: new Date(to.getTime() + margin),
  });

  const at = clockNow();
  const merged = new Map<number, OpenSlot>();
  for (const provider of providers) {
    const calendar = calendars.get(provider.id)!;
    const slots = computeFreeSlots({
      ...calendar, service, location, settings: rules, from: query.from, to, now: at, stepMinutes: query.stepMinutes,
    });
    for (const slot of slots) {
      const key = slot.startsAt.getTime();
      const open = merged.get(key) ?? { ...slot, providers: [] };
      open.providers.push({ id: provider.id, name: provider.name });
      merged.set(key, open);
    }
  }
  const days = new Map<string, OpenSlot[]>();
  for (const slot of [...merged.values()].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())) {
    const date = zonedDate(slot.startsAt, location.timeZone);
    days.set(date, [...(days.get(date) ?? []), slot]);
  }
  result.days = [...days].map(([date, slots]) => ({ date, slots }));
  return result;
}
