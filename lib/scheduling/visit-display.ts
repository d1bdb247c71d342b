import 'server-only';
import type { AppointmentStatus } from '@/db/schema';
import { translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';

/**
 * How the portal shows a patient's visit: the shape pages and components render, and the rules
 * behind it (when a video visit opens, which zone times are shown in, what a status is called).
 * Pure: no database. Server-only today because only server components render visits.
 */

export type VisitWhen = 'upcoming' | 'past';

/** The join link opens this long before the start and stays until the visit ends. */
export const JOIN_OPENS_MINUTES = 15;

export interface PortalVisit {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  provider: string;
  service: string;
  location: string;
  timeZone: string;
  /** True for a video visit, whether or not it can be joined yet. */
  isVideo: boolean;
  /** The video link, only while the visit can be joined (see canJoinVideo). */
  joinUrl: string | null;
}

/** The visit that replaced a moved one: the same patient's, so whoever sees one may see the other. */
export interface MovedTo {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  timeZone: string;
}

/**
 * Why a cancelled visit is not happening. Moved: to its replacement, or to a time not known
 * (visits moved before the link was kept). Cancelled: with the reason the patient or staff gave
 * (staff are told the patient sees it, and to write no health details there).
 */
export type VisitChange = { kind: 'moved'; to: MovedTo | null } | { kind: 'cancelled'; reason: string | null };

/** A visit in History: what the portal shows of any visit, and what happened to a cancelled one. */
export interface HistoryVisit extends PortalVisit {
  change: VisitChange | null;
}

/** What happened to a visit: null unless it was cancelled; `moved` when a reschedule cancelled it. */
export function visitChange(visit: { status: AppointmentStatus; moved: boolean; cancelReason: string | null }, movedTo: MovedTo | null): VisitChange | null {
  if (visit.status !== 'cancelled') return null;
  if (visit.moved) return { kind: 'moved', to: movedTo };
  return { kind: 'cancelled', reason: visit.cancelReason?.trim() || null };
}

/** A replacement still to come lives under Bookings; one already past is in History. */
export function isUpcoming(visit: { status: AppointmentStatus; endsAt: Date }, at: Date): boolean {
  return visit.status === 'booked' && visit.endsAt.getTime() >= at.getTime();
}

/** A visit the patient may still change: see lib/scheduling/patient-bookings.ts. */
export interface BookingVisit extends PortalVisit {
  serviceId: string;
  locationId: string;
  providerId: string;
  locationPhone: string | null;
  /** When the patient said they will come (a reminder's confirm link); null until then. */
  confirmedAt: Date | null;
  /** Patients may change or cancel until this instant (the clinic's window before the start). */
  changeUntil: Date;
  changeable: boolean;
  windowHours: number;
}

/** A booked video visit can be joined from 15 minutes before its start until its end. */
export function canJoinVideo(visit: { status: AppointmentStatus; startsAt: Date; endsAt: Date }, at: Date): boolean {
  return visit.status === 'booked'
    && at.getTime() >= visit.startsAt.getTime() - JOIN_OPENS_MINUTES * 60_000
    && at.getTime() < visit.endsAt.getTime();
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

const STATUS_KEYS = {
  booked: 'statusBooked',
  completed: 'statusCompleted',
  no_show: 'statusNoShow',
  cancelled: 'statusCancelled',
} as const satisfies Record<AppointmentStatus, keyof typeof common.en>;

/** A booked visit in the past has not been marked by the clinic yet; a moved one is not called cancelled. */
export function visitStatusLabel(visit: { status: AppointmentStatus; endsAt: Date; moved?: boolean }, at: Date, locale: Locale): string {
  const t = translator(common, locale);
  if (visit.status === 'booked' && visit.endsAt.getTime() < at.getTime()) return t('statusAwaitingUpdate');
  if (visit.status === 'cancelled' && visit.moved) return t('statusMoved');
  return t(STATUS_KEYS[visit.status]);
}
