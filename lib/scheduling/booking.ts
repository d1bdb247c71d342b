import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor, Transaction } from '@/db/client';
import { appointments, patients, staffUsers, tenantSettings, type AppointmentStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit, type AuditRecord } from '@/lib/audit/record-audit';
import { assignBookingForms } from '@/lib/clinic-forms/assignments';
import { now as clockNow } from '@/lib/clock';
import { eventActorOf, recordEvent, type EventActor } from '@/lib/engagement/events';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { enqueueAppointmentNotification } from '@/lib/notifications/appointment-notifications';
import type { TenantRef } from '@/lib/tenancy/lookup';
import { offerFreedTimesSoon } from '@/lib/waitlist/wake';
import { loadBookingContext, loadProviderCalendars, offeringProviders } from './find-slots';
import { checkSlot, type SlotProblem } from './slots';
import { zonedDate } from './zoned-time';

/**
 * Booking, rescheduling and cancelling with the clinic's rules. Every change is one transaction
 * with its audit entry and its notifications. Two layers keep a provider from being double
 * booked: the provider's row is locked while a booking is checked (so the buffer rule holds under
 * concurrency too), and the EXCLUDE constraint appointments_no_overlap refuses any overlap that
 * gets past that anyway; both answer 'slot-taken', never an error.
 */

export const AppointmentAuditActions = {
  booked: 'appointment.booked',
  rescheduled: 'appointment.rescheduled',
  cancelled: 'appointment.cancelled',
  completed: 'appointment.completed',
  noShow: 'appointment.no_show',
  confirmed: 'appointment.confirmed',
} as const;

/** Staff, or a portal account acting for the patient selected in its session. */
export type SchedulingActor = StaffContext | PortalContext;

/**
 * Whoever holds a visit reminder's signed link (lib/scheduling/visit-link-actions.ts): the
 * patient, not signed in. It may act on the one appointment the link names, under the patients'
 * rules (the clinic's change window), and is recorded as the patient (no portal account).
 */
export interface VisitLinkActor {
  tenant: TenantRef;
  visitLink: { appointmentId: string };
  ip?: string | null;
  userAgent?: string | null;
}

/** Who may change an existing visit: the booking audiences, or a reminder's link (cancel only). */
export type ChangeActor = SchedulingActor | VisitLinkActor;

/**
 * Whoever holds a waitlist offer's signed link (lib/waitlist/offers.ts, which checked the link and
 * the offer): books the offered time for the offer's patient only, as whoever made the waitlist
 * entry could (a desk-made entry may be for a staff-only service), recorded as the patient by the link.
 */
export interface WaitlistOfferActor {
  tenant: TenantRef;
  waitlistOffer: { offerId: string; patientId: string; audience: 'patient' | 'staff' };
  ip?: string | null;
  userAgent?: string | null;
}

/** Who may book: the booking audiences, or a waitlist offer's link. */
export type BookingActor = SchedulingActor | WaitlistOfferActor;

export interface BookingInput {
  patientId: string;
  serviceId: string;
  locationId: string;
  providerId: string;
  startsAt: Date;
}

export type BookingError = SlotProblem | 'not-offered';

export type BookingResult =
  | { ok: true; appointment: { id: string; startsAt: Date; endsAt: Date } }
  | { ok: false; error: BookingError };

export type ChangeRefusal =
  | { ok: false; error: 'outside-window'; hoursBefore: number }
  | { ok: false; error: 'not-active'; status: AppointmentStatus }
  | { ok: false; error: 'reason-required' }
  | { ok: false; error: 'not-started' };

export type RescheduleResult = BookingResult | ChangeRefusal;
export type ChangeResult = { ok: true } | ChangeRefusal;

const CANCEL_REASON_MAX = 500;
export const RESCHEDULED_REASON = 'Rescheduled';

function isPortal(actor: ChangeActor | WaitlistOfferActor): actor is PortalContext {
  return 'account' in actor;
}

function isOfferLink(actor: ChangeActor | WaitlistOfferActor): actor is WaitlistOfferActor {
  return 'waitlistOffer' in actor;
}

function isVisitLink(actor: ChangeActor): actor is VisitLinkActor {
  return 'visitLink' in actor;
}

function tenantOf(actor: ChangeActor | WaitlistOfferActor): string {
  return actor.tenant.id;
}

/** The audit entry's actor for a reminder link: the patient, by the link (shown as its label). */
export function visitLinkAudit(actor: VisitLinkActor): Pick<AuditRecord, 'tenantId' | 'actor' | 'ip' | 'userAgent'> {
  return { tenantId: actor.tenant.id, actor: { kind: 'patient', id: null, label: 'Reminder link' }, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null };
}

/** The audit entry's actor for a waitlist offer's link: the patient, by the link. */
export function offerLinkAudit(actor: WaitlistOfferActor): Pick<AuditRecord, 'tenantId' | 'actor' | 'ip' | 'userAgent'> {
  return { tenantId: actor.tenant.id, actor: { kind: 'patient', id: null, label: 'Waitlist offer link' }, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null };
}

/** The event's actor for a reminder link: the patient, with no portal account to name. */
export const VISIT_LINK_EVENT_ACTOR: EventActor = { kind: 'patient', id: null };

function auditChange(tx: Executor, actor: ChangeActor, entry: Omit<AuditRecord, 'tenantId' | 'actor'>): Promise<void> {
  return isVisitLink(actor) ? recordAudit(tx, { ...entry, ...visitLinkAudit(actor) }) : recordAudit(tx, actor, entry);
}

function eventActorOfChange(actor: ChangeActor): EventActor {
  return isVisitLink(actor) ? VISIT_LINK_EVENT_ACTOR : eventActorOf(actor);
}

/** Carries a refusal out of a transaction so it rolls back; turned back into a result outside. */
class Refused extends Error {
  constructor(readonly result: Exclude<RescheduleResult, { ok: true }>) {
    super(result.error);
  }
}

async function inTransaction<T>(db: Executor, work: (tx: Transaction) => Promise<T>): Promise<T | Refused['result']> {
  try {
    return await db.transaction(work);
  } catch (error) {
    if (error instanceof Refused) return error.result;
    // The database refused an overlap another booking committed first.
    if (postgresErrorCode(error) === PG.exclusionViolation) return { ok: false, error: 'slot-taken' };
    throw error;
  }
}

/**
 * Staff need schedule.manage and may act for any patient of the clinic; a portal actor only for
 * the patient selected in the session, and only while the account's link still opens Bookings.
 * Anything else is not-found, so another patient's ids reveal nothing.
 */
async function assertMayActFor(db: Executor, actor: SchedulingActor, patientId: string): Promise<void> {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  if (isPortal(actor)) {
    if (patientId !== actor.patient.id) throw new NotFoundError('patient');
    await assertPortalArea(db, actor, 'bookings');
    return;
  }
  assertPermission(actor, 'schedule.manage');
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, actor.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

/** Who booked, as the appointment row records it (a waitlist link books as the patient). */
function bookedBy(actor: BookingActor): { bookedByKind: 'staff' | 'patient'; bookedById: string } {
  if (isOfferLink(actor)) return { bookedByKind: 'patient', bookedById: actor.waitlistOffer.patientId };
  return isPortal(actor) ? { bookedByKind: 'patient', bookedById: actor.account.id } : { bookedByKind: 'staff', bookedById: actor.actor.id };
}

/** Re-checks the slot against the rules with the provider locked, then inserts. */
async function insertBooking(tx: Executor, actor: BookingActor, input: BookingInput) {
  const tenantId = tenantOf(actor);
  if (!(input.startsAt instanceof Date) || Number.isNaN(input.startsAt.getTime())) throw new Refused({ ok: false, error: 'outside-hours' });
  const { service, location, settings } = await loadBookingContext(tx, tenantId, {
    serviceId: input.serviceId, locationId: input.locationId,
    audience: isOfferLink(actor) ? actor.waitlistOffer.audience : isPortal(actor) ? 'patient' : 'staff',
  });
  if (!isUuid(input.providerId)) throw new NotFoundError('provider');
  // Serialises bookings of one provider. NO KEY UPDATE does not block the FK checks of inserts.
  const [provider] = await tx
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.id, input.providerId), eq(staffUsers.isProvider, true)))
    .for('no key update');
  if (!provider) throw new NotFoundError('provider');
  const offering = await offeringProviders(tx, tenantId, service.id, location.id, provider.id);
  if (offering.length === 0) throw new Refused({ ok: false, error: 'not-offered' });

  const startsAt = input.startsAt;
  const endsAt = new Date(startsAt.getTime() + service.durationMinutes * 60_000);
  const margin = settings.bufferMinutes * 60_000;
  const calendar = (await loadProviderCalendars(tx, tenantId, {
    providerIds: [provider.id], locationId: location.id,
    from: new Date(startsAt.getTime() - margin), to: new Date(endsAt.getTime() + margin),
  })).get(provider.id)!;
  const problem = checkSlot({ ...calendar, service, location, settings, now: clockNow(), startsAt });
  if (problem) throw new Refused({ ok: false, error: problem });

  const [row] = await tx
    .insert(appointments)
    .values({
      tenantId, patientId: input.patientId, providerId: provider.id, serviceId: service.id, locationId: location.id,
      startsAt, endsAt, status: 'booked', ...bookedBy(actor),
    })
    .returning({ id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt });
  return { appointment: row!, service, location };
}

/**
 * Books in one transaction with its audit entry, event, confirmation and forms. Given a
 * transaction (a waitlist acceptance), the booking is a savepoint in it: a refusal or a lost race
 * rolls back the booking only, and the caller's transaction goes on to say so.
 */
export async function bookAppointment(db: Executor, actor: BookingActor, input: BookingInput): Promise<BookingResult> {
  const tenantId = tenantOf(actor);
  if (!isOfferLink(actor)) await assertMayActFor(db, actor, input.patientId);
  else if (input.patientId !== actor.waitlistOffer.patientId) throw new NotFoundError('patient');
  const result = await inTransaction(db, async (tx) => {
    const { appointment, service, location } = await insertBooking(tx, actor, input);
    const entry = {
      action: AppointmentAuditActions.booked, patientId: input.patientId,
      target: { type: 'appointment', id: appointment.id },
      details: { after: { startsAt: appointment.startsAt.toISOString(), providerId: input.providerId, service: service.name, location: location.name } },
    };
    if (isOfferLink(actor)) await recordAudit(tx, { ...entry, ...offerLinkAudit(actor) });
    else await recordAudit(tx, actor, entry);
    await recordEvent(tx, tenantId, {
      name: 'appointment.booked', patientId: input.patientId, actor: isOfferLink(actor) ? VISIT_LINK_EVENT_ACTOR : eventActorOf(actor),
      subject: { appointmentId: appointment.id, serviceId: service.id, locationId: location.id, providerId: input.providerId },
    });
    await enqueueAppointmentNotification(tx, { tenantId, appointmentId: appointment.id, kind: 'confirmed' });
    // The service's required forms, due on the visit's date (skipped when already open).
    await assignBookingForms(tx, isOfferLink(actor) ? { kind: 'system', tenant: actor.tenant } : actor, {
      patientId: input.patientId, serviceId: service.id, appointmentId: appointment.id, dueOn: zonedDate(appointment.startsAt, location.timeZone),
    });
    return { ok: true as const, appointment };
  });
  return result as BookingResult;
}

/** The appointment, locked, if this actor may see it; not-found otherwise. */
async function lockAppointment(tx: Executor, actor: ChangeActor, appointmentId: string) {
  if (!isUuid(appointmentId)) throw new NotFoundError('appointment');
  // A link reaches only the appointment its signed token names (the signature is checked by the caller).
  if (isVisitLink(actor) && appointmentId !== actor.visitLink.appointmentId) throw new NotFoundError('appointment');
  const [row] = await tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.tenantId, tenantOf(actor)), eq(appointments.id, appointmentId)))
    .for('update');
  if (!row) throw new NotFoundError('appointment');
  if (!isVisitLink(actor)) await assertMayActFor(tx, actor, row.patientId);
  return row;
}

/** Until when a patient may change or cancel a visit: the clinic's window before its start. */
export function patientChangeDeadline(startsAt: Date, windowHours: number): Date {
  return new Date(startsAt.getTime() - windowHours * 3_600_000);
}

/**
 * The patients' rule (the portal's bookings and a reminder's link): a booked visit, until the
 * clinic's window before its start. Null when the change is allowed at `at`.
 */
export function patientChangeRefusal(row: { status: AppointmentStatus; startsAt: Date }, windowHours: number, at: Date): ChangeRefusal | null {
  if (row.status !== 'booked') return { ok: false, error: 'not-active', status: row.status };
  if (at.getTime() > patientChangeDeadline(row.startsAt, windowHours).getTime()) return { ok: false, error: 'outside-window', hoursBefore: windowHours };
  return null;
}

/** Patients change or cancel only until the clinic's window before the visit; staff always. */
async function assertChangeAllowed(tx: Executor, actor: ChangeActor, row: { status: AppointmentStatus; startsAt: Date }) {
  if (row.status !== 'booked') throw new Refused({ ok: false, error: 'not-active', status: row.status });
  if (!isPortal(actor) && !isVisitLink(actor)) return;
  const { settings } = await loadSettings(tx, actor.tenant.id);
  const refusal = patientChangeRefusal(row, settings.cancellationWindowHours, clockNow());
  if (refusal) throw new Refused(refusal);
}

async function loadSettings(tx: Executor, tenantId: string) {
  const [settings] = await tx
    .select({ cancellationWindowHours: tenantSettings.cancellationWindowHours })
    .from(tenantSettings)
    .where(eq(tenantSettings.tenantId, tenantId));
  if (!settings) throw new Error('scheduling: clinic has no settings row');
  return { settings };
}

function cleanReason(reason: string): string | null {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  return trimmed ? trimmed.slice(0, CANCEL_REASON_MAX) : null;
}

/**
 * Moves a visit in one transaction: the old one is cancelled ('Rescheduled') and the new one
 * booked; if the new one cannot be booked, the whole transaction rolls back and the old one
 * stands ("the old slot is released only if the new one is taken"). Cancelling first, inside the
 * transaction, lets the new time overlap the old one of the same provider (moving 15 minutes
 * later) without the EXCLUDE constraint refusing it; nobody else sees the old slot free unless
 * the move commits.
 */
export async function rescheduleAppointment(
  db: Executor,
  actor: SchedulingActor,
  appointmentId: string,
  input: { serviceId?: string; locationId: string; providerId: string; startsAt: Date },
): Promise<RescheduleResult> {
  const tenantId = tenantOf(actor);
  return inTransaction(db, async (tx) => {
    const old = await lockAppointment(tx, actor, appointmentId);
    await assertChangeAllowed(tx, actor, old);
    const at = clockNow();
    await tx
      .update(appointments)
      .set({ status: 'cancelled', cancelReason: RESCHEDULED_REASON, cancelledAt: at, updatedAt: at })
      .where(and(eq(appointments.tenantId, tenantId), eq(appointments.id, old.id)));
    const { appointment, service, location } = await insertBooking(tx, actor, {
      patientId: old.patientId, serviceId: input.serviceId ?? old.serviceId, locationId: input.locationId,
      providerId: input.providerId, startsAt: input.startsAt,
    });
    // The old visit points at its replacement, so History says "Moved to …" rather than "Cancelled".
    await tx
      .update(appointments)
      .set({ rescheduledToId: appointment.id })
      .where(and(eq(appointments.tenantId, tenantId), eq(appointments.id, old.id)));
    await recordAudit(tx, actor, {
      action: AppointmentAuditActions.rescheduled, patientId: old.patientId,
      target: { type: 'appointment', id: appointment.id },
      details: {
        previousAppointmentId: old.id,
        before: { startsAt: old.startsAt.toISOString(), providerId: old.providerId, locationId: old.locationId, serviceId: old.serviceId },
        after: { startsAt: appointment.startsAt.toISOString(), providerId: input.providerId, locationId: input.locationId, serviceId: input.serviceId ?? old.serviceId },
      },
    });
    await recordEvent(tx, tenantId, {
      name: 'appointment.rescheduled', patientId: old.patientId, actor: eventActorOf(actor),
      subject: { appointmentId: appointment.id, previousAppointmentId: old.id, serviceId: service.id, locationId: location.id, providerId: input.providerId },
    });
    await enqueueAppointmentNotification(tx, { tenantId, appointmentId: old.id, kind: 'cancelled' });
    await enqueueAppointmentNotification(tx, { tenantId, appointmentId: appointment.id, kind: 'confirmed' });
    offerFreedTimesSoon(tenantId); // the old time may suit someone on the waitlist (after the response)
    return { ok: true as const, appointment };
  });
}

/** Cancels with a required reason; patients (in the portal or by a reminder's link) only inside the clinic's window. */
export async function cancelAppointment(db: Executor, actor: ChangeActor, appointmentId: string, reason: string): Promise<ChangeResult> {
  const tenantId = tenantOf(actor);
  const text = cleanReason(reason);
  const result = await inTransaction(db, async (tx) => {
    const row = await lockAppointment(tx, actor, appointmentId);
    if (!text) throw new Refused({ ok: false, error: 'reason-required' });
    await assertChangeAllowed(tx, actor, row);
    const at = clockNow();
    await tx
      .update(appointments)
      .set({ status: 'cancelled', cancelReason: text, cancelledAt: at, updatedAt: at })
      .where(and(eq(appointments.tenantId, tenantId), eq(appointments.id, row.id)));
    await auditChange(tx, actor, {
      action: AppointmentAuditActions.cancelled, patientId: row.patientId,
      target: { type: 'appointment', id: row.id },
      details: { before: { status: row.status }, after: { status: 'cancelled', reason: text }, startsAt: row.startsAt.toISOString() },
    });
    await recordEvent(tx, tenantId, {
      name: 'appointment.cancelled', patientId: row.patientId, actor: eventActorOfChange(actor),
      subject: { appointmentId: row.id, serviceId: row.serviceId, locationId: row.locationId, providerId: row.providerId },
    });
    await enqueueAppointmentNotification(tx, { tenantId, appointmentId: row.id, kind: 'cancelled' });
    offerFreedTimesSoon(tenantId); // the freed time may suit someone on the waitlist (after the response)
    return { ok: true as const };
  });
  return result as ChangeResult;
}

async function markOutcome(db: Executor, ctx: StaffContext, appointmentId: string, status: 'completed' | 'no_show'): Promise<ChangeResult> {
  assertPermission(ctx, 'schedule.manage');
  const result = await inTransaction(db, async (tx) => {
    const row = await lockAppointment(tx, ctx, appointmentId);
    if (row.status !== 'booked') throw new Refused({ ok: false, error: 'not-active', status: row.status });
    const at = clockNow();
    if (at < row.startsAt) throw new Refused({ ok: false, error: 'not-started' });
    await tx
      .update(appointments)
      .set({ status, updatedAt: at })
      .where(and(eq(appointments.tenantId, ctx.tenant.id), eq(appointments.id, row.id)));
    await recordAudit(tx, ctx, {
      action: status === 'completed' ? AppointmentAuditActions.completed : AppointmentAuditActions.noShow,
      patientId: row.patientId, target: { type: 'appointment', id: row.id },
      details: { before: { status: row.status }, after: { status } },
    });
    await recordEvent(tx, ctx.tenant.id, {
      name: status === 'completed' ? 'appointment.completed' : 'appointment.no_show', patientId: row.patientId, actor: eventActorOf(ctx),
      subject: { appointmentId: row.id, serviceId: row.serviceId, locationId: row.locationId, providerId: row.providerId },
    });
    return { ok: true as const };
  });
  return result as ChangeResult;
}

/** Staff only, once the visit has started. */
export function markCompleted(db: Executor, ctx: StaffContext, appointmentId: string): Promise<ChangeResult> {
  return markOutcome(db, ctx, appointmentId, 'completed');
}

export function markNoShow(db: Executor, ctx: StaffContext, appointmentId: string): Promise<ChangeResult> {
  return markOutcome(db, ctx, appointmentId, 'no_show');
}
