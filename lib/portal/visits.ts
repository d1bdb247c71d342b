import { and, asc, desc, eq, gte, lt, ne, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import type { Placeholder } from '@/db/prepared';
import { appointments, locations, services, staffUsers, type AppointmentStatus } from '@/db/schema';
import { isUuid } from '@/lib/documents/document-scope';
import { now as clockNow } from '@/lib/clock';
import { translator, type Locale } from '@/lib/i18n/core';
import { common } from '@/lib/i18n/messages/common';

/** A portal session acting for one patient: both ids come from the session, never from input. */
export interface PortalVisitScope {
  tenantId: string;
  patientId: string;
}

export type VisitWhen = 'upcoming' | 'past';

/** The join link opens this long before the start and stays until the visit ends. */
export const JOIN_OPENS_MINUTES = 15;
export const MAX_VISITS_PAGE = 50;

/** The columns the portal shows (no notes, no cancel reason, no internal ids). */
export function portalVisitColumns() {
  return {
    id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt, status: appointments.status,
    videoUrl: appointments.videoUrl,
    provider: staffUsers.fullName, service: services.name, location: locations.name, timeZone: locations.timeZone,
  };
}

/** Same joins as the chart's list (lib/scheduling/patient-appointments.ts), each scoped to the clinic. */
export function portalVisitQuery(db: Executor) {
  return db
    .select(portalVisitColumns())
    .from(appointments)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)));
}

/**
 * Upcoming: still booked and not yet over. Past: everything else — completed, no-show, cancelled
 * (even if it was for a future date) and booked visits whose time has gone by. The two are exact
 * complements, so a visit is never in both lists nor in neither.
 */
export function visitWhenCondition(scope: { tenantId: string | Placeholder; patientId: string | Placeholder }, when: VisitWhen, at: Date | Placeholder) {
  const own = and(eq(appointments.tenantId, scope.tenantId), eq(appointments.patientId, scope.patientId));
  return when === 'upcoming'
    ? and(own, eq(appointments.status, 'booked'), gte(appointments.endsAt, at))
    : and(own, or(ne(appointments.status, 'booked'), lt(appointments.endsAt, at)));
}

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

/** Only https links reach the page: a staff-typed `javascript:` URL must never become a link. */
function safeVideoUrl(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** A booked video visit can be joined from 15 minutes before its start until its end. */
export function canJoinVideo(visit: { status: AppointmentStatus; startsAt: Date; endsAt: Date }, at: Date): boolean {
  return visit.status === 'booked'
    && at.getTime() >= visit.startsAt.getTime() - JOIN_OPENS_MINUTES * 60_000
    && at.getTime() < visit.endsAt.getTime();
}

export function toPortalVisit(row: Omit<PortalVisit, 'isVideo' | 'joinUrl'> & { videoUrl: string | null }, at: Date): PortalVisit {
  const { videoUrl, ...rest } = row;
  const url = safeVideoUrl(videoUrl);
  return { ...rest, isVideo: url !== null, joinUrl: url && canJoinVideo(row, at) ? url : null };
}

/**
 * The selected patient's visits for the portal: upcoming soonest first, past most recent first.
 * `hasMore` tells the page whether to offer a next page.
 */
export async function listPortalAppointments(
  db: Executor,
  portal: PortalVisitScope,
  options: { when: VisitWhen; limit: number; offset?: number },
): Promise<{ visits: PortalVisit[]; hasMore: boolean }> {
  if (!isUuid(portal.tenantId) || !isUuid(portal.patientId)) return { visits: [], hasMore: false };
  const limit = Math.min(Math.max(Math.trunc(options.limit) || 1, 1), MAX_VISITS_PAGE);
  const offset = Math.max(Math.trunc(options.offset ?? 0) || 0, 0);
  const at = clockNow();
  const rows = await portalVisitQuery(db)
    .where(visitWhenCondition(portal, options.when, at))
    .orderBy(
      options.when === 'upcoming' ? asc(appointments.startsAt) : desc(appointments.startsAt),
      asc(appointments.id),
    )
    // One extra row answers "is there a next page?" without a count query.
    .limit(limit + 1)
    .offset(offset);
  return { visits: rows.slice(0, limit).map((r) => toPortalVisit(r, at)), hasMore: rows.length > limit };
}

const STATUS_KEYS = {
  booked: 'statusBooked',
  completed: 'statusCompleted',
  no_show: 'statusNoShow',
  cancelled: 'statusCancelled',
} as const satisfies Record<AppointmentStatus, keyof typeof common.en>;

/** A booked visit in the past has not been marked by the clinic yet. */
export function visitStatusLabel(visit: { status: AppointmentStatus; endsAt: Date }, at: Date, locale: Locale): string {
  const t = translator(common, locale);
  if (visit.status === 'booked' && visit.endsAt.getTime() < at.getTime()) return t('statusAwaitingUpdate');
  return t(STATUS_KEYS[visit.status]);
}
