import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, locations, patients, portalAccountPatients, services, tenantSettings, waitlistEntries, waitlistOffers } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import {
  joinWaitlist, listClinicWaitlist, listPatientWaitlist, PATIENT_LEFT_REASON, removeWaitlistEntry, untilRange, WaitlistRefusal,
  type JoinWaitlistInput,
} from '@/lib/waitlist/entries';
import { createBookingClinic, createMariasFamily, createProviders, holdClockAt, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';
import { createStaffContext } from '../support/staff-context';

// Monday 2030-01-07, 07:00 in New York; the clinic books 30 days ahead (to 2030-02-06).
holdClockAt(NOW);
const db = getDb;

/**
 * Main Street (Ada and Bob offer the follow-up; Ada the staff-only procedure) and Riverside (Ada
 * only). Maria acts for herself and for Leo; the front desk (operations) and support (no
 * schedule.manage) are staff.
 */
async function clinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 120, bookingHorizonDays: 30, bufferMinutes: 0, cancellationWindowHours: 24 });
  const [main, riverside] = await db().insert(locations).values([
    { tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ },
    { tenantId: tenant.id, name: 'Riverside', addressLine1: '9 River Rd', city: 'Springfield', timeZone: TZ },
  ]).returning();
  const [visit, procedure] = await db().insert(services).values([
    { tenantId: tenant.id, name: 'Follow-up', durationMinutes: 30 },
    { tenantId: tenant.id, name: 'Procedure', durationMinutes: 60, bookableOnline: false },
  ]).returning();
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, visit!], [ada, procedure!], [bob, visit!]]);
  await weekdayHours(tenant, [
    { provider: ada, location: main!, from: '09:00', to: '12:00' },
    { provider: bob, location: main!, from: '11:00', to: '13:00' },
    { provider: ada, location: riverside!, from: '14:00', to: '17:00' },
  ]);
  const tag = randomBytes(3).toString('hex');
  const family = await createMariasFamily(tenant, tag);
  const [stranger] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: `X-${tag}`, firstName: 'Stranger', lastName: 'Z', dateOfBirth: '1970-03-01' }).returning();
  const support = await createStaffContext(tenant, 'support');
  /** A request for the follow-up at Main Street, any provider, weekday mornings, until February 1st. */
  const wish = (changes: Partial<JoinWaitlistInput> = {}): JoinWaitlistInput => ({
    serviceId: visit!.id, locationId: main!.id, providerId: 'any', weekdays: [1, 2, 3, 4, 5], earliestTime: '08:00', latestTime: '12:00',
    untilOn: '2030-02-01', ...changes,
  });
  return { tenant, staff, support, main: main!, riverside: riverside!, visit: visit!, procedure: procedure!, ada, bob, stranger: stranger!, wish, ...family };
}

type Clinic = Awaited<ReturnType<typeof clinic>>;

/** The refusal's code, or 'not-found' / 'forbidden', or 'ok'. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (error instanceof WaitlistRefusal) return error.code;
    if (error instanceof NotFoundError) return 'not-found';
    if (error instanceof ForbiddenError) return 'forbidden';
    throw error;
  }
}

async function entriesOf(c: Clinic) {
  return db().select().from(waitlistEntries).where(eq(waitlistEntries.tenantId, c.tenant.id));
}

describe('joining the waitlist', () => {
  it('puts the selected patient on the list from the portal, audited as the account acting for them', async () => {
    const c = await clinic();
    const { id } = await joinWaitlist(db(), c.portal(c.leo.id), c.wish({ providerId: c.bob.id }));
    const [row] = await entriesOf(c);
    expect(row).toMatchObject({
      id, patientId: c.leo.id, providerId: c.bob.id, weekdays: [1, 2, 3, 4, 5], earliestTime: '08:00:00', latestTime: '12:00:00',
      untilOn: '2030-02-01', status: 'waiting', createdByKind: 'patient', createdById: c.maria.account.id,
    });
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'waitlist.joined')));
    expect(audit).toMatchObject({ actorKind: 'patient', patientId: c.leo.id, targetId: id, outcome: 'success' });

    const mine = await listPatientWaitlist(db(), c.portal(c.leo.id));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id, status: 'waiting', service: { name: 'Follow-up' }, location: { name: 'Main Street' }, provider: { name: 'Dr Bob' }, latestOffer: null });
    // Maria's own list is hers: Leo's entry is not in it.
    expect(await listPatientWaitlist(db(), c.portal())).toEqual([]);
  });

  it('answers "already on the list" for a second open entry of the same service and location, and takes one again once it ended', async () => {
    const c = await clinic();
    const { id } = await joinWaitlist(db(), c.portal(), c.wish());
    expect(await outcome(() => joinWaitlist(db(), c.portal(), c.wish({ providerId: c.ada.id, weekdays: [2] })))).toBe('duplicate');
    // The same for staff adding her, and another service or location is another entry.
    expect(await outcome(() => joinWaitlist(db(), c.staff, c.wish({ patientId: c.maria.patient.id })))).toBe('duplicate');
    expect(await outcome(() => joinWaitlist(db(), c.portal(), c.wish({ locationId: c.riverside.id })))).toBe('ok');
    await removeWaitlistEntry(db(), c.portal(), { entryId: id });
    expect(await outcome(() => joinWaitlist(db(), c.portal(), c.wish()))).toBe('ok');
    expect((await entriesOf(c)).map((e) => e.status).sort()).toEqual(['removed', 'waiting', 'waiting']);
  });

  it('checks the days, the times, the last day against tomorrow and the horizon, and that the service is offered there', async () => {
    const c = await clinic();
    const cases: [Partial<JoinWaitlistInput>, string][] = [
      [{ weekdays: [] }, 'times'],
      [{ weekdays: [7] }, 'times'],
      [{ weekdays: [1.5] }, 'times'],
      [{ earliestTime: '12:00', latestTime: '12:00' }, 'times'],
      [{ earliestTime: '17:00', latestTime: '08:00' }, 'times'],
      [{ earliestTime: '8am' }, 'times'],
      [{ untilOn: '2030-01-07' }, 'until-too-soon'],
      [{ untilOn: '2030-02-30' }, 'until-too-soon'],
      [{ untilOn: '2030-02-07' }, 'until-too-late'],
      // Bob has no hours at Riverside.
      [{ locationId: c.riverside.id, providerId: c.bob.id }, 'not-offered'],
      [{ providerId: 'nobody' }, 'not-found'],
      // Staff-only: not a service the portal knows.
      [{ serviceId: c.procedure.id }, 'not-found'],
    ];
    for (const [changes, expected] of cases) expect(await outcome(() => joinWaitlist(db(), c.portal(), c.wish(changes))), JSON.stringify(changes)).toBe(expected);
    // The edges: tomorrow and the horizon's last day, any time of day on every day.
    expect(await outcome(() => joinWaitlist(db(), c.portal(), c.wish({ untilOn: '2030-01-08' })))).toBe('ok');
    expect(await outcome(() => joinWaitlist(db(), c.portal(c.leo.id), c.wish({ untilOn: '2030-02-06', weekdays: [0, 1, 2, 3, 4, 5, 6], earliestTime: '00:00', latestTime: '24:00' })))).toBe('ok');
    // The desk may put a patient on the list for a staff-only service.
    expect(await outcome(() => joinWaitlist(db(), c.staff, c.wish({ patientId: c.stranger.id, serviceId: c.procedure.id, providerId: c.ada.id })))).toBe('ok');
    expect(await outcome(() => joinWaitlist(db(), c.staff, c.wish({ patientId: c.stranger.id, serviceId: c.procedure.id, providerId: c.bob.id })))).toBe('not-offered');
    expect(await entriesOf(c)).toHaveLength(3);
  });

  it('the last day is counted in the location’s zone: at 23:30 in New York, tomorrow is the next local day', () => {
    // 2030-01-08 04:30 UTC is still January 7th in New York.
    expect(untilRange(new Date('2030-01-08T04:30:00Z'), TZ, 30)).toEqual({ first: '2030-01-08', last: '2030-02-06', suggested: '2030-02-04' });
    expect(untilRange(new Date('2030-01-08T04:30:00Z'), 'UTC', 30).first).toBe('2030-01-09');
    // A short horizon suggests its own last day.
    expect(untilRange(NOW, TZ, 7)).toEqual({ first: '2030-01-08', last: '2030-01-14', suggested: '2030-01-14' });
  });

  it('refuses the portal when the clinic turned online joining off; staff still add patients', async () => {
    const c = await clinic();
    await db().update(tenantSettings).set({ waitlistPortal: false }).where(eq(tenantSettings.tenantId, c.tenant.id));
    expect(await outcome(() => joinWaitlist(db(), c.portal(), c.wish()))).toBe('portal-off');
    expect(await outcome(() => joinWaitlist(db(), c.staff, c.wish({ patientId: c.maria.patient.id })))).toBe('ok');
    expect((await entriesOf(c)).map((e) => e.createdByKind)).toEqual(['staff']);
  });

  it('refuses a family member whose link does not open Bookings, and staff without schedule.manage', async () => {
    const c = await clinic();
    await db().update(portalAccountPatients).set({ scope: 'custom', areas: ['records'] }).where(and(
      eq(portalAccountPatients.tenantId, c.tenant.id), eq(portalAccountPatients.accountId, c.maria.account.id), eq(portalAccountPatients.patientId, c.leo.id),
    ));
    expect(await outcome(() => joinWaitlist(db(), c.portal(c.leo.id), c.wish()))).toBe('not-found');
    expect(await listPatientWaitlist(db(), c.portal(c.leo.id))).toEqual([]);
    // Sam is family, but not linked to Maria's account.
    expect(await outcome(() => joinWaitlist(db(), c.portal(c.sam.id), c.wish()))).toBe('not-found');
    expect(await outcome(() => joinWaitlist(db(), c.support, c.wish({ patientId: c.leo.id })))).toBe('forbidden');
    expect(await entriesOf(c)).toEqual([]);
  });

  it('treats another clinic’s patient, service, location and provider as not found', async () => {
    const c = await clinic();
    const other = await clinic();
    const cases: [Parameters<typeof joinWaitlist>[1], Partial<JoinWaitlistInput>][] = [
      [c.staff, { patientId: other.maria.patient.id }],
      [c.staff, { patientId: c.stranger.id, serviceId: other.visit.id }],
      [c.staff, { patientId: c.stranger.id, locationId: other.main.id }],
      [c.staff, { patientId: c.stranger.id, providerId: other.ada.id }],
      [c.portal(), { serviceId: other.visit.id }],
      [c.portal(), { locationId: other.main.id }],
      [c.portal(), { providerId: other.bob.id }],
      // The other clinic's portal account naming this clinic's patient.
      [other.portal(c.maria.patient.id), {}],
    ];
    for (const [actor, changes] of cases) expect(await outcome(() => joinWaitlist(db(), actor, c.wish(changes))), JSON.stringify(changes)).toBe('not-found');
    expect(await entriesOf(c)).toEqual([]);
    expect(await entriesOf(other)).toEqual([]);
  });
});

describe('leaving and removing', () => {
  it('a patient removes only their own entry; staff any of the clinic with a reason; open offers are withdrawn', async () => {
    const c = await clinic();
    const other = await clinic();
    const leos = await joinWaitlist(db(), c.portal(c.leo.id), c.wish());
    const marias = await joinWaitlist(db(), c.portal(), c.wish());
    const offered = { tenantId: c.tenant.id, serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, endsAt: ny('2030-01-09', '09:30'), expiresAt: new Date(NOW.getTime() + 15 * 60_000) };
    await db().insert(waitlistOffers).values([
      { ...offered, entryId: leos.id, patientId: c.leo.id, startsAt: ny('2030-01-09', '09:00') },
      { ...offered, entryId: marias.id, patientId: c.maria.patient.id, startsAt: ny('2030-01-09', '09:00') },
    ]);

    // Maria acting for herself cannot remove Leo's entry by its id; nor can another clinic.
    expect(await outcome(() => removeWaitlistEntry(db(), c.portal(), { entryId: leos.id }))).toBe('not-found');
    expect(await outcome(() => removeWaitlistEntry(db(), other.staff, { entryId: leos.id, reason: 'Probe' }))).toBe('not-found');
    expect(await outcome(() => removeWaitlistEntry(db(), c.portal(), { entryId: 'not-an-id' }))).toBe('not-found');
    expect(await outcome(() => removeWaitlistEntry(db(), c.support, { entryId: leos.id, reason: 'Probe' }))).toBe('forbidden');
    expect(await outcome(() => removeWaitlistEntry(db(), c.staff, { entryId: leos.id, reason: '  ' }))).toBe('reason-required');

    await removeWaitlistEntry(db(), c.portal(c.leo.id), { entryId: leos.id });
    await removeWaitlistEntry(db(), c.staff, { entryId: marias.id, reason: 'Booked by phone' });
    expect(await outcome(() => removeWaitlistEntry(db(), c.staff, { entryId: marias.id, reason: 'Again' }))).toBe('not-waiting');

    const rows = await entriesOf(c);
    expect(rows.find((r) => r.id === leos.id)).toMatchObject({ status: 'removed', removedReason: PATIENT_LEFT_REASON });
    expect(rows.find((r) => r.id === marias.id)).toMatchObject({ status: 'removed', removedReason: 'Booked by phone' });
    const offers = await db().select().from(waitlistOffers).where(eq(waitlistOffers.tenantId, c.tenant.id));
    expect(offers.map((o) => o.status)).toEqual(['declined', 'declined']);
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'waitlist.removed')));
    expect(audits.map((a) => a.actorKind).sort()).toEqual(['patient', 'staff']);

    // The patient still sees what happened to the entry, with its latest offer.
    const [leoEntry] = await listPatientWaitlist(db(), c.portal(c.leo.id));
    expect(leoEntry).toMatchObject({ status: 'removed', latestOffer: { status: 'declined', providerName: 'Dr Ada' } });
  });
});

describe('the clinic’s waitlist', () => {
  it('lists a location’s waiting entries in the order they joined, with their positions and the offers sent', async () => {
    const c = await clinic();
    const at = (minutes: number) => setClockForTests(() => new Date(NOW.getTime() + minutes * 60_000));
    at(1);
    const first = await joinWaitlist(db(), c.portal(c.leo.id), c.wish());
    at(2);
    const second = await joinWaitlist(db(), c.staff, c.wish({ patientId: c.stranger.id, providerId: c.ada.id }));
    at(3);
    const third = await joinWaitlist(db(), c.portal(), c.wish());
    at(4);
    await joinWaitlist(db(), c.portal(), c.wish({ locationId: c.riverside.id }));
    at(5);
    const offer = { tenantId: c.tenant.id, serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, patientId: c.stranger.id, entryId: second.id };
    await db().insert(waitlistOffers).values([
      { ...offer, startsAt: ny('2030-01-10', '09:00'), endsAt: ny('2030-01-10', '09:30'), expiresAt: ny('2030-01-07', '07:20'), status: 'expired', createdAt: ny('2030-01-07', '07:05') },
      { ...offer, startsAt: ny('2030-01-11', '09:00'), endsAt: ny('2030-01-11', '09:30'), expiresAt: ny('2030-01-07', '08:20'), createdAt: ny('2030-01-07', '08:05') },
    ]);

    const main = await listClinicWaitlist(db(), c.support, { locationId: c.main.id });
    expect(main.location?.name).toBe('Main Street');
    expect(main.total).toBe(3);
    expect(main.entries.map((e) => [e.position, e.id, e.patient.name])).toEqual([
      [1, first.id, 'Leo Q'], [2, second.id, 'Stranger Z'], [3, third.id, expect.stringContaining(' ')],
    ]);
    expect(main.entries[1]).toMatchObject({ provider: { name: 'Dr Ada' }, patient: { recordNumber: expect.stringMatching(/^X-/) } });
    expect(main.entries[1]!.offers.map((o) => o.status)).toEqual(['expired', 'offered']);
    expect(main.entries[0]).toMatchObject({ provider: null, offers: [] });

    // Removing the first moves everyone up; "all" keeps the queue's positions for those waiting.
    await removeWaitlistEntry(db(), c.staff, { entryId: first.id, reason: 'Moved away' });
    expect((await listClinicWaitlist(db(), c.support, { locationId: c.main.id })).entries.map((e) => [e.position, e.id])).toEqual([[1, second.id], [2, third.id]]);
    const all = await listClinicWaitlist(db(), c.support, { locationId: c.main.id, status: 'all' });
    expect(all.entries.map((e) => [e.position, e.status])).toEqual([[null, 'removed'], [1, 'waiting'], [2, 'waiting']]);
    expect((await listClinicWaitlist(db(), c.support, { locationId: c.main.id, status: 'removed' })).entries.map((e) => e.removedReason)).toEqual(['Moved away']);
    // A page past the end is empty, with the total still counted.
    expect(await listClinicWaitlist(db(), c.support, { locationId: c.main.id, page: 2 })).toMatchObject({ total: 2, entries: [] });
    // Each location has its own queue.
    expect((await listClinicWaitlist(db(), c.support, { locationId: c.riverside.id })).entries).toHaveLength(1);
  });

  it('shows another clinic’s location as its own first location, never the other clinic’s list', async () => {
    const c = await clinic();
    const other = await clinic();
    await joinWaitlist(db(), other.portal(), other.wish());
    const list = await listClinicWaitlist(db(), c.staff, { locationId: other.main.id });
    expect(list.location?.id).toBe(c.main.id);
    expect(list.entries).toEqual([]);
    expect(list.locations.map((l) => l.id).sort()).toEqual([c.main.id, c.riverside.id].sort());
    const noPermission = await createStaffContext(c.tenant, 'marketing');
    expect(await outcome(() => listClinicWaitlist(db(), noPermission))).toBe('forbidden');
  });
});
