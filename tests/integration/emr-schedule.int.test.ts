import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, locations, patients, services } from '@/db/schema';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { parseSlotValue, slotOptions } from '@/lib/scheduling/schedule-format';
import { ScheduleRefusedError, SLOT_TAKEN_MESSAGE, type Refusal } from '@/lib/scheduling/staff-refusals';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { bookAppointment, markCompleted } from '@/lib/scheduling/booking';
import {
  freeSlotsForDay, getScheduleAppointment, loadBookingChoices, loadSchedule, parseScheduleParams, scheduleRange, type ScheduleParams,
} from '@/lib/scheduling/schedule-view';
import { zonedInstant } from '@/lib/scheduling/zoned-time';
import { createBookingClinic, createProviders, holdClockAt, offerServices, weekdayHours } from '../support/scheduling-fixtures';
import { createStaffContext } from '../support/staff-context';

/** What the schedule's forms show for a refusal (the actions throw ScheduleRefusedError). */
const refusalState = (refusal: Refusal) => failureOf(new ScheduleRefusedError(refusal), STAFF_MESSAGES, 'test');

const NY = 'America/New_York';
const BUD = 'Europe/Budapest';
// Friday 2030-03-01, 07:00 in New York.
const NOW = new Date('2030-03-01T12:00:00Z');

holdClockAt(NOW);

async function clinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 0, bookingHorizonDays: 120, bufferMinutes: 0, cancellationWindowHours: 24 });
  const db = getDb();
  const [east, budapest] = await db.insert(locations).values([
    { tenantId: tenant.id, name: 'East Side', addressLine1: '1 Main St', city: 'New York', timeZone: NY },
    { tenantId: tenant.id, name: 'Zz Budapest', addressLine1: 'Andrássy út 1', city: 'Budapest', country: 'HU', timeZone: BUD },
  ]).returning();
  const [visit, staffOnly] = await db.insert(services).values([
    { tenantId: tenant.id, name: 'Consultation', durationMinutes: 30 },
    { tenantId: tenant.id, name: 'Procedure', durationMinutes: 60, bookableOnline: false },
  ]).returning();
  const tag = randomBytes(3).toString('hex');
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, visit!], [ada, staffOnly!], [bob, visit!]]);
  await weekdayHours(tenant, [
    { provider: ada, location: east!, from: '09:00', to: '12:00' },
    { provider: bob, location: budapest!, from: '09:00', to: '12:00' },
  ]);
  const [maria, leo] = await db.insert(patients).values([
    { tenantId: tenant.id, recordNumber: `M-${tag}`, firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1986-04-12' },
    { tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03' },
  ]).returning();
  /** Straight into the table: the read model must show whatever is there, hours or not. */
  const put = async (o: { startsAt: Date; minutes?: number; providerId?: string; locationId?: string; patientId?: string; status?: 'booked' | 'cancelled' | 'completed' | 'no_show' }) => {
    const [row] = await db.insert(appointments).values({
      tenantId: tenant.id, patientId: o.patientId ?? maria!.id, providerId: o.providerId ?? ada.id, serviceId: visit!.id,
      locationId: o.locationId ?? east!.id, startsAt: o.startsAt, endsAt: new Date(o.startsAt.getTime() + (o.minutes ?? 30) * 60_000),
      status: o.status ?? 'booked',
      ...(o.status === 'cancelled' ? { cancelReason: 'Unwell', cancelledAt: NOW } : {}),
      bookedByKind: 'staff', bookedById: staff.actor.id,
    }).returning();
    return row!;
  };
  return { tenant, staff, east: east!, budapest: budapest!, visit: visit!, staffOnly: staffOnly!, ada, bob, maria: maria!, leo: leo!, put };
}

const params = (over: Partial<ScheduleParams>): ScheduleParams => ({ view: 'day', by: 'location', ...over });

describe('schedule params', () => {
  it('falls back to defaults for anything unreadable instead of failing', () => {
    expect(parseScheduleParams({ view: 'month', by: 'room', date: '2030-02-30', location: 'x', provider: "1' or 1=1", notice: 'hacked' }))
      .toEqual({ view: 'day', by: 'location', date: undefined, location: undefined, provider: undefined, notice: undefined });
    expect(parseScheduleParams({ view: ['week', 'day'], by: 'provider', date: '2030-03-04' }))
      .toMatchObject({ view: 'week', by: 'provider', date: '2030-03-04' });
  });
});

describe('loadSchedule', () => {
  it('cuts the day at the location’s midnight, not UTC’s', async () => {
    const c = await clinic();
    const ny = (d: string, t: string) => zonedInstant(d, t, NY);
    const late = await c.put({ startsAt: ny('2030-03-05', '23:30') }); // 04:30 UTC on the 6th
    await c.put({ startsAt: ny('2030-03-04', '23:30') });
    await c.put({ startsAt: ny('2030-03-06', '00:00') });
    const view = await loadSchedule(getDb(), c.staff, params({ date: '2030-03-05', location: c.east.id }));
    expect(view.timeZone).toBe(NY);
    expect(view.from).toEqual(ny('2030-03-05', '00:00'));
    expect(view.appointments.map((a) => a.id)).toEqual([late.id]);
    expect(view.appointments[0]).toMatchObject({
      date: '2030-03-05', status: 'booked',
      patient: { id: c.maria.id, name: 'Maria Lopez' }, service: { name: 'Consultation' },
      provider: { id: c.ada.id, name: 'Dr Ada' }, location: { id: c.east.id, name: 'East Side', timeZone: NY },
    });
  });

  it('covers seven local days across the spring-forward week in New York (167 hours)', async () => {
    const c = await clinic();
    const ny = (d: string, t: string) => zonedInstant(d, t, NY);
    const inside = [await c.put({ startsAt: ny('2030-03-04', '00:15') }), await c.put({ startsAt: ny('2030-03-10', '23:00') })];
    await c.put({ startsAt: ny('2030-03-03', '23:30') });
    await c.put({ startsAt: ny('2030-03-11', '00:00') });
    // Any day of the week gives the week from Monday.
    const view = await loadSchedule(getDb(), c.staff, params({ view: 'week', date: '2030-03-07', location: c.east.id }));
    expect(view.days).toEqual(['2030-03-04', '2030-03-05', '2030-03-06', '2030-03-07', '2030-03-08', '2030-03-09', '2030-03-10']);
    expect((view.to.getTime() - view.from.getTime()) / 3_600_000).toBe(167);
    expect(view.appointments.map((a) => a.id)).toEqual(inside.map((a) => a.id));
    expect(view.appointments.map((a) => a.date)).toEqual(['2030-03-04', '2030-03-10']);
  });

  it('uses the Budapest location’s own zone and its own daylight-saving weeks (167 and 169 hours)', async () => {
    const c = await clinic();
    const range = scheduleRange('week', '2030-03-31', BUD);
    expect(range.days[0]).toBe('2030-03-25');
    expect((range.to.getTime() - range.from.getTime()) / 3_600_000).toBe(167);
    const autumn = scheduleRange('week', '2030-10-27', BUD);
    expect((autumn.to.getTime() - autumn.from.getTime()) / 3_600_000).toBe(169);
    const sunday = await c.put({ startsAt: zonedInstant('2030-03-31', '23:30', BUD), providerId: c.bob.id, locationId: c.budapest.id });
    const view = await loadSchedule(getDb(), c.staff, params({ view: 'week', date: '2030-03-27', location: c.budapest.id }));
    expect(view.timeZone).toBe(BUD);
    expect(view.appointments.map((a) => [a.id, a.date])).toEqual([[sunday.id, '2030-03-31']]);
  });

  it('filters by location (provider columns) or by provider (location columns)', async () => {
    const c = await clinic();
    const day = '2030-03-05';
    const adaEast = await c.put({ startsAt: zonedInstant(day, '09:00', NY) });
    const bobBudapest = await c.put({ startsAt: zonedInstant(day, '10:00', BUD), providerId: c.bob.id, locationId: c.budapest.id, patientId: c.leo.id });
    // Ada visiting Budapest once, without hours there.
    const adaBudapest = await c.put({ startsAt: zonedInstant(day, '11:00', BUD), locationId: c.budapest.id, status: 'cancelled' });

    const east = await loadSchedule(getDb(), c.staff, params({ date: day, location: c.east.id }));
    expect(east.appointments.map((a) => a.id)).toEqual([adaEast.id]);
    expect(east.columns.map((col) => col.name)).toEqual(['Dr Ada']);

    const budapest = await loadSchedule(getDb(), c.staff, params({ date: day, location: c.budapest.id }));
    expect(budapest.appointments.map((a) => [a.id, a.status])).toEqual([[bobBudapest.id, 'booked'], [adaBudapest.id, 'cancelled']]);
    expect(budapest.columns.map((col) => col.name)).toEqual(['Dr Ada', 'Dr Bob']);

    const ada = await loadSchedule(getDb(), c.staff, params({ by: 'provider', view: 'week', date: day, provider: c.ada.id }));
    expect(ada.provider?.name).toBe('Dr Ada');
    expect(ada.location).toBeNull();
    expect(ada.timeZone).toBe(NY);
    expect(new Set(ada.appointments.map((a) => a.id))).toEqual(new Set([adaEast.id, adaBudapest.id]));
    expect(ada.columns.map((col) => col.name)).toEqual(['East Side', 'Zz Budapest']);

    // No choice given: the first location by name.
    const first = await loadSchedule(getDb(), c.staff, params({ date: day }));
    expect(first.location?.id).toBe(c.east.id);
  });

  it('never shows another clinic’s appointments, even when given its ids', async () => {
    const c = await clinic();
    const other = await clinic();
    const day = '2030-03-05';
    const mine = await c.put({ startsAt: zonedInstant(day, '09:00', NY) });
    const theirs = await other.put({ startsAt: zonedInstant(day, '09:00', NY) });
    for (const p of [
      params({ date: day, location: other.east.id }),
      params({ date: day, by: 'provider', provider: other.ada.id }),
      params({ date: day, view: 'week' }),
    ]) {
      const view = await loadSchedule(getDb(), c.staff, p);
      expect(view.appointments.map((a) => a.id)).not.toContain(theirs.id);
      expect(view.locations.map((l) => l.id)).not.toContain(other.east.id);
      expect(view.providers.map((x) => x.id)).not.toContain(other.ada.id);
    }
    expect((await loadSchedule(getDb(), c.staff, params({ date: day, location: other.east.id }))).appointments.map((a) => a.id)).toEqual([mine.id]);
    await expect(getScheduleAppointment(getDb(), c.staff, theirs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getScheduleAppointment(getDb(), c.staff, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    expect((await getScheduleAppointment(getDb(), c.staff, mine.id)).patient.name).toBe('Maria Lopez');
  });

  it('refuses a level without schedule access; view-only levels cannot load booking data', async () => {
    const c = await clinic();
    const marketing = await createStaffContext(c.tenant, 'marketing');
    await expect(loadSchedule(getDb(), marketing, params({}))).rejects.toBeInstanceOf(ForbiddenError);
    const support = await createStaffContext(c.tenant, 'support');
    expect((await loadSchedule(getDb(), support, params({}))).location?.id).toBe(c.east.id);
    await expect(loadBookingChoices(getDb(), support, {})).rejects.toBeInstanceOf(ForbiddenError);
    await expect(freeSlotsForDay(getDb(), support, { serviceId: c.visit.id, locationId: c.east.id, providerId: 'any', day: '2030-03-05' }))
      .rejects.toBeInstanceOf(ForbiddenError);
    await expect(getScheduleAppointment(getDb(), marketing, (await c.put({ startsAt: zonedInstant('2030-03-05', '09:00', NY) })).id))
      .rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('staff booking support', () => {
  it('offers staff-only services and their providers, and one local day of free slots', async () => {
    const c = await clinic();
    const choices = await loadBookingChoices(getDb(), c.staff, { locationId: c.east.id, serviceId: c.staffOnly.id });
    expect(choices.services.map((s) => s.name)).toEqual(['Consultation', 'Procedure']);
    expect(choices.providers.map((p) => p.name)).toEqual(['Dr Ada']);
    expect((await loadBookingChoices(getDb(), c.staff, { locationId: 'nope', serviceId: c.visit.id })).location).toBeNull();

    const free = await freeSlotsForDay(getDb(), c.staff, { serviceId: c.staffOnly.id, locationId: c.east.id, providerId: 'any', day: '2030-03-05' });
    expect(free.days.map((d) => d.date)).toEqual(['2030-03-05']);
    const options = slotOptions(free, 'any');
    expect(options.map((o) => o.label)).toEqual(['9:00 AM EST with Dr Ada', '10:00 AM EST with Dr Ada', '11:00 AM EST with Dr Ada']);
    expect(parseSlotValue(options[0]!.value)).toEqual({ startsAt: zonedInstant('2030-03-05', '09:00', NY), providerId: c.ada.id });
    expect(parseSlotValue('garbage')).toBeNull();
  });

  it('answers a lost race with the "taken" message and fresh slots without the lost time', async () => {
    const c = await clinic();
    const day = '2030-03-05';
    const before = slotOptions(await freeSlotsForDay(getDb(), c.staff, { serviceId: c.visit.id, locationId: c.east.id, providerId: c.ada.id, day }), c.ada.id);
    const picked = parseSlotValue(before[0]!.value)!;
    const input = { patientId: c.maria.id, serviceId: c.visit.id, locationId: c.east.id, ...picked };
    expect((await bookAppointment(getDb(), c.staff, input)).ok).toBe(true);
    const lost = await bookAppointment(getDb(), c.staff, { ...input, patientId: c.leo.id });
    expect(lost).toEqual({ ok: false, error: 'slot-taken' });
    if (lost.ok) return;
    expect(refusalState(lost)).toMatchObject({ message: SLOT_TAKEN_MESSAGE, fieldErrors: { slot: SLOT_TAKEN_MESSAGE } });
    expect(SLOT_TAKEN_MESSAGE).toBe('That time was just taken — pick another.');
    const after = slotOptions(await freeSlotsForDay(getDb(), c.staff, { serviceId: c.visit.id, locationId: c.east.id, providerId: c.ada.id, day }), c.ada.id);
    expect(after.map((o) => o.value)).not.toContain(before[0]!.value);
    expect(after).toHaveLength(before.length - 1);
  });

  it('explains a refusal to complete a visit that has not started', async () => {
    const c = await clinic();
    const future = await c.put({ startsAt: zonedInstant('2030-03-05', '09:00', NY) });
    const result = await markCompleted(getDb(), c.staff, future.id);
    expect(result).toEqual({ ok: false, error: 'not-started' });
    if (result.ok) return;
    expect(refusalState(result).message).toMatch(/has not started yet/);
    expect(refusalState({ ok: false, error: 'not-active', status: 'no_show' }).message).toBe('This visit is already no-show, so it can no longer be changed.');
    expect(refusalState({ ok: false, error: 'reason-required' }).fieldErrors?.reason).toBe('Enter a reason for the cancellation.');
  });
});
