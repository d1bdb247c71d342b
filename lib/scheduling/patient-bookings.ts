import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, locations, services, staffUsers, tenantSettings } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { portalAreaOpen } from '@/lib/access/linked-patients';
import { now as clockNow } from '@/lib/clock';
import { portalTextScope, type ClinicTextScope } from '@/lib/i18n/clinic-text-sql';
import { isUuid } from '@/lib/kernel/ids';
import {
  bookAppointment, cancelAppointment, patientChangeDeadline, patientChangeRefusal, rescheduleAppointment,
  type BookingResult, type ChangeResult, type RescheduleResult,
} from './booking';
import { findFreeSlots } from './find-slots';
import { portalVisitColumns, toPortalVisit, visitWhenCondition } from './portal-visits';
import type { BookingVisit } from './visit-display';

/**
 * A patient's own bookings from the portal: the visits they may still change, and booking,
 * moving and cancelling them for the patient the session acts for (through booking.ts, which
 * applies the clinic's rules for both audiences). Another patient's visit is not-found.
 */

async function windowHoursOf(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db.select({ hours: tenantSettings.cancellationWindowHours }).from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId));
  return row?.hours ?? 24;
}

/** portalVisitQuery's visit, with what a change needs: the ids to book again and whom to call. */
function visitQuery(db: Executor, text: ClinicTextScope) {
  return db
    .select({
      ...portalVisitColumns(text),
      serviceId: appointments.serviceId, locationId: appointments.locationId, providerId: appointments.providerId, locationPhone: locations.phone,
      confirmedAt: appointments.confirmedAt,
    })
    .from(appointments)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)));
}

type VisitRow = Awaited<ReturnType<ReturnType<typeof visitQuery>['where']>>[number];

function toBookingVisit(row: VisitRow, at: Date, windowHours: number): BookingVisit {
  const { serviceId, locationId, providerId, locationPhone, confirmedAt, ...visit } = row;
  const changeUntil = patientChangeDeadline(visit.startsAt, windowHours);
  // The same rule booking.ts applies when the change is made.
  const changeable = patientChangeRefusal(visit, windowHours, at) === null;
  return { ...toPortalVisit(visit, at), serviceId, locationId, providerId, locationPhone, confirmedAt, changeUntil, changeable, windowHours };
}

const own = (ctx: PortalContext) => ({ tenantId: ctx.tenant.id, patientId: ctx.patient.id });

/** The selected patient's current and upcoming visits, soonest first, with whether each can still be changed. */
export async function listBookingVisits(db: Executor, ctx: PortalContext, limit = 50): Promise<BookingVisit[]> {
  if (!isUuid(ctx.tenant.id) || !isUuid(ctx.patient.id) || !(await portalAreaOpen(db, ctx, 'bookings'))) return [];
  const at = clockNow();
  const [rows, windowHours] = await Promise.all([
    visitQuery(db, portalTextScope(ctx)).where(visitWhenCondition(own(ctx), 'upcoming', at)).orderBy(asc(appointments.startsAt), asc(appointments.id)).limit(limit),
    windowHoursOf(db, ctx.tenant.id),
  ]);
  return rows.map((r) => toBookingVisit(r, at, windowHours));
}

/** One upcoming visit of the selected patient; null for anyone else's, a past one, or a bad id. */
export async function getBookingVisit(db: Executor, ctx: PortalContext, appointmentId: string): Promise<BookingVisit | null> {
  if (!isUuid(ctx.tenant.id) || !isUuid(ctx.patient.id) || !isUuid(appointmentId)) return null;
  if (!(await portalAreaOpen(db, ctx, 'bookings'))) return null;
  const at = clockNow();
  const [[row], windowHours] = await Promise.all([
    visitQuery(db, portalTextScope(ctx)).where(and(visitWhenCondition(own(ctx), 'upcoming', at), eq(appointments.id, appointmentId))),
    windowHoursOf(db, ctx.tenant.id),
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
  ctx: PortalContext,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; startsAt: Date },
  attempt: (providerId: string) => Promise<R>,
): Promise<R | { ok: false; error: 'slot-taken' }> {
  if (input.providerId !== 'any') return attempt(input.providerId);
  const candidates = await freeProvidersAt(db, ctx.tenant.id, input);
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

/** Books for the patient the session acts for, with one provider or any. */
export function bookPortalVisit(
  db: Executor,
  ctx: PortalContext,
  input: { serviceId: string; locationId: string; providerId: string | 'any'; startsAt: Date },
) {
  return notFoundAsResult(() => withAnyProvider(db, ctx, input, (providerId) => bookAppointment(db, ctx, {
    patientId: ctx.patient.id, serviceId: input.serviceId, locationId: input.locationId, providerId, startsAt: input.startsAt,
  })));
}

/**
 * Moves a visit of the patient in the session to a new time, same service and location. The
 * visit must be this patient's: anyone else's answers not-found before anything is looked at.
 */
export async function reschedulePortalVisit(
  db: Executor,
  ctx: PortalContext,
  appointmentId: string,
  input: { providerId: string | 'any'; startsAt: Date },
): Promise<RescheduleResult | { ok: false; error: 'not-found' }> {
  const visit = await getBookingVisit(db, ctx, appointmentId);
  if (!visit) return { ok: false, error: 'not-found' };
  const target = { serviceId: visit.serviceId, locationId: visit.locationId, providerId: input.providerId, startsAt: input.startsAt };
  return notFoundAsResult(() => withAnyProvider(db, ctx, target, (providerId) => rescheduleAppointment(db, ctx, visit.id, {
    serviceId: visit.serviceId, locationId: visit.locationId, providerId, startsAt: input.startsAt,
  })));
}

export async function cancelPortalVisit(
  db: Executor,
  ctx: PortalContext,
  appointmentId: string,
  reason: string,
): Promise<ChangeResult | { ok: false; error: 'not-found' }> {
  const visit = await getBookingVisit(db, ctx, appointmentId);
  if (!visit) return { ok: false, error: 'not-found' };
  return notFoundAsResult(() => cancelAppointment(db, ctx, visit.id, reason));
}
