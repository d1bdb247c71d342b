import { randomUUID } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, auditLog, domainEvents, outboxMessages, waitlistEntries } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { bookAppointment } from '@/lib/scheduling/booking';
import { runWaitlistOffers } from '@/lib/waitlist/offer-job';
import { makeOfferToken } from '@/lib/waitlist/offer-links';
import { acceptOfferByLink, declineOfferByLink, inspectOfferLink } from '@/lib/waitlist/offers';
import { holdClockAt, NOW, ny, TZ } from '../support/scheduling-fixtures';
import { waitlistClinic as clinic, WEDNESDAY_NINE } from './waitlist-offers-fixtures';

holdClockAt(NOW);

/**
 * Issue 20, point 2: waitlist offers. Free times go to waiting entries in the order they joined,
 * at most the clinic's batch at once, the next wave when those lapse; an offer is held for the
 * clinic's minutes; the first accept books through the normal booking path and the others are
 * told the time is gone; two runners make each offer once; the link is the clinic's own.
 * The clinic: ./waitlist-offers-fixtures.ts (Ada's Wednesday 09:00 is the one time that fits).
 */

const db = () => getDb();

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
