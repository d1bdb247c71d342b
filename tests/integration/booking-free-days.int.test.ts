import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, availabilityRules, locations, patients, services, tenantSettings, timeOff } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { setClockForTests } from '@/lib/clock';
import { findFreeSlots } from '@/lib/scheduling/find-slots';
import { freeDaysInMonth } from '@/lib/scheduling/free-days';
import { loadBookingMonth } from '@/lib/scheduling/online-booking';
import { createBookingClinic, createMariasFamily, createProviders, holdClockAt, ny, offerServices, TZ } from '../support/scheduling-fixtures';

/**
 * The month picker's free days (lib/scheduling/free-days.ts) in New York, across both
 * daylight-saving changes of 2030: Sunday 10 March (02:00 → 03:00) and Sunday 3 November
 * (02:00 → 01:00). The clock stands on 1 March 2030; each test may move it.
 */
const MARCH_1 = new Date('2030-03-01T17:00:00Z');
holdClockAt(MARCH_1);

type Hours = { weekday: number; from: string; to: string };

async function clinic(rules: { minNoticeMinutes?: number; bookingHorizonDays?: number; bufferMinutes?: number } = {}) {
  const { tenant, staff } = await createBookingClinic({
    minNoticeMinutes: rules.minNoticeMinutes ?? 0, bookingHorizonDays: rules.bookingHorizonDays ?? 300,
    bufferMinutes: rules.bufferMinutes ?? 0, cancellationWindowHours: 24,
  });
  const db = getDb();
  const [location] = await db.insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'New York', timeZone: TZ }).returning();
  const [service] = await db.insert(services).values({ tenantId: tenant.id, name: 'Visit', durationMinutes: 30 }).returning();
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, service!], [bob, service!]]);
  const tag = randomBytes(3).toString('hex');
  const { portal } = await createMariasFamily(tenant, tag);
  const [patient] = await db.insert(patients).values({ tenantId: tenant.id, recordNumber: `P-${tag}`, firstName: 'Pat', lastName: 'Q', dateOfBirth: '1980-01-01' }).returning();
  const hours = (provider: { id: string }, list: Hours[]) =>
    db.insert(availabilityRules).values(list.map((h) => ({ tenantId: tenant.id, providerId: provider.id, locationId: location!.id, weekday: h.weekday, startTime: h.from, endTime: h.to })));
  /** A visit written straight into the table (the front desk's rules are not under test here). */
  const visit = (provider: { id: string }, startsAt: Date, minutes = 30, status: 'booked' | 'cancelled' = 'booked') =>
    db.insert(appointments).values({
      tenantId: tenant.id, patientId: patient!.id, providerId: provider.id, serviceId: service!.id, locationId: location!.id,
      startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000), status, bookedByKind: 'staff', bookedById: staff.actor.id,
      ...(status === 'cancelled' ? { cancelReason: 'Unwell', cancelledAt: MARCH_1 } : {}),
    });
  const away = (provider: { id: string }, startsAt: Date, endsAt: Date) => db.insert(timeOff).values({ tenantId: tenant.id, providerId: provider.id, startsAt, endsAt });
  const query = (providerId: string, month: string) => ({ serviceId: service!.id, locationId: location!.id, providerId, month });
  const freeDays = (providerId: string, month: string) => freeDaysInMonth(db, portal(), query(providerId, month));
  /** The dates on which findFreeSlots finds a time in the month: what the picker must agree with. */
  const slotDays = async (providerId: string, month: string) => {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const found = await findFreeSlots(db, tenant.id, {
      serviceId: service!.id, locationId: location!.id, providerId, audience: 'patient',
      from: ny(`${month}-01`, '00:00'), to: ny(`${next}-01`, '00:00'),
    });
    return found.days.filter((d) => d.slots.length > 0).map((d) => d.date);
  };
  return { tenant, db, location: location!, service: service!, ada, bob, portal, hours, visit, away, query, freeDays, slotDays };
}

describe('free days across a daylight-saving change', () => {
  it('offers the spring-forward Sunday whose only free time is right after 02:00 jumps to 03:00', async () => {
    const c = await clinic();
    // Sundays 01:00–03:30: on 10 March 02:00 and 02:30 do not exist, and the visit takes 01:00–02:00.
    await c.hours(c.ada, [{ weekday: 0, from: '01:00', to: '03:30' }]);
    await c.visit(c.ada, ny('2030-03-10', '01:00'), 60);
    expect(await c.freeDays(c.ada.id, '2030-03')).toEqual(['2030-03-03', '2030-03-10', '2030-03-17', '2030-03-24', '2030-03-31']);
    const month = await loadBookingMonth(c.db, c.portal(), { ...c.query(c.ada.id, '2030-03'), day: '2030-03-10' });
    // 03:00 EDT is 07:00 UTC: one hour after 01:00 EST (06:00 UTC), the jump in between.
    expect(month.slots.map((s) => s.startsAt.toISOString())).toEqual(['2030-03-10T07:00:00.000Z']);
    expect(await c.slotDays(c.ada.id, '2030-03')).toEqual(await c.freeDays(c.ada.id, '2030-03'));
  });

  it('leaves out the spring-forward Sunday when its only hours fall in the skipped hour', async () => {
    const c = await clinic();
    await c.hours(c.ada, [{ weekday: 0, from: '02:00', to: '03:00' }]);
    expect(await c.freeDays(c.ada.id, '2030-03')).toEqual(['2030-03-03', '2030-03-17', '2030-03-24', '2030-03-31']);
    expect(await c.slotDays(c.ada.id, '2030-03')).toEqual(await c.freeDays(c.ada.id, '2030-03'));
  });

  it('keeps a late-evening time on its local date, not the next UTC day, and offers the repeated hour once in November', async () => {
    const c = await clinic();
    // Saturdays 23:00–24:00 (04:00–05:00 UTC on the Sunday); Sundays 01:00–02:00, the hour that repeats on 3 November.
    await c.hours(c.ada, [{ weekday: 6, from: '23:00', to: '24:00' }, { weekday: 0, from: '01:00', to: '02:00' }]);
    const saturdays = ['2030-11-02', '2030-11-09', '2030-11-16', '2030-11-23', '2030-11-30'];
    const sundays = ['2030-11-03', '2030-11-10', '2030-11-17', '2030-11-24'];
    expect(await c.freeDays(c.ada.id, '2030-11')).toEqual([...saturdays, ...sundays].sort());
    // Sunday 3 November books out: only its own (first) 01:00 and 01:30 count; the repeat is not a third time.
    await c.visit(c.ada, ny('2030-11-03', '01:00'), 60);
    expect(await c.freeDays(c.ada.id, '2030-11')).not.toContain('2030-11-03');
    // The Saturday's 23:30 is 04:30 UTC on Sunday 1 December: it stays on Saturday 30 November.
    await c.visit(c.ada, ny('2030-11-30', '23:00'), 30);
    const lastSaturday = await loadBookingMonth(c.db, c.portal(), { ...c.query(c.ada.id, '2030-11'), day: '2030-11-30' });
    expect(lastSaturday.slots.map((s) => s.startsAt.toISOString())).toEqual(['2030-12-01T04:30:00.000Z']);
    expect(await c.freeDays(c.ada.id, '2030-11')).toContain('2030-11-30');
    expect(await c.slotDays(c.ada.id, '2030-11')).toEqual(await c.freeDays(c.ada.id, '2030-11'));
  });
});

describe('free days follow the booking rules', () => {
  it('agree with findFreeSlots day by day over busy months, for each provider and for anyone', async () => {
    const c = await clinic({ bufferMinutes: 10, minNoticeMinutes: 24 * 60 });
    await c.hours(c.ada, [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: '09:00', to: '12:00' })));
    await c.hours(c.bob, [{ weekday: 0, from: '22:00', to: '24:00' }, { weekday: 3, from: '08:30', to: '10:00' }, { weekday: 6, from: '10:00', to: '11:00' }]);
    // A fixed pseudo-random calendar: visits (some cancelled) and time off over March and November.
    let seed = 20300301;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const month of ['2030-03', '2030-11']) {
      for (let day = 1; day <= 30; day++) {
        const date = `${month}-${String(day).padStart(2, '0')}`;
        if (random() < 0.5) await c.visit(c.ada, ny(date, ['09:00', '09:30', '10:20', '11:00'][Math.floor(random() * 4)]!), random() < 0.5 ? 30 : 90, random() < 0.2 ? 'cancelled' : 'booked');
        if (random() < 0.3) await c.visit(c.bob, ny(date, ['08:30', '10:00', '22:30', '23:00'][Math.floor(random() * 4)]!), 60);
        if (random() < 0.1) await c.away(random() < 0.5 ? c.ada : c.bob, ny(date, '00:00'), ny(date, '23:59'));
      }
    }
    for (const month of ['2030-03', '2030-11']) {
      for (const provider of [c.ada.id, c.bob.id, 'any']) {
        const days = await c.freeDays(provider, month);
        expect(days.length).toBeGreaterThan(0);
        expect(days, `${provider} in ${month}`).toEqual(await c.slotDays(provider, month));
        // The page's month (all providers' times read at once) marks the same days.
        expect((await loadBookingMonth(c.db, c.portal(), { ...c.query(provider, month), month })).freeDays).toEqual(days);
      }
    }
  });

  it('respects the minimum notice, the horizon, time off and the buffer; anyone is free when one provider is', async () => {
    const c = await clinic({ minNoticeMinutes: 3 * 60, bookingHorizonDays: 10, bufferMinutes: 15 });
    await c.hours(c.ada, [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from: '09:00', to: '10:00' })));
    await c.hours(c.bob, [{ weekday: 2, from: '09:00', to: '10:00' }]);
    // Friday 1 March, 12:00 in New York: the 09:00 and 09:30 of today are past, and the notice
    // reaches 15:00. Ten days of horizon end on Monday 11 March at 13:00 (the clocks moved on the 10th).
    expect(await c.freeDays(c.ada.id, '2030-03')).toEqual(['2030-03-04', '2030-03-05', '2030-03-06', '2030-03-07', '2030-03-08', '2030-03-11']);
    // Earlier the same morning, the notice still leaves today's 09:30 (3 hours after 06:30).
    setClockForTests(() => ny('2030-03-01', '06:30'));
    expect((await c.freeDays(c.ada.id, '2030-03'))[0]).toBe('2030-03-01');
    setClockForTests(() => MARCH_1);
    // Time off over Monday; a visit 09:20–09:40 on Wednesday blocks both times with the 15-minute buffer.
    await c.away(c.ada, ny('2030-03-04', '08:00'), ny('2030-03-04', '18:00'));
    await c.visit(c.ada, ny('2030-03-06', '09:20'), 20);
    // Tuesday: Ada is booked, Bob is not.
    await c.visit(c.ada, ny('2030-03-05', '09:00'), 60);
    expect(await c.freeDays(c.ada.id, '2030-03')).toEqual(['2030-03-07', '2030-03-08', '2030-03-11']);
    expect(await c.freeDays(c.bob.id, '2030-03')).toEqual(['2030-03-05']);
    expect(await c.freeDays('any', '2030-03')).toEqual(['2030-03-05', '2030-03-07', '2030-03-08', '2030-03-11']);
    // Beyond the horizon and before today there is nothing; a bad month is no month.
    expect(await c.freeDays('any', '2030-04')).toEqual([]);
    expect(await c.freeDays('any', '2030-02')).toEqual([]);
    expect(await c.freeDays('any', '2030-13')).toEqual([]);
  });

  it('answers not-found for another clinic’s ids and a provider who does not offer the service', async () => {
    const c = await clinic();
    const other = await clinic();
    await expect(freeDaysInMonth(c.db, c.portal(), { ...c.query(c.ada.id, '2030-03'), serviceId: other.service.id })).rejects.toThrow(/not found/i);
    await expect(freeDaysInMonth(c.db, c.portal(), c.query(other.ada.id, '2030-03'))).rejects.toThrow(/not found/i);
    await expect(freeDaysInMonth(c.db, c.portal(), c.query('nope', '2030-03'))).rejects.toThrow(/not found/i);
  });
});

describe('the month the picker opens on', () => {
  it('skips months with nothing free, offers anyone’s earlier time, and says whether the waitlist is open', async () => {
    const c = await clinic();
    await c.hours(c.ada, [{ weekday: 1, from: '09:00', to: '10:00' }]);
    await c.hours(c.bob, [{ weekday: 2, from: '09:00', to: '09:30' }]);
    // Ada is away all of March; Bob is free on Tuesdays. The clinic keeps its waitlist to the front desk.
    await c.db.update(tenantSettings).set({ waitlistPortal: false }).where(eq(tenantSettings.tenantId, c.tenant.id));
    await c.away(c.ada, ny('2030-03-01', '00:00'), ny('2030-04-01', '00:00'));
    const month = await loadBookingMonth(c.db, c.portal(), { serviceId: c.service.id, locationId: c.location.id, providerId: c.ada.id });
    expect(month).toMatchObject({ month: '2030-04', day: '2030-04-01', previous: '2030-03', waitlistOpen: false });
    expect(month.nextWithChosen?.startsAt).toEqual(ny('2030-04-01', '09:00'));
    expect(month.nextAvailable?.startsAt).toEqual(ny('2030-03-05', '09:00'));
    expect(month.nextAvailable?.providers.map((p) => p.name)).toEqual(['Dr Bob']);
    await c.db.update(tenantSettings).set({ waitlistPortal: true }).where(eq(tenantSettings.tenantId, c.tenant.id));
    expect((await loadBookingMonth(c.db, c.portal(), { serviceId: c.service.id, locationId: c.location.id, providerId: 'any' })))
      .toMatchObject({ month: '2030-03', day: '2030-03-05', waitlistOpen: true });
  });
});
