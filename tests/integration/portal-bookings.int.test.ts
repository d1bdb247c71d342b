import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bookingParamsSchema } from '@/app/t/[tenant]/portal/(app)/bookings/params';
import { getDb } from '@/db/client';
import { appointments, locations, patients, services } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { findSlotInDay, listBookableLocations, listBookableServices, loadBookingMonth, resolveBookingChoice } from '@/lib/scheduling/online-booking';
import { bookPortalVisit, cancelPortalVisit, getBookingVisit, listBookingVisits, reschedulePortalVisit } from '@/lib/scheduling/patient-bookings';
import { displayZone } from '@/lib/scheduling/visit-display';
import { bookAppointment } from '@/lib/scheduling/booking';
import { createBookingClinic, createMariasFamily, createProviders, holdClockAt, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';

holdClockAt(NOW);

/**
 * Two bookable locations (Main Street: Ada and Bob; Riverside: Ada, vaccination only there), a
 * closed location, a staff-only and an inactive service, and a deactivated provider whose
 * service nobody else offers. Maria acts for herself and Leo; Sam is family but not linked.
 */
async function clinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 120, bookingHorizonDays: 30, bufferMinutes: 0, cancellationWindowHours: 24 });
  const db = getDb();
  const [main, riverside, closed] = await db.insert(locations).values([
    { tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ, phone: '+12125550100' },
    { tenantId: tenant.id, name: 'Riverside', addressLine1: '9 River Rd', city: 'Springfield', timeZone: TZ },
    { tenantId: tenant.id, name: 'Closed Annex', addressLine1: '3 Old Rd', city: 'Springfield', timeZone: TZ, active: false },
  ]).returning();
  const [visit, vaccine, staffOnly, retired, orphan] = await db.insert(services).values([
    { tenantId: tenant.id, name: 'Follow-up', durationMinutes: 30 },
    { tenantId: tenant.id, name: 'Vaccination', durationMinutes: 15 },
    { tenantId: tenant.id, name: 'Procedure', durationMinutes: 60, bookableOnline: false },
    { tenantId: tenant.id, name: 'Old service', durationMinutes: 30, active: false },
    { tenantId: tenant.id, name: 'Sleep study', durationMinutes: 30 },
  ]).returning();
  const tag = randomBytes(3).toString('hex');
  const [ada, bob, gone] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }, { name: 'Dr Gone', deactivated: true }]);
  await offerServices(tenant, [
    [ada, visit!], [ada, vaccine!], [ada, staffOnly!], [ada, retired!], [bob, visit!], [gone, orphan!],
  ]);
  await weekdayHours(tenant, [
    { provider: ada, location: main!, from: '09:00', to: '12:00' },
    { provider: bob, location: main!, from: '11:00', to: '13:00' },
    { provider: gone, location: main!, from: '09:00', to: '17:00' },
    { provider: ada, location: riverside!, from: '14:00', to: '17:00' },
    { provider: ada, location: closed!, from: '14:00', to: '17:00' },
  ]);
  const { maria, leo, sam, portal } = await createMariasFamily(tenant, tag);
  const [stranger] = await db.insert(patients).values([
    { tenantId: tenant.id, recordNumber: `X-${tag}`, firstName: 'Stranger', lastName: 'Z', dateOfBirth: '1970-03-01' },
  ]).returning();
  /** A visit written by the front desk, for any patient. */
  const staffBooks = async (patientId: string, startsAt: Date, providerId = ada.id) => {
    const result = await bookAppointment(db, staff, { patientId, serviceId: visit!.id, locationId: main!.id, providerId, startsAt });
    if (!result.ok) throw new Error(`staff booking failed: ${result.error}`);
    return result.appointment.id;
  };
  return {
    tenant, staff, main: main!, riverside: riverside!, closed: closed!, visit: visit!, vaccine: vaccine!, staffOnly: staffOnly!,
    retired: retired!, orphan: orphan!, ada, bob, gone, maria, leo, sam, stranger: stranger!, portal, staffBooks,
  };
}

async function statusOf(id: string) {
  const [row] = await getDb().select({ status: appointments.status, startsAt: appointments.startsAt }).from(appointments).where(eq(appointments.id, id));
  return row!;
}

describe('what the portal offers to book', () => {
  it('lists only locations and services a patient can actually book online', async () => {
    const c = await clinic();
    const other = await clinic();
    const db = getDb();
    expect((await listBookableLocations(db, c.portal())).map((l) => l.name)).toEqual(['Main Street', 'Riverside']);
    // Staff-only, inactive, and a service only a deactivated provider offers are all left out.
    expect((await listBookableServices(db, c.portal(), c.main.id)).map((s) => s.name)).toEqual(['Follow-up', 'Vaccination']);
    expect((await listBookableServices(db, c.portal(), c.riverside.id)).map((s) => s.name)).toEqual(['Follow-up', 'Vaccination']);
    expect(await listBookableServices(db, c.portal(), c.closed.id)).toEqual([]);
    // Another clinic's location, and ids that are not ids, list nothing.
    expect(await listBookableServices(db, c.portal(), other.main.id)).toEqual([]);
    expect(await listBookableServices(db, c.portal(), 'nope')).toEqual([]);
  });

  it('keeps only valid choices from the URL and treats anything else as not chosen', async () => {
    const c = await clinic();
    const other = await clinic();
    const db = getDb();
    const full = await resolveBookingChoice(db, c.portal(), { location: c.main.id, service: c.visit.id, provider: c.bob.id });
    expect(full.location?.id).toBe(c.main.id);
    expect(full.service?.id).toBe(c.visit.id);
    expect(full.providers.map((p) => p.name)).toEqual(['Dr Ada', 'Dr Bob']);
    expect(full.provider).toEqual({ id: c.bob.id, name: 'Dr Bob' });
    expect((await resolveBookingChoice(db, c.portal(), { location: c.main.id, service: c.visit.id, provider: 'any' })).provider).toBe('any');

    // Bob has no hours at Riverside; a staff-only service; another clinic's location; the closed one.
    expect((await resolveBookingChoice(db, c.portal(), { location: c.riverside.id, service: c.visit.id, provider: c.bob.id })).provider).toBeNull();
    expect((await resolveBookingChoice(db, c.portal(), { location: c.main.id, service: c.staffOnly.id })).service).toBeNull();
    expect((await resolveBookingChoice(db, c.portal(), { location: other.main.id })).location).toBeNull();
    expect((await resolveBookingChoice(db, c.portal(), { location: c.closed.id })).location).toBeNull();
    expect((await resolveBookingChoice(db, c.portal(), { location: c.main.id, service: other.visit.id })).service).toBeNull();
  });

  it('chooses the location itself when the clinic has only one', async () => {
    const c = await clinic();
    await getDb().update(locations).set({ active: false }).where(eq(locations.id, c.riverside.id));
    const choice = await resolveBookingChoice(getDb(), c.portal(), {});
    expect(choice.location?.id).toBe(c.main.id);
  });

  it('validates URL parameters by shape, dropping bad ones', () => {
    const ok = bookingParamsSchema.parse({
      location: '0b7e3f9a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', provider: 'any', week: '2030-01-14', slot: '2030-01-14T14:00:00.000Z', notice: 'taken',
    });
    expect(ok).toMatchObject({ provider: 'any', week: '2030-01-14', slot: '2030-01-14T14:00:00.000Z', notice: 'taken' });
    const bad = bookingParamsSchema.parse({ location: "1' or 1=1", service: ['x', 'y'], provider: 'everyone', week: 'soon', slot: 'javascript:1', notice: 'boom' });
    expect(bad).toEqual({ location: undefined, service: undefined, provider: undefined, week: undefined, slot: undefined, notice: undefined });
  });
});

describe('the month of free times', () => {
  it('opens on the first free day, marks the month’s free days, and moves between months inside the horizon', async () => {
    const c = await clinic();
    const db = getDb();
    const query = { serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id };
    const month = await loadBookingMonth(db, c.portal(), query);
    expect(month).toMatchObject({ month: '2030-01', previous: null, next: '2030-02', today: '2030-01-07', firstDate: '2030-01-07', lastDate: '2030-02-06', timeZone: TZ });
    expect(month.day).toBe('2030-01-07');
    // Weekdays only, from the first bookable day; Ada's six half-hours a morning.
    expect(month.freeDays).toHaveLength(19);
    expect(month.freeDays.slice(0, 6)).toEqual(['2030-01-07', '2030-01-08', '2030-01-09', '2030-01-10', '2030-01-11', '2030-01-14']);
    expect(month.slots).toHaveLength(6);
    const february = await loadBookingMonth(db, c.portal(), { ...query, month: '2030-02' });
    // The horizon ends on Feb 6 at 07:00, before Ada's first time that day.
    expect(february).toMatchObject({ month: '2030-02', previous: '2030-01', next: null, freeDays: ['2030-02-01', '2030-02-04', '2030-02-05'] });
    // A month or day asked for outside the rules, or that is not a date, stays inside them.
    expect((await loadBookingMonth(db, c.portal(), { ...query, month: '2029-12' })).month).toBe('2030-01');
    expect((await loadBookingMonth(db, c.portal(), { ...query, day: '2030-02-30' })).day).toBe('2030-01-07');
    expect((await loadBookingMonth(db, c.portal(), { ...query, month: '2030-05' })).month).toBe('2030-02');
  });

  it('finds a chosen slot only while it is free', async () => {
    const c = await clinic();
    const db = getDb();
    const at = ny('2030-01-15', '10:00');
    const query = { serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, slot: at.toISOString() };
    const month = await loadBookingMonth(db, c.portal(), query);
    expect(month.day).toBe('2030-01-15');
    expect(findSlotInDay(month, at.toISOString())?.startsAt).toEqual(at);
    expect(findSlotInDay(month, 'not a date')).toBeNull();
    await c.staffBooks(c.stranger.id, at);
    expect(findSlotInDay(await loadBookingMonth(db, c.portal(), query), at.toISOString())).toBeNull();
  });
});

describe('the selected patient’s visits', () => {
  it('lists current and upcoming visits of that patient only, with whether each can still be changed', async () => {
    const c = await clinic();
    const db = getDb();
    const soon = await c.staffBooks(c.maria.patient.id, ny('2030-01-07', '10:00'));
    const later = await c.staffBooks(c.maria.patient.id, ny('2030-01-09', '10:00'));
    await c.staffBooks(c.leo.id, ny('2030-01-09', '11:00'));
    const visits = await listBookingVisits(db, c.portal());
    expect(visits.map((v) => [v.id, v.changeable])).toEqual([[soon, false], [later, true]]);
    expect(visits[1]).toMatchObject({
      serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, locationPhone: '+12125550100', windowHours: 24,
      changeUntil: ny('2030-01-08', '10:00'),
    });
    // Another patient's visit is not there to be found by id either.
    expect(await getBookingVisit(db, c.portal(c.leo.id), later)).toBeNull();
    expect(await getBookingVisit(db, c.portal(), 'nope')).toBeNull();
  });

  it('uses the patient’s zone when the runtime knows it, else the location’s', () => {
    expect(displayZone('Europe/Budapest', TZ)).toBe('Europe/Budapest');
    expect(displayZone(null, TZ)).toBe(TZ);
    expect(displayZone('Mars/Olympus', TZ)).toBe(TZ);
  });
});

describe('booking, moving and cancelling from the portal', () => {
  it('books "any provider" with whoever is free at that time, and says taken when nobody is', async () => {
    const c = await clinic();
    const db = getDb();
    const at = ny('2030-01-09', '11:00');
    await c.staffBooks(c.stranger.id, at, c.ada.id);
    const booked = await bookPortalVisit(db, c.portal(c.leo.id), { serviceId: c.visit.id, locationId: c.main.id, providerId: 'any', startsAt: at });
    expect(booked.ok).toBe(true);
    if (!booked.ok) return;
    const [row] = await db.select().from(appointments).where(eq(appointments.id, booked.appointment.id));
    expect(row).toMatchObject({ providerId: c.bob.id, patientId: c.leo.id, bookedByKind: 'patient' });
    expect(await bookPortalVisit(db, c.portal(), { serviceId: c.visit.id, locationId: c.main.id, providerId: 'any', startsAt: at }))
      .toEqual({ ok: false, error: 'slot-taken' });
    // A time that is not on anyone's grid.
    expect(await bookPortalVisit(db, c.portal(), { serviceId: c.visit.id, locationId: c.main.id, providerId: 'any', startsAt: ny('2030-01-09', '11:07') }))
      .toEqual({ ok: false, error: 'slot-taken' });
  });

  it('answers not-found, never throws, for staff-only services, foreign ids and patients it may not act for', async () => {
    const c = await clinic();
    const other = await clinic();
    const db = getDb();
    const at = ny('2030-01-09', '10:00');
    const input = { serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, startsAt: at };
    expect(await bookPortalVisit(db, c.portal(), { ...input, serviceId: c.staffOnly.id })).toEqual({ ok: false, error: 'not-found' });
    expect(await bookPortalVisit(db, c.portal(), { ...input, locationId: other.main.id })).toEqual({ ok: false, error: 'not-found' });
    expect(await bookPortalVisit(db, c.portal(), { ...input, providerId: other.ada.id })).toEqual({ ok: false, error: 'not-found' });
    expect(await bookPortalVisit(db, c.portal(c.sam.id), input)).toEqual({ ok: false, error: 'not-found' });
    expect(await db.select().from(appointments).where(eq(appointments.tenantId, c.tenant.id))).toHaveLength(0);
  });

  it('moves and cancels only the selected patient’s visits: others, and unlinked family, are not found', async () => {
    const c = await clinic();
    const db = getDb();
    const leos = await c.staffBooks(c.leo.id, ny('2030-01-09', '10:00'));
    const sams = await c.staffBooks(c.sam.id, ny('2030-01-09', '10:30'));
    const strangers = await c.staffBooks(c.stranger.id, ny('2030-01-09', '11:00'));
    const to = { providerId: 'any' as const, startsAt: ny('2030-01-10', '10:00') };
    // Maria acting for herself cannot reach Leo's visit; nobody reaches Sam's or the stranger's.
    expect(await reschedulePortalVisit(db, c.portal(), leos, to)).toEqual({ ok: false, error: 'not-found' });
    expect(await cancelPortalVisit(db, c.portal(), leos, 'x')).toEqual({ ok: false, error: 'not-found' });
    expect(await reschedulePortalVisit(db, c.portal(c.sam.id), sams, to)).toEqual({ ok: false, error: 'not-found' });
    expect(await cancelPortalVisit(db, c.portal(c.sam.id), sams, 'x')).toEqual({ ok: false, error: 'not-found' });
    expect(await cancelPortalVisit(db, c.portal(c.leo.id), strangers, 'x')).toEqual({ ok: false, error: 'not-found' });
    for (const id of [leos, sams, strangers]) expect((await statusOf(id)).status).toBe('booked');

    // With Leo selected, Maria moves his visit to any free provider and then cancels it.
    const moved = await reschedulePortalVisit(db, c.portal(c.leo.id), leos, to);
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(await statusOf(leos)).toMatchObject({ status: 'cancelled' });
    expect(await statusOf(moved.appointment.id)).toMatchObject({ status: 'booked', startsAt: to.startsAt });
    expect(await cancelPortalVisit(db, c.portal(c.leo.id), moved.appointment.id, '  ')).toEqual({ ok: false, error: 'reason-required' });
    expect(await cancelPortalVisit(db, c.portal(c.leo.id), moved.appointment.id, 'Feeling better')).toEqual({ ok: true });
    expect((await statusOf(moved.appointment.id)).status).toBe('cancelled');
  });

  it('refuses changes inside the clinic’s window and keeps the old time when the new one is taken', async () => {
    const c = await clinic();
    const db = getDb();
    const soon = await c.staffBooks(c.maria.patient.id, ny('2030-01-08', '10:00'));
    const later = await c.staffBooks(c.maria.patient.id, ny('2030-01-10', '10:00'));
    const busy = await c.staffBooks(c.stranger.id, ny('2030-01-10', '11:00'), c.ada.id);
    await c.staffBooks(c.stranger.id, ny('2030-01-10', '11:00'), c.bob.id);
    // Tomorrow 10:00 is 27 hours away: changeable now, not once the clock passes the 24-hour mark.
    setClockForTests(() => ny('2030-01-07', '10:01'));
    expect(await cancelPortalVisit(db, c.portal(), soon, 'Busy')).toEqual({ ok: false, error: 'outside-window', hoursBefore: 24 });
    expect(await reschedulePortalVisit(db, c.portal(), soon, { providerId: c.ada.id, startsAt: ny('2030-01-09', '09:00') }))
      .toEqual({ ok: false, error: 'outside-window', hoursBefore: 24 });
    expect((await listBookingVisits(db, c.portal()))[0]).toMatchObject({ id: soon, changeable: false });

    expect(await reschedulePortalVisit(db, c.portal(), later, { providerId: 'any', startsAt: ny('2030-01-10', '11:00') }))
      .toEqual({ ok: false, error: 'slot-taken' });
    expect(await statusOf(later)).toMatchObject({ status: 'booked', startsAt: ny('2030-01-10', '10:00') });
    expect((await statusOf(busy)).status).toBe('booked');
  });
});
