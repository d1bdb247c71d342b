import { and, asc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { patients, patientTags, segments } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import { clinicTags, segmentChoices } from '@/lib/engagement/segments/choices';
import type { SegmentCondition, SegmentFilter } from '@/lib/engagement/segments/filter';
import { clinicDay, countSegment, segmentPatientIds } from '@/lib/engagement/segments/query';
import {
  archiveSegment, countSegmentForStaff, createSegment, getSegment, listSegments, loadSegmentFilter, restoreSegment, updateSegment,
} from '@/lib/engagement/segments/segments';
import { RuleError } from '@/lib/kernel/errors';
import { campaignTo, segmentAudit, segmentClinic, segmentPatients } from './engagement-segments-fixtures';

/**
 * Segments (issue 18 point 6) against Postgres: each condition alone and together on a clinic
 * whose patients sit on either side of each edge, another clinic's patients never counted, ids of
 * another clinic refused when saved, relative dates and ages on the clinic's today (not UTC's),
 * keyset pages that return every patient once, and the staff functions (permission, unique name,
 * archive, audit without the name).
 */

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const only = (...conditions: SegmentCondition[]): SegmentFilter => ({ conditions });

/** Every id a filter takes, in id order, read in pages of two. */
async function allIds(tenantId: string, filter: SegmentFilter, limit = 2): Promise<string[]> {
  const ids: string[] = [];
  for (let after: string | undefined; ;) {
    const page = await segmentPatientIds(db(), tenantId, filter, { after, limit });
    ids.push(...page);
    if (page.length < limit) return ids;
    after = page.at(-1);
  }
}

// 11:00 on 15 June 2026 in Los Angeles.
beforeEach(() => setClockForTests(() => new Date('2026-06-15T18:00:00Z')));
afterEach(() => setClockForTests(undefined));

async function world() {
  const w = await segmentClinic();
  const p = await segmentPatients(w);
  // Another clinic whose patients would match every condition, were they counted.
  const other = await segmentClinic();
  const twin = await other.patient({ name: 'Twin', dateOfBirth: '1990-05-10', language: 'es' });
  await other.tag(twin, 'vip', 'lapsed');
  await other.visit(twin, '2026-03-01T17:00:00Z', 'completed', other.services.checkup, other.locations.downtown);
  await other.visit(twin, '2024-03-01T17:00:00Z', 'completed', other.services.cleaning, other.locations.uptown);
  await other.subscription(twin, other.products.plan, 'active');
  await other.order(twin, [other.products.plan, other.products.kit], 'completed', true);
  return { w, p, other, twin };
}

describe('each condition', () => {
  it('takes the patients on its side of the edge, alone and together, never another clinic’s', async () => {
    const { w, p, other } = await world();
    const { services: s, locations: l, products: pr } = w;
    const name = new Map(Object.entries(p).map(([k, id]) => [id, k]));
    const who = async (...conditions: SegmentCondition[]) => {
      const ids = await allIds(w.tenant.id, only(...conditions));
      expect(await countSegment(db(), w.tenant.id, only(...conditions))).toBe(ids.length);
      return ids.map((id) => name.get(id) ?? `stranger ${id}`).sort();
    };

    expect(await who()).toEqual(['ana', 'ben', 'cara', 'dan', 'eve']);
    expect(await who({ kind: 'tag', op: 'has', tag: 'vip' })).toEqual(['ana', 'dan']);
    expect(await who({ kind: 'tag', op: 'lacks', tag: 'vip' })).toEqual(['ben', 'cara', 'eve']);
    expect(await who({ kind: 'tag', op: 'has', tag: 'nobody-has-it' })).toEqual([]);
    // 12 months back from 15 June 2026 is midnight on 15 June 2025 in Los Angeles (07:00 UTC):
    // Eve's 00:30 visit is inside it, Dan's 23:30 the evening before is not.
    expect(await who({ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } })).toEqual(['ana', 'eve']);
    expect(await who({ kind: 'last_visit', when: 'before', ago: { amount: 12, unit: 'months' } })).toEqual(['ben', 'dan']);
    expect(await who({ kind: 'last_visit', when: 'since', ago: { amount: 200, unit: 'days' } })).toEqual(['ana']);
    expect(await who({ kind: 'last_visit', when: 'since', date: '2026-01-10' })).toEqual(['ana']);
    expect(await who({ kind: 'last_visit', when: 'since', date: '2026-01-11' })).toEqual([]);
    expect(await who({ kind: 'last_visit', when: 'before', date: '2025-06-15' })).toEqual(['ben', 'dan']);
    expect(await who({ kind: 'service', ids: [s.checkup] })).toEqual(['ana', 'eve']);
    expect(await who({ kind: 'service', ids: [s.cleaning] })).toEqual(['ben', 'dan']);
    expect(await who({ kind: 'location', ids: [l.downtown] })).toEqual(['ana', 'dan']);
    expect(await who({ kind: 'location', ids: [l.uptown, l.downtown] })).toEqual(['ana', 'ben', 'dan', 'eve']);
    expect(await who({ kind: 'age', min: 30, max: 40 })).toEqual(['ana']);
    expect(await who({ kind: 'age', min: null, max: 11 })).toEqual(['cara']);
    expect(await who({ kind: 'age', min: 26, max: 26 })).toEqual(['dan']);
    expect(await who({ kind: 'age', min: 41, max: null })).toEqual(['ben', 'eve']);
    expect(await who({ kind: 'subscription', productIds: [] })).toEqual(['ana']);
    expect(await who({ kind: 'subscription', productIds: [pr.kit] })).toEqual([]);
    expect(await who({ kind: 'product', ids: [pr.plan] })).toEqual(['eve']);
    expect(await who({ kind: 'product', ids: [pr.kit] })).toEqual(['ben', 'eve']);
    expect(await who({ kind: 'language', values: ['es'] })).toEqual(['ana', 'eve']);
    expect(await who({ kind: 'language', values: ['en', 'es'] })).toEqual(['ana', 'ben', 'cara', 'dan', 'eve']);

    // Together: every condition must hold.
    expect(await who({ kind: 'tag', op: 'has', tag: 'vip' }, { kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } })).toEqual(['ana']);
    expect(await who({ kind: 'language', values: ['es'] }, { kind: 'product', ids: [pr.kit] })).toEqual(['eve']);
    expect(await who({ kind: 'tag', op: 'has', tag: 'vip' }, { kind: 'tag', op: 'has', tag: 'weight-loss' }, { kind: 'service', ids: [s.cleaning] }, { kind: 'age', min: 20, max: 30 })).toEqual(['dan']);
    expect(await who({ kind: 'tag', op: 'has', tag: 'vip' }, { kind: 'tag', op: 'lacks', tag: 'vip' })).toEqual([]);

    // The other clinic's ids name nothing here: its services count nobody of this clinic.
    expect(await who({ kind: 'service', ids: [other.services.checkup] })).toEqual([]);
    expect(await countSegmentForStaff(db(), w.marketing, only({ kind: 'product', ids: [other.products.kit] }))).toBe(0);
    // And its one patient is counted there, by its own services.
    expect(await countSegment(db(), other.tenant.id, only({ kind: 'tag', op: 'has', tag: 'vip' }, { kind: 'service', ids: [other.services.checkup] }))).toBe(1);
  });
});

describe('relative dates', () => {
  it('are counted from the clinic’s today in its zone, not UTC’s', async () => {
    const { w, p } = await world();
    const within = only({ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } });
    const eleven = only({ kind: 'age', min: 11, max: null });
    const ids = async (filter: SegmentFilter) => (await allIds(w.tenant.id, filter)).sort();
    // 15 June 2026 in Los Angeles.
    expect(await ids(within)).toEqual([p.ana, p.eve].sort());
    expect(await ids(eleven)).toContain(p.cara);
    // 06:00 UTC on the 15th is still the 14th in Los Angeles: the year starts a day earlier
    // (Dan's visit is inside it), and Cara is not 11 yet.
    setClockForTests(() => new Date('2026-06-15T06:00:00Z'));
    expect(await clinicDay(db(), w.tenant.id)).toEqual({ date: '2026-06-14', timeZone: 'America/Los_Angeles' });
    expect(await ids(within)).toEqual([p.ana, p.dan, p.eve].sort());
    expect(await ids(eleven)).not.toContain(p.cara);
    // A day pinned by the caller (a campaign's queue) is used as given.
    expect((await segmentPatientIds(db(), w.tenant.id, within, { limit: 10, day: { date: '2026-06-15', timeZone: 'America/Los_Angeles' } })).sort()).toEqual([p.ana, p.eve].sort());
  });

  it('follow each clinic’s own zone: one visit, one instant, two answers', async () => {
    // 10:00 UTC on 15 June 2026: 19:00 that day in Tokyo, 03:00 in Los Angeles.
    setClockForTests(() => new Date('2026-06-15T10:00:00Z'));
    const within = only({ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } });
    const counts: number[] = [];
    for (const timeZone of ['Asia/Tokyo', 'America/Los_Angeles']) {
      const w = await segmentClinic({ timeZone });
      const dan = await w.patient({ name: 'Dan', dateOfBirth: '2000-01-01' });
      // 15:30 on 15 June 2025 in Tokyo (inside its year, from midnight on the 15th);
      // 23:30 on the 14th in Los Angeles (outside its year, which also starts on the 15th).
      await w.visit(dan, '2025-06-15T06:30:00Z', 'completed', w.services.checkup, w.locations.downtown);
      counts.push(await countSegment(db(), w.tenant.id, within));
    }
    expect(counts).toEqual([1, 0]);
  });
});

describe('keyset pages', () => {
  it('return every patient of the segment once, in id order, and nobody of another clinic', async () => {
    const w = await segmentClinic();
    const other = await segmentClinic();
    await db().execute(sql`insert into patients (tenant_id, record_number, first_name, last_name, date_of_birth)
      select t.id, 'P' || g, 'F' || g, 'L' || g, date '1980-01-01' + g from (values (${w.tenant.id}::uuid), (${other.tenant.id}::uuid)) t(id), generate_series(1, 230) g`);
    await db().execute(sql`insert into patient_tags (tenant_id, patient_id, tag) select tenant_id, id, 'third' from patients where tenant_id in (${w.tenant.id}, ${other.tenant.id}) and record_number::text ~ '[0369]$'`);
    const clinicIds = (await db().select({ id: patients.id }).from(patients).where(eq(patients.tenantId, w.tenant.id)).orderBy(asc(patients.id))).map((r) => r.id);
    const tagged = (await db().select({ id: patientTags.patientId }).from(patientTags).where(and(eq(patientTags.tenantId, w.tenant.id), eq(patientTags.tag, 'third'))).orderBy(asc(patientTags.patientId))).map((r) => r.id);
    expect(clinicIds).toHaveLength(230);
    expect(tagged.length).toBeGreaterThan(50);

    for (const limit of [1, 7, 50, 230, 1000]) {
      expect(await allIds(w.tenant.id, only(), limit)).toEqual(clinicIds);
    }
    expect(await allIds(w.tenant.id, only({ kind: 'tag', op: 'has', tag: 'third' }), 25)).toEqual(tagged);
    expect(await countSegment(db(), w.tenant.id, only({ kind: 'tag', op: 'has', tag: 'third' }))).toBe(tagged.length);
    // Starting after the last id: nothing more.
    expect(await segmentPatientIds(db(), w.tenant.id, only(), { after: clinicIds.at(-1), limit: 10 })).toEqual([]);
    await expect(segmentPatientIds(db(), w.tenant.id, only(), { limit: 0 })).rejects.toThrow(/limit/);
    await expect(segmentPatientIds(db(), w.tenant.id, only(), { after: "x' or 1=1", limit: 5 })).rejects.toThrow(/after/);
  });
});

describe('staff segments', () => {
  const lastYear = only({ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } });

  it('are made by staff with campaigns.manage, named once in any case, and audited without their name', async () => {
    const { w } = await world();
    const { id } = await createSegment(db(), w.marketing, { name: 'Seen in the last year', description: 'For the newsletter', filter: lastYear });
    expect(await refusal(createSegment(db(), w.support, { name: 'Other', description: null, filter: lastYear }))).toBeInstanceOf(ForbiddenError);
    const taken = (await refusal(createSegment(db(), w.admin, { name: 'SEEN IN THE LAST YEAR', description: null, filter: only() }))) as RuleError;
    expect(taken).toBeInstanceOf(RuleError);
    expect(taken.code).toBe('segment-name-taken');
    expect(taken.fieldErrors).toEqual({ name: expect.stringMatching(/already has a segment with this name/) });

    const row = await getSegment(db(), w.marketing, id);
    expect(row).toMatchObject({ id, name: 'Seen in the last year', description: 'For the newsletter', filter: lastYear, archived: false, count: 2 });
    const audit = await segmentAudit(w.tenant.id, id);
    expect(audit).toEqual([{ action: 'engagement.segment_created', actorId: w.marketing.actor.id, patientId: null, details: { conditions: ['last_visit'] } }]);
    expect(JSON.stringify(audit)).not.toMatch(/last year|newsletter/i);
    // A second clinic may use the same name.
    const other = await segmentClinic();
    await createSegment(db(), other.marketing, { name: 'Seen in the last year', description: null, filter: only() });
  });

  it('refuse another clinic’s services, locations and products when saved, on the condition’s field', async () => {
    const { w, other } = await world();
    const foreign: [SegmentCondition, string][] = [
      [{ kind: 'service', ids: [w.services.checkup, other.services.checkup] }, 'serviceIds'],
      [{ kind: 'location', ids: [other.locations.uptown] }, 'locationIds'],
      [{ kind: 'product', ids: [other.products.kit] }, 'productIds'],
      [{ kind: 'subscription', productIds: [other.products.plan] }, 'productIds'],
    ];
    const { id } = await createSegment(db(), w.marketing, { name: 'Mine', description: null, filter: only({ kind: 'service', ids: [w.services.checkup] }) });
    for (const [condition, field] of foreign) {
      const filter = only({ kind: 'language', values: ['es'] }, condition);
      for (const attempt of [() => createSegment(db(), w.marketing, { name: 'Theirs', description: null, filter }), () => updateSegment(db(), w.marketing, id, { name: 'Mine', description: null, filter })]) {
        const error = (await refusal(attempt())) as RuleError;
        expect(error).toBeInstanceOf(RuleError);
        expect(error.code).toBe('segment-unknown-choice');
        expect(error.fieldErrors).toEqual({ [`conditions.1.${field}`]: expect.stringMatching(/clinic’s list/) });
      }
    }
    expect(await db().select({ id: segments.id }).from(segments).where(eq(segments.tenantId, w.tenant.id))).toHaveLength(1);
    expect((await loadSegmentFilter(db(), w.tenant.id, id))).toEqual(only({ kind: 'service', ids: [w.services.checkup] }));
    // Retired choices of the clinic itself are fine: past visits still count.
    await db().execute(sql`update services set active = false where tenant_id = ${w.tenant.id}`);
    await updateSegment(db(), w.marketing, id, { name: 'Mine', description: null, filter: only({ kind: 'service', ids: [w.services.cleaning] }) });
  });

  it('are edited, archived and restored; a live campaign holds its segment', async () => {
    const { w, other } = await world();
    const { id } = await createSegment(db(), w.marketing, { name: 'VIPs', description: null, filter: only({ kind: 'tag', op: 'has', tag: 'vip' }) });
    // The same filter read back from jsonb (its keys in another order) is no change.
    expect(await updateSegment(db(), w.marketing, id, { name: 'VIPs', description: null, filter: only({ kind: 'tag', op: 'has', tag: 'vip' }) })).toEqual({ changed: false });
    expect(await updateSegment(db(), w.marketing, id, { name: 'VIPs', description: 'Top', filter: lastYear })).toEqual({ changed: true });
    const { id: second } = await createSegment(db(), w.marketing, { name: 'Second', description: null, filter: only() });
    expect(((await refusal(updateSegment(db(), w.marketing, second, { name: 'vips', description: null, filter: only() }))) as RuleError).code).toBe('segment-name-taken');

    const campaign = await campaignTo(w.tenant.id, id, 'scheduled');
    expect(((await refusal(archiveSegment(db(), w.marketing, id))) as RuleError).code).toBe('segment-in-use');
    await db().execute(sql`update campaigns set status = 'queueing' where id = ${campaign}`);
    expect(((await refusal(updateSegment(db(), w.marketing, id, { name: 'VIPs', description: 'Top', filter: only() }))) as RuleError).code).toBe('segment-in-use');
    // Its name may change while it queues; its conditions may not.
    expect(await updateSegment(db(), w.marketing, id, { name: 'VIP patients', description: 'Top', filter: lastYear })).toEqual({ changed: true });
    await db().execute(sql`update campaigns set status = 'sent' where id = ${campaign}`);

    expect(await archiveSegment(db(), w.marketing, id)).toEqual({ changed: true });
    expect(await archiveSegment(db(), w.marketing, id)).toEqual({ changed: false });
    expect(((await refusal(updateSegment(db(), w.marketing, id, { name: 'VIP patients', description: null, filter: only() }))) as RuleError).code).toBe('segment-archived');
    expect((await listSegments(db(), w.marketing, { status: 'active' })).map((s) => [s.name, s.count])).toEqual([['Second', 5]]);
    expect((await listSegments(db(), w.marketing, { status: 'archived' })).map((s) => [s.name, s.count, s.archived])).toEqual([['VIP patients', 2, true]]);
    expect(await restoreSegment(db(), w.marketing, id)).toEqual({ changed: true });

    expect((await segmentAudit(w.tenant.id, id)).map((a) => [a.action, a.details])).toEqual([
      ['engagement.segment_created', { conditions: ['tag'] }],
      ['engagement.segment_updated', { changed: ['description', 'filter'], conditions: { before: ['tag'], after: ['last_visit'] } }],
      ['engagement.segment_updated', { changed: ['name'] }],
      ['engagement.segment_archived', null],
      ['engagement.segment_restored', null],
    ]);

    // Another clinic's staff find nothing, and change nothing.
    for (const attempt of [
      () => getSegment(db(), other.marketing, id), () => archiveSegment(db(), other.marketing, id), () => restoreSegment(db(), other.marketing, id),
      () => updateSegment(db(), other.marketing, id, { name: 'Stolen', description: null, filter: only() }), () => getSegment(db(), w.marketing, 'not-an-id'),
    ]) {
      expect(await refusal(attempt())).toBeInstanceOf(NotFoundError);
    }
    await expect(loadSegmentFilter(db(), other.tenant.id, id)).rejects.toBeInstanceOf(NotFoundError);
    for (const attempt of [
      () => listSegments(db(), w.support, { status: 'active' }), () => getSegment(db(), w.support, id), () => archiveSegment(db(), w.support, id), () => countSegmentForStaff(db(), w.support, only()),
    ]) {
      expect(await refusal(attempt())).toBeInstanceOf(ForbiddenError);
    }
    expect((await getSegment(db(), w.marketing, id)).name).toBe('VIP patients');
  });
});

describe('the builder’s choices', () => {
  it('are the clinic’s services, locations, products and tags, retired ones marked', async () => {
    const { w } = await world();
    await db().execute(sql`update locations set active = false where id = ${w.locations.uptown}`);
    const choices = await segmentChoices(db(), w.marketing);
    expect(choices.services.map((c) => c.name)).toEqual(['Checkup', 'Cleaning']);
    expect(choices.locations).toEqual([{ id: w.locations.downtown, name: 'Downtown', retired: false }, { id: w.locations.uptown, name: 'Uptown', retired: true }]);
    expect(choices.products.map((c) => c.name)).toEqual(['Care plan', 'Cleanser kit']);
    // The other clinic's twin has "vip" and "lapsed" too; this clinic's list is its own.
    expect(choices.tags).toEqual(['lapsed', 'vip', 'weight-loss']);
    expect(await clinicTags(db(), w.tenant.id, 2)).toEqual(['lapsed', 'vip']);
    expect(await refusal(segmentChoices(db(), w.support))).toBeInstanceOf(ForbiddenError);
  });
});
