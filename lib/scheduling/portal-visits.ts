import 'server-only';
import { and, asc, desc, eq, gte, lt, ne, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import type { Placeholder } from '@/db/prepared';
import { appointments, locations, services, staffUsers } from '@/db/schema';
import type { PortalContext } from '@/lib/access/context';
import { portalAreaOpen } from '@/lib/access/linked-patients';
import { now as clockNow } from '@/lib/clock';
import { localizedColumn, portalTextScope, type ClinicTextScope } from '@/lib/i18n/clinic-text-sql';
import { isUuid } from '@/lib/kernel/ids';
import { movedTo, movedToJoin, movedToLocation, movedToLocationJoin, visitChangeColumns, withVisitChange } from './visit-changes';
import { canJoinVideo, type HistoryVisit, type PortalVisit, type VisitWhen } from './visit-display';

export const MAX_VISITS_PAGE = 50;

/** The columns the portal shows of any visit (no notes, no internal ids; History adds what happened to a cancelled one). */
export function portalVisitColumns(text: ClinicTextScope) {
  return {
    id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt, status: appointments.status,
    videoUrl: appointments.videoUrl,
    // The clinic's names in the reader's language when it translated them (lib/i18n/clinic-text.ts).
    // Named, so the query can also be a subquery (the portal home joins it to its forms count).
    provider: staffUsers.fullName, service: localizedColumn(services.name, services.translations, 'name', text).as('service'),
    location: localizedColumn(locations.name, locations.translations, 'name', text).as('location'), timeZone: locations.timeZone,
  };
}

/** Same joins as the chart's list (lib/scheduling/patient-appointments.ts), each scoped to the clinic. */
export function portalVisitQuery(db: Executor, text: ClinicTextScope) {
  return db
    .select(portalVisitColumns(text))
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

export function toPortalVisit(row: Omit<PortalVisit, 'isVideo' | 'joinUrl'> & { videoUrl: string | null }, at: Date): PortalVisit {
  const { videoUrl, ...rest } = row;
  const url = safeVideoUrl(videoUrl);
  return { ...rest, isVideo: url !== null, joinUrl: url && canJoinVideo(row, at) ? url : null };
}

/** portalVisitQuery, with what happened to a cancelled visit (lib/scheduling/visit-changes.ts). */
function historyVisitQuery(db: Executor, text: ClinicTextScope) {
  return db
    .select({ ...portalVisitColumns(text), ...visitChangeColumns() })
    .from(appointments)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
    .leftJoin(movedTo, movedToJoin)
    .leftJoin(movedToLocation, movedToLocationJoin);
}

/**
 * The selected patient's visits for the portal: upcoming soonest first, past most recent first,
 * each cancelled one with what happened to it. `hasMore` tells the page whether to offer a next page.
 */
export async function listPortalAppointments(
  db: Executor,
  ctx: PortalContext,
  options: { when: VisitWhen; limit: number; offset?: number },
): Promise<{ visits: HistoryVisit[]; hasMore: boolean }> {
  // Nothing for a patient the account is not linked to, or whose link does not open Bookings.
  if (!isUuid(ctx.tenant.id) || !isUuid(ctx.patient.id) || !(await portalAreaOpen(db, ctx, 'bookings'))) return { visits: [], hasMore: false };
  const limit = Math.min(Math.max(Math.trunc(options.limit) || 1, 1), MAX_VISITS_PAGE);
  const offset = Math.max(Math.trunc(options.offset ?? 0) || 0, 0);
  const at = clockNow();
  const rows = await historyVisitQuery(db, portalTextScope(ctx))
    .where(visitWhenCondition({ tenantId: ctx.tenant.id, patientId: ctx.patient.id }, options.when, at))
    .orderBy(
      options.when === 'upcoming' ? asc(appointments.startsAt) : desc(appointments.startsAt),
      asc(appointments.id),
    )
    // One extra row answers "is there a next page?" without a count query.
    .limit(limit + 1)
    .offset(offset);
  const visits = rows.slice(0, limit).map((r) => {
    const { change, ...visit } = withVisitChange(r);
    return { ...toPortalVisit(visit, at), change };
  });
  return { visits, hasMore: rows.length > limit };
}
