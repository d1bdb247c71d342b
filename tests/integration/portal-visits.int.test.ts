import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { setClockForTests } from '@/lib/clock';
import { listPortalAppointments } from '@/lib/scheduling/portal-visits';
import { canJoinVideo } from '@/lib/scheduling/visit-display';
import { portalContext } from '../support/portal-context';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';

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
});
