import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, locations, patients, services, timeOff } from '@/db/schema';
import { SLOT_TAKEN_MESSAGE } from '@/lib/scheduling/staff-refusals';
import { bookingSlots, getScheduleAppointment, loadSchedule, type ScheduleParams } from '@/lib/scheduling/schedule-view';
import { zonedInstant } from '@/lib/scheduling/zoned-time';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { createBookingClinic, createProviders, holdClockAt, offerServices, weekdayHours } from '../support/scheduling-fixtures';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The calendar schedule (issue 20 point 1): the read model carries working hours and time off for
 * the grid; a visit moved by drag or the Move dialog goes through rescheduleAppointment, so a taken
 * time answers 'slot-taken' in words and the visit stays, and the clinic's rules still hold; the
 * booking page preselects the time of the free cell chosen; the page draws the grid.
 */

const actions = await import('@/app/t/[tenant]/emr/(app)/schedule/actions');
const { default: schedulePage } = await import('@/app/t/[tenant]/emr/(app)/schedule/page');

const NY = 'America/New_York';
const BUD = 'Europe/Budapest';
// Friday 2030-03-01, 07:00 in New York; the visits are on Tuesday the 5th.
const NOW = new Date('2030-03-01T12:00:00Z');
const DAY = '2030-03-05';
const ny = (time: string, date = DAY) => zonedInstant(date, time, NY);

holdClockAt(NOW);

async function clinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 0, bookingHorizonDays: 120, bufferMinutes: 0, cancellationWindowHours: 24 });
  const db = getDb();
  const [east, budapest] = await db.insert(locations).values([
    { tenantId: tenant.id, name: 'East Side', addressLine1: '1 Main St', city: 'New York', timeZone: NY },
    { tenantId: tenant.id, name: 'Zz Budapest', addressLine1: 'Andrássy út 1', city: 'Budapest', country: 'HU', timeZone: BUD },
  ]).returning();
  const [visit] = await db.insert(services).values([{ tenantId: tenant.id, name: 'Consultation', durationMinutes: 30 }]).returning();
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, visit!], [bob, visit!]]);
  await weekdayHours(tenant, [
    { provider: ada, location: east!, from: '09:00', to: '12:00' },
    { provider: bob, location: east!, from: '13:00', to: '17:00' },
    { provider: ada, location: budapest!, from: '09:00', to: '10:00' },
  ]);
  const tag = randomBytes(3).toString('hex');
  const [maria, leo] = await db.insert(patients).values([
    { tenantId: tenant.id, recordNumber: `M-${tag}`, firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1986-04-12' },
    { tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03' },
  ]).returning();
  const put = async (o: { startsAt: Date; providerId?: string; patientId?: string }) => {
    const [row] = await db.insert(appointments).values({
      tenantId: tenant.id, patientId: o.patientId ?? maria!.id, providerId: o.providerId ?? ada.id, serviceId: visit!.id,
      locationId: east!.id, startsAt: o.startsAt, endsAt: new Date(o.startsAt.getTime() + 30 * 60_000), status: 'booked',
      bookedByKind: 'staff', bookedById: staff.actor.id,
    }).returning();
    return row!;
  };
  const desk = async (who = staff) => {
    const { cookies } = await signIn('staff', { tenantId: tenant.id, subjectId: who.actor.id });
    return { host: hostFor(tenant.slug), cookies, path: '/emr/schedule' };
  };
  return { tenant, staff, east: east!, budapest: budapest!, visit: visit!, ada, bob, maria: maria!, leo: leo!, put, desk };
}

const params = (over: Partial<ScheduleParams>): ScheduleParams => ({ view: 'day', by: 'location', ...over });
const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
  return (outcome as { value: { ok?: boolean; message?: string; fieldErrors?: Record<string, string>; slots?: { value: string; label: string }[]; providers?: { name: string }[] } }).value;
};
const row = async (id: string) => (await getDb().select().from(appointments).where(eq(appointments.id, id)))[0]!;
const moveForm = (fields: { appointmentId: string; providerId: string; startsAt: Date; locationId?: string }) =>
  formData({ ...fields, startsAt: fields.startsAt.toISOString(), locationId: fields.locationId ?? '' });

describe('the calendar’s read model', () => {
  it('carries each provider’s working windows and time off for the view, in the location’s zone', async () => {
    const c = await clinic();
    await getDb().insert(timeOff).values([
      { tenantId: c.tenant.id, providerId: c.bob.id, startsAt: ny('14:00'), endsAt: ny('15:00'), reason: 'Conference' },
      { tenantId: c.tenant.id, providerId: c.bob.id, startsAt: ny('14:00', '2030-03-12'), endsAt: ny('15:00', '2030-03-12'), reason: 'Next week' },
    ]);
    const day = await loadSchedule(getDb(), c.staff, params({ date: DAY, location: c.east.id }));
    const inDay = day.hours.filter((h) => h.startsAt >= day.from && h.startsAt < day.to);
    expect(inDay.map((h) => [h.providerId, h.startsAt, h.endsAt])).toEqual([
      [c.ada.id, ny('09:00'), ny('12:00')],
      [c.bob.id, ny('13:00'), ny('17:00')],
    ]);
    expect(day.timeOff.map((t) => t.reason)).toEqual(['Conference']);
    expect(day.columns.map((col) => col.name)).toEqual(['Dr Ada', 'Dr Bob']);

    // By provider: Ada's hours everywhere, Budapest's in Budapest's zone (03:00–04:00 in New York).
    const adaDay = await loadSchedule(getDb(), c.staff, params({ by: 'provider', provider: c.ada.id, date: DAY }));
    expect(adaDay.hours.filter((h) => h.locationId === c.budapest.id && h.startsAt >= adaDay.from && h.startsAt < adaDay.to).map((h) => h.startsAt))
      .toEqual([zonedInstant(DAY, '09:00', BUD)]);
    expect(adaDay.timeOff).toEqual([]);
  });

  it('sees no other clinic’s hours or time off', async () => {
    const c = await clinic();
    const other = await clinic();
    await getDb().insert(timeOff).values({ tenantId: other.tenant.id, providerId: other.bob.id, startsAt: ny('14:00'), endsAt: ny('15:00'), reason: 'Theirs' });
    const view = await loadSchedule(getDb(), c.staff, params({ date: DAY, location: other.east.id }));
    expect(view.location?.id).toBe(c.east.id);
    expect(view.hours.every((h) => [c.ada.id, c.bob.id].includes(h.providerId))).toBe(true);
    expect(view.timeOff).toEqual([]);
  });
});

describe('moving a visit from the calendar', () => {
  it('moves to a free time and another provider, through the reschedule path (old one points at the new)', async () => {
    const c = await clinic();
    const visit = await c.put({ startsAt: ny('09:00') });
    const req = await c.desk();
    const outcome = await invokeAction(req, actions.moveAppointmentAction, {}, moveForm({ appointmentId: visit.id, providerId: c.bob.id, startsAt: ny('13:15') }));
    const state = returned(outcome);
    expect(state).toMatchObject({ ok: true });
    expect(state.message).toMatch(/^Visit moved to Tue, Mar 5, 2030, 1:15 PM EST with Dr Bob\./);
    expect(outcome.revalidated).toContain('path:/emr/schedule');
    const old = await row(visit.id);
    expect(old).toMatchObject({ status: 'cancelled', cancelReason: 'Rescheduled' });
    expect(await row(old.rescheduledToId!)).toMatchObject({ status: 'booked', providerId: c.bob.id, locationId: c.east.id, startsAt: ny('13:15') });
    // The desk reads the old one as moved (with the new visit to open), not as a cancellation.
    const moved = await getScheduleAppointment(getDb(), c.staff, visit.id);
    expect(moved).toMatchObject({ moved: true, movedTo: { id: old.rescheduledToId } });
  });

  it('answers a taken time with "slot-taken" in words and leaves the visit where it was', async () => {
    const c = await clinic();
    const visit = await c.put({ startsAt: ny('09:00') });
    await c.put({ startsAt: ny('10:00'), patientId: c.leo.id });
    const req = await c.desk();
    const state = returned(await invokeAction(req, actions.moveAppointmentAction, {}, moveForm({ appointmentId: visit.id, providerId: c.ada.id, startsAt: ny('10:15') })));
    expect(state).toMatchObject({ ok: false, message: SLOT_TAKEN_MESSAGE, fieldErrors: { slot: SLOT_TAKEN_MESSAGE } });
    expect(await row(visit.id)).toMatchObject({ status: 'booked', startsAt: ny('09:00'), rescheduledToId: null });
    const live = await getDb().select({ id: appointments.id }).from(appointments)
      .where(and(eq(appointments.tenantId, c.tenant.id), eq(appointments.status, 'booked')));
    expect(live).toHaveLength(2);
  });

  it('keeps the clinic’s rules: outside hours, time off and a provider who does not offer the service are refused', async () => {
    const c = await clinic();
    const visit = await c.put({ startsAt: ny('09:00') });
    await getDb().insert(timeOff).values({ tenantId: c.tenant.id, providerId: c.bob.id, startsAt: ny('14:00'), endsAt: ny('15:00'), reason: 'Conference' });
    const req = await c.desk();
    const move = async (providerId: string, startsAt: Date, locationId?: string) =>
      returned(await invokeAction(req, actions.moveAppointmentAction, {}, moveForm({ appointmentId: visit.id, providerId, startsAt, locationId })));
    expect((await move(c.ada.id, ny('12:00'))).message).toMatch(/not working at that time/);
    expect((await move(c.bob.id, ny('14:15'))).message).toMatch(/away at that time/);
    // Bob has no hours in Budapest.
    expect((await move(c.bob.id, zonedInstant(DAY, '09:00', BUD), c.budapest.id)).message).toMatch(/does not offer this service at this location/);
    expect(await row(visit.id)).toMatchObject({ status: 'booked', startsAt: ny('09:00') });
    // Moving 15 minutes later overlaps its own old time: allowed, the old one is released in the same transaction.
    expect(await move(c.ada.id, ny('09:15'))).toMatchObject({ ok: true });
  });

  it('refuses a visit no longer booked, another clinic’s visit, a level without schedule.manage and a bad form', async () => {
    const c = await clinic();
    const other = await clinic();
    const visit = await c.put({ startsAt: ny('09:00') });
    const theirs = await other.put({ startsAt: ny('09:00') });
    const req = await c.desk();
    const first = returned(await invokeAction(req, actions.moveAppointmentAction, {}, moveForm({ appointmentId: visit.id, providerId: c.ada.id, startsAt: ny('10:00') })));
    expect(first.ok).toBe(true);
    const again = returned(await invokeAction(req, actions.moveAppointmentAction, {}, moveForm({ appointmentId: visit.id, providerId: c.ada.id, startsAt: ny('11:00') })));
    expect(again.message).toBe('This visit is already cancelled, so it can no longer be changed.');

    const foreign = returned(await invokeAction(req, actions.moveAppointmentAction, {}, moveForm({ appointmentId: theirs.id, providerId: other.ada.id, startsAt: ny('10:00') })));
    expect(foreign).toMatchObject({ ok: false, message: 'This appointment, patient, service or provider no longer exists. Reload the page.' });
    expect(await row(theirs.id)).toMatchObject({ status: 'booked', startsAt: ny('09:00') });

    const support = await createStaffContext(c.tenant, 'support');
    const fresh = await c.put({ startsAt: ny('11:00') });
    const refused = await invokeAction(await c.desk(support), actions.moveAppointmentAction, {}, moveForm({ appointmentId: fresh.id, providerId: c.ada.id, startsAt: ny('11:30') }));
    expect(refused.kind, JSON.stringify(refused)).toBe('forbidden');
    expect(await row(fresh.id)).toMatchObject({ status: 'booked', startsAt: ny('11:00') });

    const bad = returned(await invokeAction(req, actions.moveAppointmentAction, {}, formData({ appointmentId: fresh.id, providerId: c.ada.id, startsAt: 'tomorrow' })));
    expect(bad).toMatchObject({ ok: false, fieldErrors: { startsAt: 'Pick a new time.' } });
  });

  it('gives the Move dialog the providers offering the service and a provider’s free times that day', async () => {
    const c = await clinic();
    const visit = await c.put({ startsAt: ny('09:00') });
    const req = await c.desk();
    const own = returned(await invokeAction(req, actions.moveTimesCall, { appointmentId: visit.id, day: DAY }));
    expect(own.providers?.map((p) => p.name)).toEqual(['Dr Ada', 'Dr Bob']);
    expect(own).toMatchObject({ providerId: c.ada.id, day: DAY });
    // Ada's own visit still holds 09:00.
    expect(own.slots?.map((s) => s.label)).toEqual(['9:30 AM EST with Dr Ada', '10:00 AM EST with Dr Ada', '10:30 AM EST with Dr Ada', '11:00 AM EST with Dr Ada', '11:30 AM EST with Dr Ada']);
    const bobs = returned(await invokeAction(req, actions.moveTimesCall, { appointmentId: visit.id, providerId: c.bob.id, day: DAY }));
    expect(bobs.slots?.[0]?.label).toBe('1:00 PM EST with Dr Bob');
    const other = await clinic();
    const theirs = await other.put({ startsAt: ny('09:00') });
    expect(returned(await invokeAction(req, actions.moveTimesCall, { appointmentId: theirs.id, day: DAY }))).toMatchObject({ ok: false });
  });
});

describe('booking from a free cell', () => {
  it('preselects the chosen time, adds it when off the service’s grid, and says when it is gone', async () => {
    const c = await clinic();
    const base = { serviceId: c.visit.id, locationId: c.east.id, providerId: c.ada.id, day: DAY };
    const onGrid = await bookingSlots(getDb(), c.staff, { ...base, time: '10:00' });
    expect(onGrid?.chosen).toBe(`${ny('10:00').toISOString()}|${c.ada.id}`);
    expect(onGrid?.missed).toBe(false);
    const offGrid = await bookingSlots(getDb(), c.staff, { ...base, time: '10:15' });
    expect(offGrid?.chosen).toBe(`${ny('10:15').toISOString()}|${c.ada.id}`);
    expect(offGrid?.slots.map((s) => s.label).slice(0, 4)).toEqual([
      '9:00 AM EST with Dr Ada', '9:30 AM EST with Dr Ada', '10:00 AM EST with Dr Ada', '10:15 AM EST with Dr Ada',
    ]);
    await c.put({ startsAt: ny('10:00'), patientId: c.leo.id });
    const gone = await bookingSlots(getDb(), c.staff, { ...base, time: '10:15' });
    expect(gone).toMatchObject({ chosen: null, missed: true });
    expect(gone?.slots.map((s) => s.label)).not.toContain('10:00 AM EST with Dr Ada');
    expect(await bookingSlots(getDb(), c.staff, { ...base })).toMatchObject({ chosen: null, missed: false });
  });
});

describe('the schedule page', () => {
  const render = async (req: Awaited<ReturnType<Awaited<ReturnType<typeof clinic>>['desk']>>, searchParams: Record<string, string>) => {
    const { renderToStaticMarkup } = await import('react-dom/server');
    const outcome = await invokeAction(req, async () => renderToStaticMarkup(await schedulePage({ searchParams: Promise.resolve(searchParams) })));
    expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
    return (outcome as { value: string }).value;
  };

  it('draws the grid with time and provider headers, free cells to book, visits with Manage; read-only for support', async () => {
    const c = await clinic();
    await c.put({ startsAt: ny('09:00') });
    const html = await render(await c.desk(), { view: 'day', by: 'location', location: c.east.id, date: DAY });
    expect(html).toContain('data-testid="schedule-grid"');
    expect(html).toMatch(/<th scope="col"[^>]*data-testid="schedule-column"[^>]*>Dr Ada/);
    expect(html).toMatch(/<th scope="row"[^>]*><span class="">9:00 AM<\/span>/);
    expect(html).toContain('Book 9:30 AM with Dr Ada');
    expect(html).not.toContain('Book 9:00 AM with Dr Ada');
    expect(html).toContain(`/emr/schedule/book?location=${c.east.id}&amp;day=${DAY}&amp;provider=${c.ada.id}&amp;time=09%3A30`);
    expect(html).toMatch(/data-drag-id="[0-9a-f-]{36}"/);
    expect(html).toContain('Manage visit: Maria Lopez');

    const support = await createStaffContext(c.tenant, 'support');
    const readOnly = await render(await c.desk(support), { view: 'week', by: 'location', location: c.east.id, date: DAY });
    expect(readOnly.match(/data-testid="schedule-day"/g)).toHaveLength(7);
    expect(readOnly).not.toContain('Book ');
    expect(readOnly).not.toContain('data-drag-id');
    expect(readOnly).not.toContain('Manage visit');
    expect(readOnly).toContain('Maria Lopez');
  });
});
