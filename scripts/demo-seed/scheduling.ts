import { and, count, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, availabilityRules, locations, patients, providerServices, services, staffUsers, timeOff, waitlistEntries } from '@/db/schema';
import type { ClinicTranslations } from '@/lib/i18n/clinic-text';
import { addDays, weekdayOf, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';

export interface DemoSchedule {
  services: { name: string; durationMinutes: number; priceCents?: number; description?: string; isVideo?: boolean; bookableOnline?: boolean; translations?: ClinicTranslations<'name' | 'description'> }[];
  providers: { email: string; services: string[]; hours: { location: string; weekdays: number[]; start: string; end: string }[] }[];
  /** dayOffset from the seeding day (moved to the next weekday), local wall time at the location. */
  appointments: { patient: string; provider: string; service: string; location: string; dayOffset: number; time: string; status: 'booked' | 'completed' | 'no_show' | 'cancelled'; cancelReason?: string }[];
  /** Providers' time off (issue 20), on the day of dayOffset (as above), local times at the location. */
  timeOff?: { provider: string; location: string; dayOffset: number; start: string; end: string; reason: string }[];
  /** Waiting patients (issue 20): each waits for the weekday of dayOffset's day, between `from` and `to`, until that day. */
  waitlist?: { patient: string; service: string; location: string; provider?: string; dayOffset: number; from: string; to: string; by: string }[];
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

  // The day of a dayOffset as the visits above take it (moved past a weekend), at the location.
  const demoDay = (dayOffset: number, timeZone: string) => {
    let date = addDays(zonedDate(new Date(), timeZone), dayOffset);
    while ([0, 6].includes(weekdayOf(date))) date = addDays(date, dayOffset < 0 ? -1 : 1);
    return date;
  };
  for (const t of schedule.timeOff ?? []) {
    const { timeZone } = location(t.location);
    const date = demoDay(t.dayOffset, timeZone);
    await tx.insert(timeOff).values({ tenantId, providerId: providerId(t.provider), startsAt: zonedInstant(date, t.start, timeZone), endsAt: zonedInstant(date, t.end, timeZone), reason: t.reason });
  }
  for (const w of schedule.waitlist ?? []) {
    const loc = location(w.location);
    const untilOn = demoDay(w.dayOffset, loc.timeZone);
    await tx.insert(waitlistEntries).values({
      tenantId, patientId: patientRows.find((p) => p.recordNumber === w.patient)!.id, serviceId: serviceId(w.service), locationId: loc.id,
      providerId: w.provider ? providerId(w.provider) : null, weekdays: [weekdayOf(untilOn)], earliestTime: w.from, latestTime: w.to, untilOn,
      createdByKind: 'staff', createdById: providerId(w.by),
    }).onConflictDoNothing();
  }
}
