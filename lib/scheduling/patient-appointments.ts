import 'server-only';
import { and, asc, desc, eq, gte, lt } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, locations, services, staffUsers } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { now as clockNow } from '@/lib/clock';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { movedTo, movedToJoin, movedToLocation, movedToLocationJoin, visitChangeColumns, withVisitChange } from './visit-changes';

/** A patient's visits for the chart: upcoming soonest first, past most recent first; a cancelled one says what happened to it. */
export async function listPatientAppointments(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'patients.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const query = () => db
    .select({
      id: appointments.id, startsAt: appointments.startsAt, endsAt: appointments.endsAt, status: appointments.status,
      videoUrl: appointments.videoUrl,
      provider: staffUsers.fullName, service: services.name, location: locations.name, timeZone: locations.timeZone,
      ...visitChangeColumns(),
    })
    .from(appointments)
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
    .leftJoin(movedTo, movedToJoin)
    .leftJoin(movedToLocation, movedToLocationJoin);
  const scope = and(eq(appointments.tenantId, ctx.tenant.id), eq(appointments.patientId, patientId));
  const at = clockNow();
  const [upcoming, past] = await Promise.all([
    query().where(and(scope, gte(appointments.endsAt, at))).orderBy(asc(appointments.startsAt)).limit(50),
    query()
      .where(and(scope, lt(appointments.endsAt, at)))
      .orderBy(desc(appointments.startsAt))
      .limit(100),
  ]);
  await auditChartSection(db, ctx, patientId, 'appointments');
  return { upcoming: upcoming.map(withVisitChange), past: past.map(withVisitChange) };
}
export type ChartAppointment = Awaited<ReturnType<typeof listPatientAppointments>>['upcoming'][number];

/** "Tue, Nov 24, 2026, 10:30 AM CST" in the location's zone, naming the zone. */
export function formatVisitTime(instant: Date, timeZone: string, locale = 'en-US'): string {
  return dateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(instant);
}
