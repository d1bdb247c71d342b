import { and, count, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, availabilityRules, locations, patients, providerServices, services, staffUsers } from '@/db/schema';
import { addDays, weekdayOf, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';

export interface DemoSchedule {
  services: { name: string; durationMinutes: number; priceCents?: number; description?: string; isVideo?: boolean; bookableOnline?: boolean }[];
  providers: { email: string; services: string[]; hours: { location: string; weekdays: number[]; start: string; end: string }[] }[];
  /** dayOffset from the seeding day (moved to the next weekday), local wall time at the location. */
  appointments: { patient: string; provider: string; service: string; location: string; dayOffset: number; time: string; status: 'booked' | 'completed' | 'no_show' | 'cancelled'; cancelReason?: string }[];
}

/** Services, providers' hours and past and future visits, relative to the day the seed runs. */
export async function seedSchedule(tx: Executor, tenantId: string, schedule: DemoSchedule): Promise<void> {
  await tx.insert(services).values(schedule.services.map((s) => ({ tenantId, ...s }))).onConflictDoNothing();
  const serviceRows = await tx.select().from(services).where(eq(services.tenantId, tenantId));
  const locationRows = await tx.select().from(locations).where(eq(locations.tenantId, tenantId));
  const staffRows = await tx.select({ id: staffUsers.id, email: staffUsers.email }).from(staffUsers).where(eq(staffUsers.tenantId, tenantId));
  const serviceId = (name: string) => serviceRows.find((s) => s.name === name)!.id;
  const location = (name: string) => locationRows.find((l) => l.name === name)!;
  const providerId = (email: string) => staffRows.find((s) => s.email === email)!.id;

  for (const p of schedule.providers) {
    await tx.insert(providerServices).values(p.services.map((s) => ({ tenantId, providerId: providerId(p.email), serviceId: serviceId(s) }))).onConflictDoNothing();
    const [existing] = await tx.select({ n: count() }).from(availabilityRules).where(and(eq(availabilityRules.tenantId, tenantId), eq(availabilityRules.providerId, providerId(p.email))));
    if ((existing?.n ?? 0) > 0) continue;
    await tx.insert(availabilityRules).values(p.hours.flatMap((h) => h.weekdays.map((weekday) => ({
      tenantId, providerId: providerId(p.email), locationId: location(h.location).id, weekday, startTime: h.start, endTime: h.end,
    }))));
  }

  const [booked] = await tx.select({ n: count() }).from(appointments).where(eq(appointments.tenantId, tenantId));
  if ((booked?.n ?? 0) > 0) return;
  const patientRows = await tx.select({ id: patients.id, recordNumber: patients.recordNumber }).from(patients).where(eq(patients.tenantId, tenantId));
  for (const a of schedule.appointments) {
    const loc = location(a.location);
    let date = addDays(zonedDate(new Date(), loc.timeZone), a.dayOffset);
    while ([0, 6].includes(weekdayOf(date))) date = addDays(date, a.dayOffset < 0 ? -1 : 1);
    const service = serviceRows.find((s) => s.name === a.service)!;
    const startsAt = zonedInstant(date, a.time, loc.timeZone);
    const staffId = providerId(a.provider);
    await tx.insert(appointments).values({
      tenantId,
      patientId: patientRows.find((p) => p.recordNumber === a.patient)!.id,
      providerId: staffId,
      serviceId: service.id,
      locationId: loc.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + service.durationMinutes * 60_000),
      status: a.status,
      cancelReason: a.cancelReason ?? null,
      cancelledAt: a.status === 'cancelled' ? new Date() : null,
      bookedByKind: 'staff',
      bookedById: staffId,
      videoUrl: service.isVideo ? `https://meet.carebridge.example/${tenantId.slice(0, 8)}-${a.patient.toLowerCase()}` : null,
    });
  }
}
