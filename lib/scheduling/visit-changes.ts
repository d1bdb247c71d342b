import 'server-only';
import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { appointments, locations, type AppointmentStatus } from '@/db/schema';
import { RESCHEDULED_REASON } from './booking';
import { visitChange, type VisitChange } from './visit-display';

/**
 * What happened to a cancelled visit, read the same way for the portal's History and the chart's
 * visits: the reason given, or the visit that replaced it. A query selects `visitChangeColumns`
 * and left-joins `movedTo` on `movedToJoin` and `movedToLocation` on `movedToLocationJoin`.
 */

/** The visit that replaced a moved one, and its location (the zone its time is shown in). */
export const movedTo = alias(appointments, 'moved_to');
export const movedToLocation = alias(locations, 'moved_to_location');

/** Only a replacement of the same patient: whoever may see this visit may see that one. */
export const movedToJoin = and(
  eq(movedTo.tenantId, appointments.tenantId), eq(movedTo.id, appointments.rescheduledToId), eq(movedTo.patientId, appointments.patientId),
);
export const movedToLocationJoin = and(eq(movedToLocation.tenantId, movedTo.tenantId), eq(movedToLocation.id, movedTo.locationId));

export function visitChangeColumns() {
  return {
    cancelReason: appointments.cancelReason, rescheduledToId: appointments.rescheduledToId,
    movedToId: movedTo.id, movedToStartsAt: movedTo.startsAt, movedToEndsAt: movedTo.endsAt, movedToStatus: movedTo.status,
    movedToZone: movedToLocation.timeZone,
  };
}

interface ChangeColumns {
  status: AppointmentStatus;
  cancelReason: string | null;
  rescheduledToId: string | null;
  movedToId: string | null;
  movedToStartsAt: Date | null;
  movedToEndsAt: Date | null;
  movedToStatus: AppointmentStatus | null;
  movedToZone: string | null;
}

/** A row's visit without the change columns, and what happened to it. */
export function withVisitChange<R extends ChangeColumns>(row: R): Omit<R, Exclude<keyof ChangeColumns, 'status'>> & { change: VisitChange | null } {
  const { cancelReason, rescheduledToId, movedToId, movedToStartsAt, movedToEndsAt, movedToStatus, movedToZone, ...visit } = row;
  // Visits moved before rescheduled_to_id existed carry only the reason rescheduleAppointment wrote.
  const moved = rescheduledToId !== null || cancelReason === RESCHEDULED_REASON;
  const to = movedToId && movedToStartsAt && movedToEndsAt && movedToStatus && movedToZone
    ? { id: movedToId, startsAt: movedToStartsAt, endsAt: movedToEndsAt, status: movedToStatus, timeZone: movedToZone }
    : null;
  return { ...visit, change: visitChange({ status: row.status, moved, cancelReason }, to) };
}
