import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, availabilityRules, locations, staffUsers, timeOff } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { setClockForTests } from '@/lib/clock';
import { ProviderRuleError } from '@/lib/providers/errors';
import {
  addProviderHours,
  addTimeOff,
  listProviderHours,
  listUpcomingTimeOff,
  removeProviderHours,
  removeTimeOff,
} from '@/lib/providers/provider-schedule';
import { listProviderCandidates, listProviderServiceIds, setProviderFlag, setProviderServices } from '@/lib/providers/providers';
import { createService } from '@/lib/services/services';
import { SETTINGS_MESSAGES, SettingsValidationError } from '@/lib/settings/errors';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
/** The form result the providers actions give for a thrown error (lib/actions/failures.ts). */
const providerFailure = (error: unknown) => failureOf(error, { ...STAFF_MESSAGES, ...SETTINGS_MESSAGES }, 'test');
afterEach(() => setClockForTests(undefined));

async function clinicWithProvider(timeZone = 'America/New_York') {
  const clinic = await createTestTenant();
  const admin = await createStaffContext(clinic, 'admin');
  const doctor = await createStaffContext(clinic, 'physician');
  await setProviderFlag(db(), admin, doctor.actor.id, true);
  const [location] = await db()
    .insert(locations)
    .values({ tenantId: clinic.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', country: 'US', timeZone })
    .returning();
  return { clinic, admin, providerId: doctor.actor.id, location: location! };
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  return { error, state: providerFailure(error) };
}

const service = (admin: Awaited<ReturnType<typeof createStaffContext>>, name: string) =>
  createService(db(), admin, { name, description: '', durationMinutes: '30', price: '', bookableOnline: 'on', active: 'on' });

describe('provider flag', () => {
  it('marks active staff as providers, refuses inactive staff, and audits', async () => {
    const { clinic, admin, providerId } = await clinicWithProvider();
    const candidates = await listProviderCandidates(db(), admin);
    expect(candidates.find((c) => c.id === providerId)?.isProvider).toBe(true);
    expect(candidates.find((c) => c.id === admin.actor.id)?.isProvider).toBe(false);

    const [invited] = await db().insert(staffUsers).values({
      tenantId: clinic.id, email: `invited-${Date.now()}@x.test`, fullName: 'Ivy Invited', accessLevelId: clinic.levelId.physician, status: 'invited',
    }).returning();
    const { error, state } = await refusal(setProviderFlag(db(), admin, invited!.id, true));
    expect(error).toBeInstanceOf(ProviderRuleError);
    expect(state.message).toBe('Ivy Invited is not an active user. Only active staff can be providers.');
    expect((await listProviderCandidates(db(), admin)).some((c) => c.id === invited!.id)).toBe(false);

    expect(await setProviderFlag(db(), admin, providerId, false)).toEqual({ changed: true });
    expect(await setProviderFlag(db(), admin, providerId, false)).toEqual({ changed: false });
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.provider_flag_changed')));
    expect(entries.map((e) => e.details)).toContainEqual(expect.objectContaining({ changed: { isProvider: { before: true, after: false } } }));
  });
});

describe('services a provider offers', () => {
  it('replaces the set of services and audits the names added and removed', async () => {
    const { clinic, admin, providerId } = await clinicWithProvider();
    const a = await service(admin, 'Consultation');
    const b = await service(admin, 'Vaccination');
    await setProviderServices(db(), admin, providerId, [a.id, b.id]);
    expect((await listProviderServiceIds(db(), admin, providerId)).sort()).toEqual([a.id, b.id].sort());
    expect(await setProviderServices(db(), admin, providerId, [b.id, b.id])).toEqual({ changed: true });
    expect(await listProviderServiceIds(db(), admin, providerId)).toEqual([b.id]);
    expect(await setProviderServices(db(), admin, providerId, [b.id])).toEqual({ changed: false });
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.provider_services_changed')));
    expect(entries.at(-1)?.details).toMatchObject({ added: [], removed: ['Consultation'] });
  });

  it('links only this clinic’s services: another clinic’s service id answers not-found and nothing changes', async () => {
    const { admin, providerId } = await clinicWithProvider();
    const own = await service(admin, 'Consultation');
    await setProviderServices(db(), admin, providerId, [own.id]);
    const other = await clinicWithProvider();
    const foreign = await service(other.admin, 'Harbor service');
    await expect(setProviderServices(db(), admin, providerId, [own.id, foreign.id])).rejects.toBeInstanceOf(NotFoundError);
    await expect(setProviderServices(db(), admin, providerId, ['not-a-uuid'])).rejects.toBeInstanceOf(NotFoundError);
    expect(await listProviderServiceIds(db(), admin, providerId)).toEqual([own.id]);
    // Nor can a clinic link its services to another clinic's provider.
    await expect(setProviderServices(db(), admin, other.providerId, [own.id])).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses staff who are not providers', async () => {
    const { admin } = await clinicWithProvider();
    const s = await service(admin, 'Consultation');
    const { error, state } = await refusal(setProviderServices(db(), admin, admin.actor.id, [s.id]));
    expect(error).toBeInstanceOf(ProviderRuleError);
    expect(state.message).toMatch(/not marked as a provider/);
  });
});

describe('weekly hours', () => {
  it('adds hours, allows touching ranges, refuses overlaps on the same weekday (any location) and audits', async () => {
    const { clinic, admin, providerId, location } = await clinicWithProvider();
    const [second] = await db().insert(locations).values({ tenantId: clinic.id, name: 'Uptown', addressLine1: '2 Hill Rd', city: 'Springfield', country: 'US', timeZone: 'America/New_York' }).returning();
    await addProviderHours(db(), admin, providerId, { locationId: location.id, weekday: '1', startTime: '09:00', endTime: '12:00' });
    await addProviderHours(db(), admin, providerId, { locationId: second!.id, weekday: '1', startTime: '12:00', endTime: '17:00' });
    await addProviderHours(db(), admin, providerId, { locationId: location.id, weekday: '2', startTime: '10:00', endTime: '14:00' });

    const { error, state } = await refusal(addProviderHours(db(), admin, providerId, { locationId: second!.id, weekday: '1', startTime: '11:30', endTime: '13:00' }));
    expect(error).toBeInstanceOf(ProviderRuleError);
    expect(state.fieldErrors?.startTime).toBe('They overlap Monday 09:00–12:00 at Main Street. Change the times or remove those hours first.');
    await expect(addProviderHours(db(), admin, providerId, { locationId: location.id, weekday: '2', startTime: '08:00', endTime: '18:00' })).rejects.toBeInstanceOf(ProviderRuleError);

    const hours = await listProviderHours(db(), admin, providerId);
    expect(hours.map((h) => [h.weekday, h.startTime, h.endTime, h.locationName])).toEqual([
      [1, '09:00', '12:00', 'Main Street'], [1, '12:00', '17:00', 'Uptown'], [2, '10:00', '14:00', 'Main Street'],
    ]);
    await removeProviderHours(db(), admin, hours[0]!.id);
    expect(await listProviderHours(db(), admin, providerId)).toHaveLength(2);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.tenantId, clinic.id))).map((e) => e.action);
    expect(actions.filter((a) => a === 'settings.provider_hours_added')).toHaveLength(3);
    expect(actions).toContain('settings.provider_hours_removed');
  });

  it('refuses an end before the start, bad times and weekdays, with field messages', async () => {
    const { admin, providerId, location } = await clinicWithProvider();
    const { error, state } = await refusal(addProviderHours(db(), admin, providerId, { locationId: location.id, weekday: '3', startTime: '17:00', endTime: '09:00' }));
    expect(error).toBeInstanceOf(SettingsValidationError);
    expect(state.fieldErrors).toEqual({ endTime: 'The end time must be after the start time.' });
    const bad = await refusal(addProviderHours(db(), admin, providerId, { locationId: location.id, weekday: '7', startTime: '25:00', endTime: 'noon' }));
    expect(bad.state.fieldErrors).toMatchObject({ weekday: 'Choose a day of the week.', startTime: expect.stringMatching(/HH:MM/), endTime: expect.stringMatching(/HH:MM/) });
    expect(await listProviderHours(db(), admin, providerId)).toEqual([]);
  });

  it('another clinic’s provider, location or hours answer not-found', async () => {
    const a = await clinicWithProvider();
    const b = await clinicWithProvider();
    const hours = { weekday: '1', startTime: '09:00', endTime: '12:00' };
    await expect(addProviderHours(db(), a.admin, b.providerId, { ...hours, locationId: a.location.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(addProviderHours(db(), a.admin, a.providerId, { ...hours, locationId: b.location.id })).rejects.toBeInstanceOf(NotFoundError);
    const { id } = await addProviderHours(db(), b.admin, b.providerId, { ...hours, locationId: b.location.id });
    await expect(removeProviderHours(db(), a.admin, id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await listProviderHours(db(), a.admin, b.providerId)).toEqual([]);
    expect(await db().select().from(availabilityRules).where(eq(availabilityRules.id, id))).toHaveLength(1);
  });
});

describe('time off', () => {
  it('reads start and end in the location’s time zone, lists upcoming time off and removes it', async () => {
    setClockForTests(() => new Date('2026-03-01T12:00:00Z'));
    const { clinic, admin, providerId, location } = await clinicWithProvider('America/New_York');
    // 8 March 2026 is the first day of daylight saving time in New York.
    const added = await addTimeOff(db(), admin, providerId, { locationId: location.id, startsAt: '2026-03-07T09:00', endsAt: '2026-03-09T17:00', reason: 'Conference' });
    expect(added.startsAt.toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(added.endsAt.toISOString()).toBe('2026-03-09T21:00:00.000Z');
    await addTimeOff(db(), admin, providerId, { locationId: location.id, startsAt: '2026-03-02T08:00', endsAt: '2026-03-02T12:00', reason: '' });
    const upcoming = await listUpcomingTimeOff(db(), admin, providerId);
    expect(upcoming.map((t) => t.reason)).toEqual([null, 'Conference']);

    setClockForTests(() => new Date('2026-03-05T00:00:00Z'));
    expect((await listUpcomingTimeOff(db(), admin, providerId)).map((t) => t.reason)).toEqual(['Conference']);
    await removeTimeOff(db(), admin, added.id);
    expect(await listUpcomingTimeOff(db(), admin, providerId)).toEqual([]);
    const actions = (await db().select().from(auditLog).where(eq(auditLog.tenantId, clinic.id))).map((e) => e.action);
    expect(actions.filter((a) => a === 'settings.provider_time_off_added')).toHaveLength(2);
    expect(actions).toContain('settings.provider_time_off_removed');
  });

  it('refuses an end at or before the start, a period already over and impossible dates', async () => {
    setClockForTests(() => new Date('2026-03-01T12:00:00Z'));
    const { admin, providerId, location } = await clinicWithProvider();
    const order = await refusal(addTimeOff(db(), admin, providerId, { locationId: location.id, startsAt: '2026-04-02T09:00', endsAt: '2026-04-02T09:00' }));
    expect(order.error).toBeInstanceOf(ProviderRuleError);
    expect(order.state.fieldErrors).toEqual({ endsAt: 'The end must be after the start.' });
    await expect(addTimeOff(db(), admin, providerId, { locationId: location.id, startsAt: '2026-04-03T09:00', endsAt: '2026-04-02T09:00' })).rejects.toBeInstanceOf(ProviderRuleError);
    const past = await refusal(addTimeOff(db(), admin, providerId, { locationId: location.id, startsAt: '2026-02-01T09:00', endsAt: '2026-02-02T09:00' }));
    expect(past.state.fieldErrors?.endsAt).toMatch(/already ended/);
    const bad = await refusal(addTimeOff(db(), admin, providerId, { locationId: location.id, startsAt: '2026-02-31T09:00', endsAt: 'tomorrow' }));
    expect(bad.state.fieldErrors).toEqual({ startsAt: 'Enter the start date and time.', endsAt: 'Enter the end date and time.' });
    expect(await listUpcomingTimeOff(db(), admin, providerId)).toEqual([]);
  });

  it('another clinic’s provider or time off answers not-found', async () => {
    setClockForTests(() => new Date('2026-03-01T12:00:00Z'));
    const a = await clinicWithProvider();
    const b = await clinicWithProvider();
    const period = { startsAt: '2026-04-02T09:00', endsAt: '2026-04-02T12:00' };
    await expect(addTimeOff(db(), a.admin, b.providerId, { ...period, locationId: a.location.id })).rejects.toBeInstanceOf(NotFoundError);
    const { id } = await addTimeOff(db(), b.admin, b.providerId, { ...period, locationId: b.location.id });
    await expect(removeTimeOff(db(), a.admin, id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await db().select().from(timeOff).where(eq(timeOff.id, id))).toHaveLength(1);
  });

  it('needs settings.manage for every provider change', async () => {
    const { clinic, providerId, location } = await clinicWithProvider();
    const marketing = await createStaffContext(clinic, 'marketing');
    await expect(listProviderCandidates(db(), marketing)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setProviderFlag(db(), marketing, providerId, false)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setProviderServices(db(), marketing, providerId, [])).rejects.toBeInstanceOf(ForbiddenError);
    await expect(addProviderHours(db(), marketing, providerId, { locationId: location.id, weekday: '1', startTime: '09:00', endTime: '10:00' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(addTimeOff(db(), marketing, providerId, { locationId: location.id, startsAt: '2030-01-01T09:00', endsAt: '2030-01-01T10:00' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
