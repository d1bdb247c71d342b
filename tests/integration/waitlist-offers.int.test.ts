import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, auditLog, domainEvents, locations, outboxMessages, patients, services, tenantSettings, timeOff, waitlistEntries, waitlistOffers } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { bookAppointment, cancelAppointment } from '@/lib/scheduling/booking';
import { runWaitlistOffers, runWaitlistOffersFor } from '@/lib/waitlist/offer-job';
import { makeOfferToken } from '@/lib/waitlist/offer-links';
import { acceptOfferByLink, declineOfferByLink, inspectOfferLink } from '@/lib/waitlist/offers';
import { createBookingClinic, createProviders, holdClockAt, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';

holdClockAt(NOW);

/**
 * Issue 20, point 2: waitlist offers. Free times go to waiting entries in the order they joined,
 * at most the clinic's batch at once, the next wave when those lapse; an offer is held for the
 * clinic's minutes; the first accept books through the normal booking path and the others are
 * told the time is gone; two runners make each offer once; the link is the clinic's own.
 *
 * The clinic is in New York; it is Monday 2030-01-07, 07:00 there. Dr Ada works weekdays
 * 09:00–09:30 (one 30-minute time a day), Dr Bob 09:00–10:00 but is away on Wednesday. The
 * entries below wait for Wednesday 09:00–09:30 only, until that Wednesday, so Ada's Wednesday
 * 09:00, which Leo holds until the desk cancels it, is the one time that could fit.
 */

const db = () => getDb();
const WEDNESDAY_NINE = ny('2030-01-09', '09:00');

async function clinic(options: { batch?: number; minutes?: number } = {}) {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 60, bookingHorizonDays: 60, bufferMinutes: 0, cancellationWindowHours: 24 });
  await db().update(tenantSettings).set({ waitlistOfferBatch: options.batch ?? 2, waitlistOfferMinutes: options.minutes ?? 15 }).where(eq(tenantSettings.tenantId, tenant.id));
  const [main] = await db().insert(locations).values({ tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ }).returning();
  // A service name no message may carry.
  const [service] = await db().insert(services).values({ tenantId: tenant.id, name: 'Fertility consultation', durationMinutes: 30 }).returning();
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, service!], [bob, service!]]);
  await weekdayHours(tenant, [{ provider: ada, location: main!, from: '09:00', to: '09:30' }, { provider: bob, location: main!, from: '09:00', to: '10:00' }]);
  await db().insert(timeOff).values({ tenantId: tenant.id, providerId: bob.id, startsAt: ny('2030-01-09', '00:00'), endsAt: ny('2030-01-10', '00:00') });

  const tag = randomBytes(3).toString('hex');
  let n = 0;
  const patient = async (firstName: string) => {
    n++;
    const [row] = await db().insert(patients).values({
      tenantId: tenant.id, recordNumber: `W-${tag}-${n}`, firstName, lastName: 'Q', dateOfBirth: '1990-01-01',
      email: `${firstName.toLowerCase()}-${tag}@example.test`, phone: `+1555020${String(n).padStart(4, '0')}`,
    }).returning();
    return row!;
  };
  /** A waiting entry made by the desk, joined `minutesAgo` before now; by default Wednesday 09:00–09:30 with any provider. */
  const entry = async (patientId: string, minutesAgo: number, over: Partial<typeof waitlistEntries.$inferInsert> = {}) => {
    const [row] = await db().insert(waitlistEntries).values({
      tenantId: tenant.id, patientId, serviceId: service!.id, locationId: main!.id, weekdays: [3], earliestTime: '09:00', latestTime: '09:30',
      untilOn: '2030-01-09', createdByKind: 'staff', createdById: staff.actor.id, createdAt: new Date(NOW.getTime() - minutesAgo * 60_000), ...over,
    }).returning();
    return row!;
  };
  /** Leo's visit holds Wednesday 09:00 with Ada until the desk cancels it. */
  const leo = await patient('Leo');
  const leoVisit = await bookAppointment(db(), staff, { patientId: leo.id, serviceId: service!.id, locationId: main!.id, providerId: ada.id, startsAt: WEDNESDAY_NINE });
  if (!leoVisit.ok) throw new Error('could not book Leo');
  const cancelLeo = async () => expect(await cancelAppointment(db(), staff, leoVisit.appointment.id, 'Leo is unwell')).toEqual({ ok: true });
  const offers = () => db().select().from(waitlistOffers).where(eq(waitlistOffers.tenantId, tenant.id)).orderBy(asc(waitlistOffers.createdAt), asc(waitlistOffers.patientId));
  const messages = (offerId: string, kind: 'made' | 'gone') => db()
    .select({ channel: outboxMessages.channel, recipient: outboxMessages.recipient, body: outboxMessages.body, subject: outboxMessages.subject, purpose: outboxMessages.purpose })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.tenantId, tenant.id), like(outboxMessages.idempotencyKey, `waitlist-offer:${offerId}:${kind}:%`)));
  const run = (at?: Date) => runWaitlistOffersFor(db(), tenant.id, at);
  return { tenant, staff, main: main!, service: service!, ada, bob, patient, entry, leo, cancelLeo, offers, messages, run };
}

const tokenOf = (tenantId: string, offerId: string) => makeOfferToken(tenantId, offerId);

describe('who is offered a freed time', () => {
  it('offers it in the order the entries joined, to at most the batch at once, the next wave after the hold', async () => {
    const c = await clinic({ batch: 2, minutes: 15 });
    const people = await Promise.all(['Ana', 'Ben', 'Cy', 'Di'].map((name) => c.patient(name)));
    // Joined in the order Ana, Ben, Cy, Di (made here in another order).
    for (const [i, minutesAgo] of [[3, 10], [1, 30], [0, 40], [2, 20]] as const) await c.entry(people[i]!.id, minutesAgo);

    expect((await c.run()).waitlistOffersMade).toBe(0); // Leo still has the time
    await c.cancelLeo();
    expect((await c.run()).waitlistOffersMade).toBe(2);
    let offers = await c.offers();
    expect(offers.map((o) => o.patientId).sort()).toEqual([people[0]!.id, people[1]!.id].sort());
    expect(offers.map((o) => o.status)).toEqual(['offered', 'offered']);
    expect(offers.every((o) => o.providerId === c.ada.id && o.startsAt.getTime() === WEDNESDAY_NINE.getTime())).toBe(true);
    expect(offers[0]!.expiresAt).toEqual(new Date(NOW.getTime() + 15 * 60_000));
    // Nothing more while those two hold it.
    expect((await c.run()).waitlistOffersMade).toBe(0);

    // Each offer is one email and one SMS: the clinic, the time, the hold and the link; no service, no name.
    const sent = await c.messages(offers[0]!.id, 'made');
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const sms = sent.find((m) => m.channel === 'sms')!;
    expect(sms.purpose).toBe('care');
    expect(sms.body).toContain(c.tenant.name);
    expect(sms.body).toContain('Wednesday, January 9, 2030');
    expect(sms.body).toContain('9:00 AM EST');
    expect(sms.body).toContain('15 minutes');
    expect(sms.body).toContain(`/portal/waitlist/offers/${tokenOf(c.tenant.id, offers[0]!.id)}`);
    for (const m of sent) for (const secret of ['Fertility', 'Ana', 'Ben', 'Dr Ada']) expect(`${m.subject ?? ''} ${m.body}`).not.toContain(secret);

    // The hold lapses: the next two in line get it, the first two never again.
    const later = new Date(NOW.getTime() + 16 * 60_000);
    setClockForTests(() => later);
    const second = await c.run(later);
    expect(second).toMatchObject({ waitlistOffersExpired: 2, waitlistOffersMade: 2 });
    offers = await c.offers();
    const open = offers.filter((o) => o.status === 'offered').map((o) => o.patientId).sort();
    expect(open).toEqual([people[2]!.id, people[3]!.id].sort());
    expect(offers.filter((o) => o.status === 'expired')).toHaveLength(2);

    // Cy says no thanks: nobody is left who was not offered it.
    const cys = offers.find((o) => o.patientId === people[2]!.id && o.status === 'offered')!;
    expect(await declineOfferByLink(db(), c.tenant, tokenOf(c.tenant.id, cys.id))).toEqual({ ok: true });
    expect((await c.run(later)).waitlistOffersMade).toBe(0);
  });

  it('offers nothing to an entry of another weekday, other times or another provider, and expires entries past their last day', async () => {
    const c = await clinic();
    const [tue, late, bobOnly, fits] = await Promise.all(['Tue', 'Late', 'Bob', 'Fits'].map((name) => c.patient(name)));
    // Ada's Monday and Tuesday are taken too: without its rule, each entry below would get Wednesday 09:00.
    for (const date of ['2030-01-07', '2030-01-08']) {
      expect((await bookAppointment(db(), c.staff, { patientId: c.leo.id, serviceId: c.service.id, locationId: c.main.id, providerId: c.ada.id, startsAt: ny(date, '09:00') })).ok).toBe(true);
    }
    await c.entry(tue!.id, 40, { weekdays: [2], providerId: c.ada.id });
    await c.entry(late!.id, 30, { earliestTime: '09:30', latestTime: '10:00' });
    await c.entry(bobOnly!.id, 20, { providerId: c.bob.id });
    await c.entry(fits!.id, 10);
    await c.cancelLeo();
    await c.run();
    expect((await c.offers()).map((o) => o.patientId)).toEqual([fits!.id]);

    // Wednesday evening they still wait; on Thursday they have waited their last day.
    const wednesdayEvening = ny('2030-01-09', '23:59');
    setClockForTests(() => wednesdayEvening);
    expect((await c.run(wednesdayEvening)).waitlistEntriesExpired).toBe(0);
    const thursday = ny('2030-01-10', '00:00');
    setClockForTests(() => thursday);
    expect((await c.run(thursday)).waitlistEntriesExpired).toBe(4);
    const statuses = await db().select({ status: waitlistEntries.status }).from(waitlistEntries).where(eq(waitlistEntries.tenantId, c.tenant.id));
    expect(statuses.map((s) => s.status)).toEqual(['expired', 'expired', 'expired', 'expired']);
  });
});

describe('accepting an offer', () => {
  it('two accepts of one time at once: exactly one books, the other is gone and told once', async () => {
    const c = await clinic({ batch: 2 });
    const [ana, ben] = await Promise.all(['Ana', 'Ben'].map((name) => c.patient(name)));
    const anaEntry = await c.entry(ana!.id, 20);
    const benEntry = await c.entry(ben!.id, 10);
    await c.cancelLeo();
    await c.run();
    const offers = await c.offers();
    expect(offers).toHaveLength(2);

    const answers = await Promise.all(offers.map((o) => acceptOfferByLink(db(), c.tenant, tokenOf(c.tenant.id, o.id), { ip: '203.0.113.9' })));
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok)).toEqual([{ ok: false, reason: 'gone' }]);

    const booked = await db().select().from(appointments).where(and(eq(appointments.tenantId, c.tenant.id), eq(appointments.startsAt, WEDNESDAY_NINE), eq(appointments.status, 'booked')));
    expect(booked).toHaveLength(1);
    const winner = offers.find((o) => o.patientId === booked[0]!.patientId)!;
    const loser = offers.find((o) => o.id !== winner.id)!;
    expect(booked[0]).toMatchObject({ providerId: c.ada.id, bookedByKind: 'patient', bookedById: winner.patientId });

    const after = new Map((await c.offers()).map((o) => [o.id, o]));
    expect(after.get(winner.id)).toMatchObject({ status: 'accepted', appointmentId: booked[0]!.id });
    expect(after.get(loser.id)).toMatchObject({ status: 'gone' });
    expect(after.get(loser.id)!.toldAt).not.toBeNull();
    const [winnerEntry] = await db().select().from(waitlistEntries).where(eq(waitlistEntries.id, winner.entryId));
    expect(winnerEntry).toMatchObject({ status: 'booked', appointmentId: booked[0]!.id });
    const [loserEntry] = await db().select().from(waitlistEntries).where(eq(waitlistEntries.id, loser.entryId));
    expect(loserEntry!.status).toBe('waiting');
    expect([anaEntry.id, benEntry.id]).toContain(winner.entryId);

    // The loser hears once that it is gone (email and SMS), the winner gets the normal confirmation.
    const gone = await c.messages(loser.id, 'gone');
    expect(gone.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    expect(gone.find((m) => m.channel === 'sms')!.body).toContain('still on the waiting list');
    expect(await c.messages(winner.id, 'gone')).toEqual([]);
    const confirmations = await db().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, c.tenant.id), like(outboxMessages.idempotencyKey, `appointment:${booked[0]!.id}:confirmed:%`)));
    expect(confirmations.length).toBeGreaterThan(0);

    // Audited as the patient by the link, with the booking's own entry and event.
    const audits = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'waitlist.offer_accepted')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: 'patient', actorId: null, actorLabel: 'Waitlist offer link', patientId: winner.patientId, targetId: winner.id, ip: '203.0.113.9' });
    const bookedAudit = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'appointment.booked'), eq(auditLog.targetId, booked[0]!.id)));
    expect(bookedAudit).toHaveLength(1);
    const events = await db().select().from(domainEvents).where(and(eq(domainEvents.tenantId, c.tenant.id), eq(domainEvents.name, 'appointment.booked'), eq(domainEvents.patientId, winner.patientId)));
    expect(events).toHaveLength(1);

    // Answering again: the winner's link says it was taken, the loser's that it is gone; nothing more is booked.
    expect(await acceptOfferByLink(db(), c.tenant, tokenOf(c.tenant.id, winner.id))).toEqual({ ok: false, reason: 'accepted' });
    expect(await acceptOfferByLink(db(), c.tenant, tokenOf(c.tenant.id, loser.id))).toEqual({ ok: false, reason: 'gone' });
    expect(await c.messages(loser.id, 'gone')).toHaveLength(2);
  });

  it('refuses an offer past its hold, and says the time is gone when it was booked another way (telling the others)', async () => {
    const c = await clinic({ batch: 2 });
    const [ana, ben, cy] = await Promise.all(['Ana', 'Ben', 'Cy'].map((name) => c.patient(name)));
    await c.entry(ana!.id, 20);
    await c.entry(ben!.id, 10);
    await c.cancelLeo();
    await c.run();
    const [first, second] = await c.offers();

    // The desk books the time for someone else meanwhile.
    expect((await bookAppointment(db(), c.staff, { patientId: cy!.id, serviceId: c.service.id, locationId: c.main.id, providerId: c.ada.id, startsAt: WEDNESDAY_NINE })).ok).toBe(true);
    expect(await acceptOfferByLink(db(), c.tenant, tokenOf(c.tenant.id, first!.id))).toEqual({ ok: false, reason: 'gone' });
    const after = new Map((await c.offers()).map((o) => [o.id, o]));
    expect(after.get(first!.id)!.status).toBe('gone');
    expect(after.get(second!.id)!.status).toBe('gone');
    // The one who tried reads it on the page; the other is told.
    expect(await c.messages(first!.id, 'gone')).toEqual([]);
    expect(await c.messages(second!.id, 'gone')).toHaveLength(2);

    // An offer past its hold, before the job has marked it: expired.
    const d = await clinic();
    const dee = await d.patient('Dee');
    await d.entry(dee.id, 5);
    await d.cancelLeo();
    await d.run();
    const [offer] = await d.offers();
    setClockForTests(() => offer!.expiresAt);
    expect(await acceptOfferByLink(db(), d.tenant, tokenOf(d.tenant.id, offer!.id))).toEqual({ ok: false, reason: 'expired' });
    expect(await declineOfferByLink(db(), d.tenant, tokenOf(d.tenant.id, offer!.id))).toEqual({ ok: false, reason: 'expired' });
    expect(await db().select().from(appointments).where(and(eq(appointments.tenantId, d.tenant.id), eq(appointments.status, 'booked')))).toEqual([]);
  });

  it('a time booked another way makes the open offers gone at the next pass, each told once', async () => {
    const c = await clinic({ batch: 2 });
    const [ana, cy] = await Promise.all(['Ana', 'Cy'].map((name) => c.patient(name)));
    await c.entry(ana!.id, 20);
    await c.cancelLeo();
    await c.run();
    const [offer] = await c.offers();
    expect((await bookAppointment(db(), c.staff, { patientId: cy!.id, serviceId: c.service.id, locationId: c.main.id, providerId: c.ada.id, startsAt: WEDNESDAY_NINE })).ok).toBe(true);
    expect((await c.run()).waitlistOffersGone).toBe(1);
    expect((await c.run()).waitlistOffersGone).toBe(0);
    expect((await c.offers())[0]!.status).toBe('gone');
    expect(await c.messages(offer!.id, 'gone')).toHaveLength(2);
  });
});

describe('two runners at once', () => {
  it('make each offer once, with its messages once', async () => {
    const c = await clinic({ batch: 2 });
    const people = await Promise.all(['Ana', 'Ben', 'Cy'].map((name) => c.patient(name)));
    for (const [i, p] of people.entries()) await c.entry(p.id, 30 - i);
    await c.cancelLeo();
    const results = await Promise.all([runWaitlistOffers(db()), runWaitlistOffers(db()), c.run(), c.run()]);
    expect(results.length).toBe(4);
    const offers = await c.offers();
    expect(offers).toHaveLength(2);
    expect(offers.map((o) => o.patientId).sort()).toEqual([people[0]!.id, people[1]!.id].sort());
    for (const o of offers) expect(await c.messages(o.id, 'made')).toHaveLength(2);
  });
});

describe('the link', () => {
  it('shows when (location zone), where, with whom and the hold, never the service; forged and other clinics’ tokens do not work', async () => {
    const c = await clinic();
    const ana = await c.patient('Ana');
    await c.entry(ana.id, 5);
    await c.cancelLeo();
    await c.run();
    const [offer] = await c.offers();
    const token = tokenOf(c.tenant.id, offer!.id);
    const found = await inspectOfferLink(db(), c.tenant, token);
    expect(found).toMatchObject({
      ok: true, locale: 'en',
      offer: { id: offer!.id, state: 'open', entryWaiting: true, startsAt: WEDNESDAY_NINE, timeZone: TZ, patientTimeZone: null, provider: 'Dr Ada', location: { name: 'Main Street' } },
    });
    expect(JSON.stringify(found)).not.toContain('Fertility');

    // A changed signature, a token cut short, an unknown offer, another clinic's token.
    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const other = await clinic();
    for (const bad of [forged, token.slice(0, 20), tokenOf(c.tenant.id, randomUUID())]) {
      expect(await inspectOfferLink(db(), c.tenant, bad)).toEqual({ ok: false });
      expect(await acceptOfferByLink(db(), c.tenant, bad)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await inspectOfferLink(db(), other.tenant, token)).toEqual({ ok: false });
    expect(await acceptOfferByLink(db(), other.tenant, token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await declineOfferByLink(db(), other.tenant, token)).toEqual({ ok: false, reason: 'invalid' });
    expect((await c.offers())[0]!.status).toBe('offered');

    // The entry closed (the desk removed it): the open offer can no longer be taken.
    await db().update(waitlistEntries).set({ status: 'removed' }).where(eq(waitlistEntries.id, offer!.entryId));
    expect(await acceptOfferByLink(db(), c.tenant, token)).toEqual({ ok: false, reason: 'closed' });
  });
});
