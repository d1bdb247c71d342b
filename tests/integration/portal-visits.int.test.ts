import { and, eq } from 'drizzle-orm';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, locations, portalAccounts } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { listPatientAppointments } from '@/lib/scheduling/patient-appointments';
import { listPortalAppointments } from '@/lib/scheduling/portal-visits';
import { canJoinVideo } from '@/lib/scheduling/visit-display';
import { portalContext } from '../support/portal-context';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';
import { createStaffContext } from '../support/staff-context';
import { hostFor, invokeAction, signIn } from '../support/action-harness';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const historyPage = await import('@/app/t/[tenant]/portal/(app)/history/page');

const at = (iso: string) => setClockForTests(() => new Date(iso));
afterEach(() => setClockForTests(undefined));

describe('portal visits', () => {
  it('shows only the selected patient’s visits, split into upcoming and past', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const b = await createPortalVisitClinic();
    const me = a.parent.patient.id;
    const upcoming = await a.book(me, '2030-03-11T15:00:00Z');
    const completed = await a.book(me, '2030-03-01T15:00:00Z', { status: 'completed' });
    const cancelledFuture = await a.book(me, '2030-03-12T15:00:00Z', { status: 'cancelled' });
    const noShow = await a.book(me, '2030-02-01T15:00:00Z', { status: 'no_show' });
    const unmarked = await a.book(me, '2030-03-09T15:00:00Z');
    const leos = await a.book(a.child.id, '2030-03-11T16:00:00Z');
    await a.book(a.stranger.id, '2030-03-11T17:00:00Z');
    await b.book(b.parent.patient.id, '2030-03-11T15:00:00Z');
    at('2030-03-10T15:00:00Z');

    const mine = portalContext(a.clinic, a.parent.account.id, me);
    const up = await listPortalAppointments(db, mine, { when: 'upcoming', limit: 10 });
    expect(up.visits.map((v) => v.id)).toEqual([upcoming]);
    expect(up.visits[0]).toMatchObject({ provider: 'Dr. Rivera', service: 'Check-up', location: a.location.name, timeZone: 'America/Chicago', status: 'booked' });
    const past = await listPortalAppointments(db, mine, { when: 'past', limit: 10 });
    // Newest first; cancelled visits only here, even one that was for a future date.
    expect(past.visits.map((v) => v.id)).toEqual([cancelledFuture, unmarked, completed, noShow]);
    expect(past.hasMore).toBe(false);

    // The sibling is visible only when the session has selected him.
    const leo = await listPortalAppointments(db, portalContext(a.clinic, a.parent.account.id, a.child.id), { when: 'upcoming', limit: 10 });
    expect(leo.visits.map((v) => v.id)).toEqual([leos]);

    // Another clinic: neither its id with our patient nor our clinic with its patient answers anything.
    for (const scope of [portalContext(b.clinic, b.parent.account.id, me), portalContext(a.clinic, a.parent.account.id, b.parent.patient.id)]) {
      for (const when of ['upcoming', 'past'] as const) {
        expect((await listPortalAppointments(db, scope, { when, limit: 10 })).visits).toEqual([]);
      }
    }
    expect((await listPortalAppointments(db, portalContext(a.clinic, a.parent.account.id, 'not-a-uuid'), { when: 'past', limit: 10 })).visits).toEqual([]);
  });

  it('moves a visit from upcoming to past when it ends, by the clock', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const scope = portalContext(a.clinic, a.parent.account.id, a.parent.patient.id);
    const visit = await a.book(scope.patient.id, '2030-05-01T15:00:00Z', { minutes: 30 });
    const ids = async (when: 'upcoming' | 'past') => (await listPortalAppointments(db, scope, { when, limit: 10 })).visits.map((v) => v.id);

    at('2030-05-01T15:20:00Z'); // running: still upcoming
    expect(await ids('upcoming')).toEqual([visit]);
    expect(await ids('past')).toEqual([]);
    at('2030-05-01T15:31:00Z');
    expect(await ids('upcoming')).toEqual([]);
    expect(await ids('past')).toEqual([visit]);
  });

  it('offers the video link from 15 minutes before the start until the end, https only', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const scope = portalContext(a.clinic, a.parent.account.id, a.parent.patient.id);
    const video = await a.book(scope.patient.id, '2030-06-01T15:00:00Z', { videoUrl: 'https://meet.example.test/room-1' });
    const script = await a.book(scope.patient.id, '2030-06-01T16:00:00Z', { videoUrl: 'javascript:alert(1)' });
    const join = async (id: string) => (await listPortalAppointments(db, scope, { when: 'upcoming', limit: 10 })).visits.find((v) => v.id === id);

    at('2030-06-01T14:44:00Z');
    expect(await join(video)).toMatchObject({ isVideo: true, joinUrl: null });
    at('2030-06-01T14:45:00Z');
    expect((await join(video))?.joinUrl).toBe('https://meet.example.test/room-1');
    at('2030-06-01T15:29:00Z');
    expect((await join(video))?.joinUrl).toBe('https://meet.example.test/room-1');
    at('2030-06-01T15:55:00Z');
    expect(await join(script)).toMatchObject({ isVideo: false, joinUrl: null });

    const startsAt = new Date('2030-06-01T15:00:00Z');
    const endsAt = new Date('2030-06-01T15:30:00Z');
    expect(canJoinVideo({ status: 'cancelled', startsAt, endsAt }, new Date('2030-06-01T15:10:00Z'))).toBe(false);
    expect(canJoinVideo({ status: 'booked', startsAt, endsAt }, endsAt)).toBe(false);
  });

  it('pages the history by 20 without gaps or repeats', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const scope = portalContext(a.clinic, a.parent.account.id, a.parent.patient.id);
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(await a.book(scope.patient.id, new Date(Date.UTC(2029, 0, 1 + i, 15)).toISOString(), { status: 'completed' }));
    }
    at('2030-01-01T00:00:00Z');
    const page1 = await listPortalAppointments(db, scope, { when: 'past', limit: 20, offset: 0 });
    const page2 = await listPortalAppointments(db, scope, { when: 'past', limit: 20, offset: 20 });
    expect(page1.visits).toHaveLength(20);
    expect(page1.hasMore).toBe(true);
    expect(page2.visits).toHaveLength(5);
    expect(page2.hasMore).toBe(false);
    expect([...page1.visits, ...page2.visits].map((v) => v.id)).toEqual([...ids].reverse());
  });

  it('tells a moved visit from a cancelled one: where it moved to, or the reason given', async () => {
    const db = getDb();
    const a = await createPortalVisitClinic();
    const v = await changedVisits(a);
    const scope = portalContext(a.clinic, a.parent.account.id, a.parent.patient.id);
    at('2030-03-10T15:00:00Z');

    const past = await listPortalAppointments(db, scope, { when: 'past', limit: 10 });
    const change = (id: string) => past.visits.find((visit) => visit.id === id)?.change;
    expect(change(v.moved)).toEqual({
      kind: 'moved',
      to: { id: v.replacement, startsAt: new Date('2030-03-20T16:00:00Z'), endsAt: new Date('2030-03-20T16:30:00Z'), status: 'booked', timeZone: 'America/Denver' },
    });
    expect(change(v.movedLongAgo)).toEqual({ kind: 'moved', to: null });
    expect(change(v.movedAway)).toEqual({ kind: 'moved', to: null });
    expect(change(v.cancelled)).toEqual({ kind: 'cancelled', reason: 'Feeling better' });
    expect(change(v.completed)).toBeNull();
    // The replacement itself is upcoming, with nothing changed about it.
    const up = await listPortalAppointments(db, scope, { when: 'upcoming', limit: 10 });
    expect(up.visits).toEqual([expect.objectContaining({ id: v.replacement, change: null })]);
  });

  it('History says "Moved" with the new time (a link to Bookings while it is to come) and a cancellation’s reason, in both languages', async () => {
    const a = await createPortalVisitClinic();
    const v = await changedVisits(a);
    at('2030-03-10T15:00:00Z');
    const { cookies } = await signIn('portal', { tenantId: a.clinic.id, subjectId: a.parent.account.id, selectedPatientId: a.parent.patient.id });
    const render = async () => {
      const outcome = await invokeAction({ host: hostFor(a.clinic.slug), cookies }, async () =>
        renderToStaticMarkup(createElement('div', null, await historyPage.default({ searchParams: Promise.resolve({}) }))));
      if (outcome.kind !== 'returned') throw new Error(`history page: ${outcome.kind}`);
      /** One visit's card: its markup, and its words. */
      return (id: string) => {
        const html = new RegExp(`<article id="visit-${id}"(?:(?!</article>).)*</article>`, 's').exec(String(outcome.value))?.[0] ?? '';
        return { html, text: html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() };
      };
    };

    let card = await render();
    expect(card(v.moved).text).toMatch(/ Moved Service .* Moved to Wed, Mar 20, 2030, 10:00 AM MDT$/);
    expect(card(v.moved).text).not.toContain('Cancelled');
    expect(card(v.moved).html).toMatch(/<a [^>]*href="\/portal\/bookings"[^>]*><time dateTime="2030-03-20T16:00:00.000Z">/);
    // Moved before the link was kept, or "moved" to someone else's visit: "Moved", no target, no marker reason.
    for (const id of [v.movedLongAgo, v.movedAway]) {
      expect(card(id).text).toMatch(/ Moved Service /);
      expect(card(id).text).not.toMatch(/Moved to|Reason|Rescheduled/);
    }
    expect(card(v.cancelled).text).toMatch(/ Cancelled Service .* Reason: Feeling better$/);
    expect(card(v.completed).text).toMatch(/ Completed Service /);
    expect(card(v.completed).text).not.toMatch(/Moved|Reason/);

    await getDb().update(portalAccounts).set({ language: 'es' }).where(eq(portalAccounts.id, a.parent.account.id));
    card = await render();
    expect(card(v.moved).text).toMatch(/ Reprogramada .* Nueva fecha: /);
    expect(card(v.cancelled).text).toMatch(/ Cancelada .* Motivo: Feeling better$/);
  });

  it('shows staff the same in the chart’s visits: moved to when, or the reason', async () => {
    const a = await createPortalVisitClinic();
    const v = await changedVisits(a);
    const staff = await createStaffContext(a.clinic, 'support');
    at('2030-03-10T15:00:00Z');

    const { upcoming, past } = await listPatientAppointments(getDb(), staff, a.parent.patient.id);
    const change = (id: string) => [...upcoming, ...past].find((visit) => visit.id === id)?.change;
    expect(change(v.moved)).toEqual({
      kind: 'moved',
      to: { id: v.replacement, startsAt: new Date('2030-03-20T16:00:00Z'), endsAt: new Date('2030-03-20T16:30:00Z'), status: 'booked', timeZone: 'America/Denver' },
    });
    expect(change(v.movedLongAgo)).toEqual({ kind: 'moved', to: null });
    expect(change(v.movedAway)).toEqual({ kind: 'moved', to: null });
    expect(change(v.cancelled)).toEqual({ kind: 'cancelled', reason: 'Feeling better' });
    expect(change(v.replacement)).toBeNull();
  });
});

/**
 * The patient's visits as a reschedule and a cancellation leave them: one moved (linked to its
 * replacement at another location), one moved before the link was kept (only the marker reason),
 * one linked to another patient's visit (no path writes that: it must not show), one cancelled
 * with a reason, one completed.
 */
async function changedVisits(a: Awaited<ReturnType<typeof createPortalVisitClinic>>) {
  const db = getDb();
  const me = a.parent.patient.id;
  const [denver] = await db.insert(locations).values({ tenantId: a.clinic.id, name: 'Denver', addressLine1: '2 Elm St', city: 'Denver', timeZone: 'America/Denver' }).returning();
  const moved = await a.book(me, '2030-03-01T15:00:00Z', { status: 'cancelled' });
  const replacement = await a.book(me, '2030-03-20T16:00:00Z');
  await db.update(appointments).set({ locationId: denver!.id }).where(and(eq(appointments.tenantId, a.clinic.id), eq(appointments.id, replacement)));
  const movedLongAgo = await a.book(me, '2030-02-01T15:00:00Z', { status: 'cancelled' });
  const strangers = await a.book(a.stranger.id, '2030-03-21T15:00:00Z');
  const movedAway = await a.book(me, '2030-01-15T15:00:00Z', { status: 'cancelled' });
  const cancelled = await a.book(me, '2030-03-05T15:00:00Z', { status: 'cancelled' });
  const completed = await a.book(me, '2030-01-10T15:00:00Z', { status: 'completed' });
  const link = (id: string, to: string | null) => db.update(appointments)
    .set({ cancelReason: 'Rescheduled', rescheduledToId: to })
    .where(and(eq(appointments.tenantId, a.clinic.id), eq(appointments.id, id)));
  await link(moved, replacement);
  await link(movedLongAgo, null);
  await link(movedAway, strangers);
  return { moved, replacement, movedLongAgo, movedAway, cancelled, completed };
}
