import 'server-only';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { availabilityRules, locations, timeOff } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { zonedInstant } from '@/lib/scheduling/zoned-time';
import { deleteClinicRow, findClinicRow } from '@/lib/settings/clinic-rows';
import { parseSettings } from '@/lib/settings/schemas';
import { offerFreedTimesSoon } from '@/lib/waitlist/wake';
import { ProviderRuleError } from './errors';
import { lockProvider, ProviderAuditActions } from './providers';
import { hoursSchema, timeOffSchema, WEEKDAYS } from './schemas';

/**
 * A provider's weekly hours (wall-clock times at a location, in its time zone) and time off.
 * Changes to one provider are serialised on their staff row, so two admins adding overlapping
 * hours at once cannot both succeed. Needs `settings.manage`.
 */

const hhmm = (t: string) => t.slice(0, 5);

export async function listProviderHours(db: Executor, ctx: StaffContext, staffId: string) {
  assertPermission(ctx, 'settings.manage');
  if (!isUuid(staffId)) throw new NotFoundError('staff user');
  const rows = await db
    .select({
      id: availabilityRules.id, weekday: availabilityRules.weekday, startTime: availabilityRules.startTime, endTime: availabilityRules.endTime,
      locationId: availabilityRules.locationId, locationName: locations.name, timeZone: locations.timeZone,
    })
    .from(availabilityRules)
    .innerJoin(locations, and(eq(locations.tenantId, availabilityRules.tenantId), eq(locations.id, availabilityRules.locationId)))
    .where(and(eq(availabilityRules.tenantId, ctx.tenant.id), eq(availabilityRules.providerId, staffId)))
    .orderBy(asc(availabilityRules.weekday), asc(availabilityRules.startTime));
  return rows.map((r) => ({ ...r, startTime: hhmm(r.startTime), endTime: hhmm(r.endTime) }));
}

function clinicLocation(db: Executor, ctx: StaffContext, locationId: string) {
  return findClinicRow(db, ctx, locations, { id: locations.id, name: locations.name, timeZone: locations.timeZone, active: locations.active }, locationId, 'location');
}

/**
 * Adds weekly hours. Refused when they overlap other hours of the same provider on that weekday
 * at any location (a provider is in one place at a time); touching ranges (09–12, 12–17) are fine.
 */
export async function addProviderHours(db: Executor, ctx: StaffContext, staffId: string, input: unknown): Promise<{ id: string }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(hoursSchema, input);
  return db.transaction(async (tx) => {
    const provider = await lockProvider(tx, ctx, staffId);
    const location = await clinicLocation(tx, ctx, data.locationId);
    if (!location.active) throw new ProviderRuleError('location-inactive', { name: location.name });
    const sameDay = await tx
      .select({ startTime: availabilityRules.startTime, endTime: availabilityRules.endTime, locationName: locations.name })
      .from(availabilityRules)
      .innerJoin(locations, and(eq(locations.tenantId, availabilityRules.tenantId), eq(locations.id, availabilityRules.locationId)))
      .where(and(eq(availabilityRules.tenantId, ctx.tenant.id), eq(availabilityRules.providerId, provider.id), eq(availabilityRules.weekday, data.weekday)));
    const clash = sameDay.find((r) => hhmm(r.startTime) < data.endTime && hhmm(r.endTime) > data.startTime);
    if (clash) {
      throw new ProviderRuleError('hours-overlap', {
        weekday: WEEKDAYS[data.weekday]!, start: hhmm(clash.startTime), end: hhmm(clash.endTime), location: clash.locationName,
      });
    }
    const [row] = await tx
      .insert(availabilityRules)
      .values({ tenantId: ctx.tenant.id, providerId: provider.id, locationId: location.id, weekday: data.weekday, startTime: data.startTime, endTime: data.endTime })
      .returning({ id: availabilityRules.id });
    await recordAudit(tx, ctx, {
      action: ProviderAuditActions.hoursAdded,
      target: { type: 'availability_rule', id: row!.id },
      details: { provider: provider.fullName, providerId: provider.id, after: { location: location.name, weekday: WEEKDAYS[data.weekday], startTime: data.startTime, endTime: data.endTime } },
    });
    offerFreedTimesSoon(ctx.tenant.id); // new hours may suit someone on the waitlist (after the response)
    return { id: row!.id };
  });
}

export async function removeProviderHours(db: Executor, ctx: StaffContext, ruleId: string): Promise<void> {
  assertPermission(ctx, 'settings.manage');
  await db.transaction(async (tx) => {
    const removed = await deleteClinicRow(tx, ctx, availabilityRules, ruleId, {
      providerId: availabilityRules.providerId, weekday: availabilityRules.weekday, startTime: availabilityRules.startTime, endTime: availabilityRules.endTime, locationId: availabilityRules.locationId,
    }, 'hours');
    await recordAudit(tx, ctx, {
      action: ProviderAuditActions.hoursRemoved,
      target: { type: 'availability_rule', id: ruleId },
      details: { providerId: removed.providerId, before: { locationId: removed.locationId, weekday: WEEKDAYS[removed.weekday], startTime: hhmm(removed.startTime), endTime: hhmm(removed.endTime) } },
    });
    offerFreedTimesSoon(ctx.tenant.id); // times offered from these hours are gone (after the response)
  });
}

/** Time off that has not ended yet, soonest first. */
export async function listUpcomingTimeOff(db: Executor, ctx: StaffContext, staffId: string) {
  assertPermission(ctx, 'settings.manage');
  if (!isUuid(staffId)) throw new NotFoundError('staff user');
  return db
    .select({ id: timeOff.id, startsAt: timeOff.startsAt, endsAt: timeOff.endsAt, reason: timeOff.reason })
    .from(timeOff)
    .where(and(eq(timeOff.tenantId, ctx.tenant.id), eq(timeOff.providerId, staffId), gt(timeOff.endsAt, now())))
    .orderBy(asc(timeOff.startsAt));
}

/**
 * Adds time off. The start and end are wall-clock date-times in the chosen location's time zone
 * (what the admin reads on the clinic's clock), stored as instants.
 */
export async function addTimeOff(db: Executor, ctx: StaffContext, staffId: string, input: unknown): Promise<{ id: string; startsAt: Date; endsAt: Date }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(timeOffSchema, input);
  return db.transaction(async (tx) => {
    const provider = await lockProvider(tx, ctx, staffId);
    const location = await clinicLocation(tx, ctx, data.locationId);
    const startsAt = zonedInstant(data.startsAt.date, data.startsAt.time, location.timeZone);
    const endsAt = zonedInstant(data.endsAt.date, data.endsAt.time, location.timeZone);
    if (endsAt <= startsAt) throw new ProviderRuleError('time-off-order');
    if (endsAt <= now()) throw new ProviderRuleError('time-off-past');
    const reason = data.reason ?? null;
    const [row] = await tx
      .insert(timeOff)
      .values({ tenantId: ctx.tenant.id, providerId: provider.id, startsAt, endsAt, reason })
      .returning({ id: timeOff.id });
    await recordAudit(tx, ctx, {
      action: ProviderAuditActions.timeOffAdded,
      target: { type: 'time_off', id: row!.id },
      details: { provider: provider.fullName, providerId: provider.id, after: { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), timeZone: location.timeZone, reason } },
    });
    offerFreedTimesSoon(ctx.tenant.id); // times offered inside the time off are gone (after the response)
    return { id: row!.id, startsAt, endsAt };
  });
}

export async function removeTimeOff(db: Executor, ctx: StaffContext, timeOffId: string): Promise<void> {
  assertPermission(ctx, 'settings.manage');
  await db.transaction(async (tx) => {
    const removed = await deleteClinicRow(tx, ctx, timeOff, timeOffId, { providerId: timeOff.providerId, startsAt: timeOff.startsAt, endsAt: timeOff.endsAt, reason: timeOff.reason }, 'time off');
    await recordAudit(tx, ctx, {
      action: ProviderAuditActions.timeOffRemoved,
      target: { type: 'time_off', id: timeOffId },
      details: { providerId: removed.providerId, before: { startsAt: removed.startsAt.toISOString(), endsAt: removed.endsAt.toISOString(), reason: removed.reason } },
    });
    offerFreedTimesSoon(ctx.tenant.id); // the freed time may suit someone on the waitlist (after the response)
  });
}
