import 'server-only';
import { and, asc, eq, gt, gte, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { appointments, availabilityRules, locations, patients, services, staffUsers, timeOff, type AppointmentStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { now as clockNow } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { RESCHEDULED_REASON } from './booking';
import { findFreeSlots, offeringProviders, type FreeSlots } from './find-slots';
import { parseSlotValue, slotOptions, type SlotOption } from './schedule-format';
import { existingZonedInstant } from './slots';
import { addDays, weekdayOf, zonedDate, zonedInstant, zonedTime } from './zoned-time';

/**
 * The staff schedule's read model: a clinic's appointments for one day or one week, for one
 * location or one provider, with the names staff need. Days are the view zone's calendar days
 * (the location's zone; for a provider, the zone of the first location they work at), so a
 * daylight-saving week is 167 or 169 hours long and still seven days.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => {
  const check = new Date(`${d}T12:00:00Z`);
  return !Number.isNaN(check.getTime()) && check.toISOString().startsWith(d) && d >= '2000-01-01' && d <= '2100-12-31';
});

/** URL search params of /emr/schedule; anything unreadable falls back to its default. */
export const scheduleParamsSchema = z.object({
  view: z.enum(['day', 'week']).catch('day'),
  by: z.enum(['location', 'provider']).catch('location'),
  date: isoDate.optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
  provider: z.uuid().optional().catch(undefined),
  /** What the last change did, for the notice after a redirect. */
  notice: z.enum(['booked', 'rescheduled', 'cancelled', 'completed', 'no_show']).optional().catch(undefined),
});
export type ScheduleParams = z.infer<typeof scheduleParamsSchema>;

export function parseScheduleParams(raw: Record<string, string | string[] | undefined>): ScheduleParams {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return scheduleParamsSchema.parse({
    view: first(raw.view), by: first(raw.by), date: first(raw.date), location: first(raw.location), provider: first(raw.provider),
    notice: first(raw.notice),
  });
}

/** Monday of the week holding `date`. */
export function weekStart(date: string): string {
  return addDays(date, -((weekdayOf(date) + 6) % 7));
}

/** The calendar days and the instants [from, to) a view covers in a zone. */
export function scheduleRange(view: 'day' | 'week', date: string, timeZone: string) {
  const first = view === 'week' ? weekStart(date) : date;
  const days = Array.from({ length: view === 'week' ? 7 : 1 }, (_, i) => addDays(first, i));
  return { days, from: zonedInstant(first, '00:00', timeZone), to: zonedInstant(addDays(first, days.length), '00:00', timeZone) };
}

export interface ScheduleAppointment {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  cancelReason: string | null;
  /** A cancelled visit that was moved: the visit that replaced it (null for moves made before it was kept). */
  movedTo: { id: string } | null;
  /** Cancelled by a move rather than a real cancellation. */
  moved: boolean;
  /** When the patient confirmed they will come (a reminder's link); null until then. */
  confirmedAt: Date | null;
  /** The view zone's calendar date of the start. */
  date: string;
  patient: { id: string; name: string; recordNumber: string };
  service: { id: string; name: string };
  provider: { id: string; name: string };
  location: { id: string; name: string; timeZone: string };
}

export interface ScheduleColumn {
  id: string;
  name: string;
}

/** A provider's working window at a location on one local day, as instants (the location's zone). */
export interface ScheduleHours {
  providerId: string;
  locationId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface ScheduleTimeOff {
  providerId: string;
  startsAt: Date;
  endsAt: Date;
  reason: string | null;
}

export interface ScheduleView {
  view: 'day' | 'week';
  by: 'location' | 'provider';
  date: string;
  today: string;
  days: string[];
  from: Date;
  to: Date;
  timeZone: string;
  location: { id: string; name: string; timeZone: string } | null;
  provider: { id: string; name: string } | null;
  locations: { id: string; name: string; timeZone: string }[];
  providers: { id: string; name: string }[];
  /** Day view: one column per provider (by location) or per location (by provider). */
  columns: ScheduleColumn[];
  appointments: ScheduleAppointment[];
  /** Working hours of the view's providers (at the location, or the provider's everywhere) around the view's days. */
  hours: ScheduleHours[];
  /** Time off of the same providers overlapping the view. */
  timeOff: ScheduleTimeOff[];
}

const appointmentColumns = {
  id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt, status: appointments.status,
  cancelReason: appointments.cancelReason, confirmedAt: appointments.confirmedAt, rescheduledToId: appointments.rescheduledToId,
  patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber,
  serviceId: services.id, serviceName: services.name, durationMinutes: services.durationMinutes,
  providerId: staffUsers.id, providerName: staffUsers.fullName,
  locationId: locations.id, locationName: locations.name, timeZone: locations.timeZone,
};

function appointmentQuery(db: Executor) {
  return db
    .select(appointmentColumns)
    .from(appointments)
    .innerJoin(patients, and(eq(patients.tenantId, appointments.tenantId), eq(patients.id, appointments.patientId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)));
}

type AppointmentRow = Awaited<ReturnType<ReturnType<typeof appointmentQuery>['where']>>[number];

function toAppointment(r: AppointmentRow, timeZone: string): ScheduleAppointment {
  return {
    id: r.id, startsAt: r.startsAt, endsAt: r.endsAt, status: r.status, cancelReason: r.cancelReason, confirmedAt: r.confirmedAt,
    movedTo: r.rescheduledToId ? { id: r.rescheduledToId } : null,
    moved: r.status === 'cancelled' && (r.rescheduledToId !== null || r.cancelReason === RESCHEDULED_REASON),
    date: zonedDate(r.startsAt, timeZone),
    patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}`, recordNumber: r.recordNumber },
    service: { id: r.serviceId, name: r.serviceName },
    provider: { id: r.providerId, name: r.providerName },
    location: { id: r.locationId, name: r.locationName, timeZone: r.timeZone },
  };
}

/** The schedule for the view in `params`; ids of other clinics are treated as absent. */
export async function loadSchedule(db: Executor, ctx: StaffContext, params: ScheduleParams): Promise<ScheduleView> {
  assertPermission(ctx, 'schedule.view');
  const tenantId = ctx.tenant.id;
  const [locationRows, providerRows] = await Promise.all([
    db.select({ id: locations.id, name: locations.name, timeZone: locations.timeZone }).from(locations)
      .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true))).orderBy(asc(locations.name)),
    db.select({ id: staffUsers.id, name: staffUsers.fullName }).from(staffUsers)
      .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.isProvider, true), eq(staffUsers.status, 'active')))
      .orderBy(asc(staffUsers.fullName)),
  ]);
  const location = params.by === 'location' ? (locationRows.find((l) => l.id === params.location) ?? locationRows[0] ?? null) : null;
  const provider = params.by === 'provider' ? (providerRows.find((p) => p.id === params.provider) ?? providerRows[0] ?? null) : null;

  // Weekly hours: the location's (every provider) or the provider's (every location); one query.
  const rules = location || provider
    ? await db.select({
      providerId: availabilityRules.providerId, locationId: availabilityRules.locationId, weekday: availabilityRules.weekday,
      startTime: availabilityRules.startTime, endTime: availabilityRules.endTime,
    }).from(availabilityRules).where(and(
      eq(availabilityRules.tenantId, tenantId),
      location ? eq(availabilityRules.locationId, location.id) : eq(availabilityRules.providerId, provider!.id),
    ))
    : [];
  // Where the provider works, for their columns and their zone.
  const providerLocations = provider ? locationRows.filter((l) => rules.some((r) => r.locationId === l.id)) : [];
  const timeZone = location?.timeZone ?? providerLocations[0]?.timeZone ?? locationRows[0]?.timeZone ?? 'UTC';
  const today = zonedDate(clockNow(), timeZone);
  const date = params.date ?? today;
  const { days, from, to } = scheduleRange(params.view, date, timeZone);

  const base = {
    view: params.view, by: params.by, date, today, days, from, to, timeZone, location, provider,
    locations: locationRows, providers: providerRows,
  };
  if (!location && !provider) return { ...base, columns: [], appointments: [], hours: [], timeOff: [] };

  const workingIds = location ? [...new Set(rules.map((r) => r.providerId))] : [provider!.id];
  const [rows, away] = await Promise.all([
    appointmentQuery(db)
      .where(and(
        eq(appointments.tenantId, tenantId),
        gte(appointments.startsAt, from),
        lt(appointments.startsAt, to),
        location ? eq(appointments.locationId, location.id) : eq(appointments.providerId, provider!.id),
      ))
      .orderBy(asc(appointments.startsAt), asc(staffUsers.fullName)),
    workingIds.length === 0 ? [] : db
      .select({ providerId: timeOff.providerId, startsAt: timeOff.startsAt, endsAt: timeOff.endsAt, reason: timeOff.reason })
      .from(timeOff)
      .where(and(eq(timeOff.tenantId, tenantId), inArray(timeOff.providerId, workingIds), lt(timeOff.startsAt, to), gt(timeOff.endsAt, from)))
      .orderBy(asc(timeOff.startsAt)),
  ]);
  const list = rows.map((r) => toAppointment(r, timeZone));
  const hours = hoursBetween(rules, locationRows, days, { from, to });

  const weekdays = new Set(days.map(weekdayOf));
  let columns: ScheduleColumn[];
  if (location) {
    columns = providerRows
      .filter((p) => rules.some((w) => w.providerId === p.id && weekdays.has(w.weekday)) || list.some((a) => a.provider.id === p.id))
      .map((p) => ({ id: p.id, name: p.name }));
    // Former providers keep their visits visible.
    for (const a of list) if (!columns.some((c) => c.id === a.provider.id)) columns.push({ id: a.provider.id, name: a.provider.name });
  } else {
    columns = locationRows
      .filter((l) => rules.some((r) => r.locationId === l.id && weekdays.has(r.weekday)) || list.some((a) => a.location.id === l.id))
      .map((l) => ({ id: l.id, name: l.name }));
    for (const a of list) if (!columns.some((c) => c.id === a.location.id)) columns.push({ id: a.location.id, name: a.location.name });
  }
  return { ...base, columns, appointments: list, hours, timeOff: away };
}

function minutesOf(time: string): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return hh * 60 + mm;
}

/**
 * Weekly wall-clock hours as instants in each rule's location zone, for the local dates around
 * the view (a day either side: another location's zone may put its day partly on the view's),
 * kept where they overlap the view.
 */
export function hoursBetween(
  rules: readonly { providerId: string; locationId: string; weekday: number; startTime: string; endTime: string }[],
  zones: readonly { id: string; timeZone: string }[],
  days: readonly string[],
  range: { from: Date; to: Date },
): ScheduleHours[] {
  const out: ScheduleHours[] = [];
  const first = addDays(days[0]!, -1);
  const last = addDays(days[days.length - 1]!, 1);
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const weekday = weekdayOf(date);
    for (const r of rules) {
      const zone = zones.find((z) => z.id === r.locationId)?.timeZone;
      if (!zone || r.weekday !== weekday) continue;
      const startsAt = existingZonedInstant(date, minutesOf(r.startTime), zone) ?? zonedInstant(date, r.startTime.slice(0, 5), zone);
      const endsAt = existingZonedInstant(date, minutesOf(r.endTime), zone) ?? zonedInstant(date, r.endTime.slice(0, 5), zone);
      if (endsAt <= startsAt || endsAt <= range.from || startsAt >= range.to) continue;
      out.push({ providerId: r.providerId, locationId: r.locationId, startsAt, endsAt });
    }
  }
  return out.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** One appointment of this clinic for the manage page; not-found for anything else. */
export async function getScheduleAppointment(db: Executor, ctx: StaffContext, appointmentId: string): Promise<ScheduleAppointment> {
  assertPermission(ctx, 'schedule.view');
  if (!isUuid(appointmentId)) throw new NotFoundError('appointment');
  const [row] = await appointmentQuery(db).where(and(eq(appointments.tenantId, ctx.tenant.id), eq(appointments.id, appointmentId)));
  if (!row) throw new NotFoundError('appointment');
  return toAppointment(row, row.timeZone);
}

/**
 * What staff may book: active locations, active services (staff-only ones too) and the providers
 * offering the chosen service at the chosen location. Unknown ids are dropped, not errors.
 */
export async function loadBookingChoices(db: Executor, ctx: StaffContext, input: { locationId?: string; serviceId?: string }) {
  assertPermission(ctx, 'schedule.manage');
  const tenantId = ctx.tenant.id;
  const [locationRows, serviceRows] = await Promise.all([
    db.select({ id: locations.id, name: locations.name, timeZone: locations.timeZone }).from(locations)
      .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true))).orderBy(asc(locations.name)),
    db.select({ id: services.id, name: services.name, durationMinutes: services.durationMinutes, bookableOnline: services.bookableOnline })
      .from(services).where(and(eq(services.tenantId, tenantId), eq(services.active, true))).orderBy(asc(services.name)),
  ]);
  const location = locationRows.find((l) => l.id === input.locationId) ?? null;
  const service = serviceRows.find((s) => s.id === input.serviceId) ?? null;
  const providers = location && service ? await offeringProviders(db, tenantId, service.id, location.id, 'any') : [];
  return { locations: locationRows, services: serviceRows, location, service, providers };
}

/** A patient of this clinic by id, for the booking form's chosen patient. */
export async function getBookingPatient(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'schedule.manage');
  if (!isUuid(patientId)) return null;
  const [row] = await db
    .select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber, dateOfBirth: patients.dateOfBirth })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  return row ?? null;
}

/**
 * Free slots (staff audience: staff-only services too) on one local day at a location. The wide
 * window is cut back to the location's calendar day, so no zone lookup is needed first. A
 * `stepMinutes` of 15 finds a time the calendar's empty cell offered off the service's grid.
 */
export async function freeSlotsForDay(
  db: Executor,
  ctx: StaffContext,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; day: string; stepMinutes?: number },
): Promise<FreeSlots> {
  assertPermission(ctx, 'schedule.manage');
  const noon = new Date(`${input.day}T12:00:00Z`).getTime();
  const free = await findFreeSlots(db, ctx.tenant.id, {
    serviceId: input.serviceId, locationId: input.locationId, providerId: input.providerId,
    from: new Date(noon - 27 * 3_600_000), to: new Date(noon + 27 * 3_600_000), audience: 'staff', stepMinutes: input.stepMinutes,
  });
  return { ...free, days: free.days.filter((d) => d.date === input.day) };
}

/**
 * The booking page's free times on a day. With `time` (a free cell chosen on the calendar, HH:MM
 * at the location) that time is preselected if it is still free for this service, added to the
 * list when it is off the service's grid (staff may book off-grid); else `missed` says so. Null
 * when the service or location cannot be booked.
 */
export async function bookingSlots(
  db: Executor,
  ctx: StaffContext,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; day: string; time?: string },
): Promise<{ slots: SlotOption[]; chosen: string | null; missed: boolean } | null> {
  const read = (stepMinutes?: number) => freeSlotsForDay(db, ctx, { ...input, stepMinutes }).catch((error: unknown) => {
    if (error instanceof NotFoundError) return null;
    throw error;
  });
  const free = await read();
  if (!free) return null;
  const slots = slotOptions(free, input.providerId);
  if (!input.time) return { slots, chosen: null, missed: false };
  const atTime = (o: SlotOption) => zonedTime(parseSlotValue(o.value)!.startsAt, free.timeZone) === input.time;
  const onGrid = slots.find(atTime);
  if (onGrid) return { slots, chosen: onGrid.value, missed: false };
  const fine = await read(15);
  const offGrid = fine ? slotOptions(fine, input.providerId).find(atTime) : undefined;
  if (!offGrid) return { slots, chosen: null, missed: true };
  // ISO values of one format sort by time.
  return { slots: [...slots, offGrid].sort((a, b) => (a.value < b.value ? -1 : 1)), chosen: offGrid.value, missed: false };
}

/**
 * The day's free times as the slot picker offers them, after a time was just taken. None when
 * they cannot be read: the form then says to choose another day, which is the right advice.
 */
export async function freshSlotChoices(
  db: Executor,
  ctx: StaffContext,
  input: { serviceId: string; locationId: string; providerChoice: string | 'any'; day: string },
): Promise<SlotOption[]> {
  return freeSlotsForDay(db, ctx, { serviceId: input.serviceId, locationId: input.locationId, providerId: input.providerChoice, day: input.day })
    .then((free) => slotOptions(free, input.providerChoice), () => []);
}

/**
 * What the calendar's Move dialog offers for a booked visit: the providers offering its service at
 * its location, and the chosen provider's free times on `day` (the visit's own provider, else the
 * first, when none or another is asked). No choices for a visit that is no longer booked.
 */
export async function moveChoices(
  db: Executor,
  ctx: StaffContext,
  input: { appointmentId: string; providerId?: string; day: string },
): Promise<{ providers: { id: string; name: string }[]; providerId: string | null; day: string; slots: SlotOption[] }> {
  assertPermission(ctx, 'schedule.manage');
  const a = await getScheduleAppointment(db, ctx, input.appointmentId);
  if (a.status !== 'booked') return { providers: [], providerId: null, day: input.day, slots: [] };
  const { providers } = await loadBookingChoices(db, ctx, { locationId: a.location.id, serviceId: a.service.id });
  const provider = providers.find((p) => p.id === input.providerId) ?? providers.find((p) => p.id === a.provider.id) ?? providers[0] ?? null;
  if (!provider) return { providers, providerId: null, day: input.day, slots: [] };
  const slots = await freeSlotsForDay(db, ctx, { serviceId: a.service.id, locationId: a.location.id, providerId: provider.id, day: input.day })
    .then((free) => slotOptions(free, provider.id), (error: unknown) => {
      if (error instanceof NotFoundError) return [];
      throw error;
    });
  return { providers, providerId: provider.id, day: input.day, slots };
}
