import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { segments } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import { createSegment } from '@/lib/engagement/segments/segments';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { segmentClinic, segmentPatients, type SegmentClinic } from './engagement-segments-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * CRM → Segments as staff use it (issue 18 point 6): the list shows each segment's count, the
 * builder's pages render with the clinic's choices, the live count answers a number (never who)
 * for the caller's clinic only and re-checks the permission, and the form's refusals sit on the
 * slot they were typed in.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/segments/actions');
const { default: listPage } = await import('@/app/t/[tenant]/crm/(app)/segments/page');
const { default: newPage } = await import('@/app/t/[tenant]/crm/(app)/segments/new/page');
const { default: detailPage } = await import('@/app/t/[tenant]/crm/(app)/segments/[id]/page');

const db = () => getDb();

async function as(w: SegmentClinic, ctx: StaffContext) {
  const { cookies } = await signIn('staff', { tenantId: w.tenant.id, subjectId: ctx.actor.id });
  return { host: hostFor(w.tenant.slug), cookies };
}
const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const props = (params: Record<string, string> = {}, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;
type PageFn = (p: never) => Promise<React.ReactElement>;
async function rendered(req: { host: string; cookies: Record<string, string> }, fn: PageFn, p = props()): Promise<string> {
  const html = returned(await invokeAction(req, async () => renderToStaticMarkup(await fn(p)))) as unknown as string;
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

beforeEach(() => setClockForTests(() => new Date('2026-06-15T18:00:00Z')));
afterEach(() => setClockForTests(undefined));

describe('the segment pages', () => {
  it('list each segment with its count and conditions in words; the builder offers the clinic’s choices; another clinic’s segment is not found', async () => {
    const w = await segmentClinic();
    await segmentPatients(w);
    const { id } = await createSegment(db(), w.marketing, {
      name: 'Seen in the last year', description: 'Newsletter list', filter: { conditions: [{ kind: 'last_visit', when: 'since', ago: { amount: 12, unit: 'months' } }, { kind: 'service', ids: [w.services.checkup] }] },
    });
    const marketing = await as(w, w.marketing);

    const list = await rendered(marketing, listPage);
    for (const text of ['Segments', 'New segment', 'Seen in the last year', 'Newsletter list', 'Last visit within the last 12 months · Had a visit for Checkup', 'Patients today']) expect(list).toContain(text);
    expect(list).toMatch(/Had a visit for Checkup 2 /);

    const page = await rendered(marketing, detailPage, props({ id }, { done: 'created' }));
    for (const text of ['Segment added.', '2 patients match today.', 'Condition 1', 'Condition 2', 'Last visit', 'Checkup', 'Cleaning', 'Downtown', 'Save segment', 'Archive segment']) expect(page).toContain(text);
    // Without JavaScript the page offers spare empty slots to fill.
    expect(page).toContain('Condition 4');
    expect(page).toContain('No condition (left out)');

    const fresh = await rendered(marketing, newPage);
    for (const text of ['New segment', 'Condition 1', 'Add segment', '5 patients match', 'Care plan', 'Cleanser kit']) expect(fresh).toContain(text);

    const support = await as(w, w.support);
    for (const [fn, p] of [[listPage, props()], [newPage, props()], [detailPage, props({ id })]] as const) {
      expect(await invokeAction(support, fn, p)).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    }
    const other = await segmentClinic();
    const otherMarketing = await as(other, other.marketing);
    expect(await invokeAction(otherMarketing, detailPage, props({ id }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherMarketing, detailPage, props({ id: 'nope' }))).toMatchObject({ kind: 'not-found' });
  });
});

describe('the live count', () => {
  it('answers a number for the caller’s clinic, never who, and only with campaigns.manage', async () => {
    const w = await segmentClinic();
    const p = await segmentPatients(w);
    const other = await segmentClinic();
    const twin = await other.patient({ name: 'Twin', dateOfBirth: '1990-01-01' });
    await other.tag(twin, 'vip');
    const marketing = await as(w, w.marketing);

    expect(returned(await invokeAction(marketing, actions.countSegmentAction, { c0_kind: 'has_tag', c0_tag: 'vip' }))).toEqual({ ok: true, count: 2 });
    expect(returned(await invokeAction(marketing, actions.countSegmentAction, {}))).toEqual({ ok: true, count: 5 });
    expect(returned(await invokeAction(marketing, actions.countSegmentAction, {
      c3_kind: 'last_visit', c3_visit: 'within', c3_amount: '12', c3_unit: 'months', c7_kind: 'language', c7_languages: ['es'],
    }))).toEqual({ ok: true, count: 2 });
    // Another clinic's service names nobody here.
    expect(returned(await invokeAction(marketing, actions.countSegmentAction, { c0_kind: 'service', c0_serviceIds: [other.services.checkup] }))).toEqual({ ok: true, count: 0 });
    // An unfinished condition is named, and nothing is counted.
    expect(returned(await invokeAction(marketing, actions.countSegmentAction, { c1_kind: 'age', c1_min: 'old' }))).toMatchObject({ ok: false, fieldErrors: { c1_min: 'Enter the lowest age in whole years.' } });
    const answer = JSON.stringify(returned(await invokeAction(marketing, actions.countSegmentAction, { c0_kind: 'language', c0_languages: 'es' })));
    for (const id of Object.values(p)) expect(answer).not.toContain(id);
    expect(answer).not.toMatch(/Ana|Eve/);

    // Without the permission, or signed in to another clinic: refused.
    expect(await invokeAction(await as(w, w.support), actions.countSegmentAction, {})).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    const signedHere = await as(w, w.marketing);
    expect(await invokeAction({ ...signedHere, host: hostFor(other.tenant.slug) }, actions.countSegmentAction, {})).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect|not-found|unauthorized/) });
    // The other clinic's own marketer counts their own patient only.
    expect(returned(await invokeAction(await as(other, other.marketing), actions.countSegmentAction, { c0_kind: 'has_tag', c0_tag: 'vip' }))).toEqual({ ok: true, count: 1 });
  });
});

describe('the segment actions', () => {
  it('add a segment and open its page; a refusal sits on the slot it was typed in', async () => {
    const w = await segmentClinic();
    const other = await segmentClinic();
    const marketing = await as(w, w.marketing);
    const blank = { name: 'Spanish speakers', description: '' };

    expect(returned(await invokeAction(marketing, actions.createSegmentAction, {}, formData({ ...blank, name: ' ' }))))
      .toMatchObject({ ok: false, fieldErrors: { name: 'Enter the segment’s name.' } });
    expect(returned(await invokeAction(marketing, actions.createSegmentAction, {}, formData({ ...blank, c0_kind: 'language', c0_languages: 'es', c2_kind: 'has_tag', c2_tag: 'Bad Tag' }))))
      .toMatchObject({ ok: false, fieldErrors: { c2_tag: expect.stringMatching(/lower-case/) }, values: { name: 'Spanish speakers', c2_tag: 'Bad Tag', c2_kind: 'has_tag' } });
    expect(returned(await invokeAction(marketing, actions.createSegmentAction, {}, formData({ ...blank, c0_kind: 'language', c0_languages: 'es', c4_kind: 'service', c4_serviceIds: other.services.checkup }))))
      .toMatchObject({ ok: false, message: expect.stringMatching(/not saved/), fieldErrors: { c4_serviceIds: 'Choose services from the clinic’s list.' } });
    expect(await db().select({ id: segments.id }).from(segments).where(eq(segments.tenantId, w.tenant.id))).toEqual([]);

    const made = await invokeAction(marketing, actions.createSegmentAction, {}, formData({ ...blank, c1_kind: 'language', c1_languages: 'es', c5_kind: 'service', c5_serviceIds: [w.services.checkup, w.services.cleaning] }));
    expect(made.kind).toBe('redirect');
    const id = /\/crm\/segments\/([0-9a-f-]{36})\?done=created$/.exec((made as { location: string }).location)?.[1];
    const [row] = await db().select().from(segments).where(and(eq(segments.tenantId, w.tenant.id), eq(segments.id, id!)));
    expect(row).toMatchObject({ name: 'Spanish speakers', description: null, createdByStaffId: w.marketing.actor.id, filter: { conditions: [{ kind: 'language', values: ['es'] }, { kind: 'service', ids: [w.services.checkup, w.services.cleaning] }] } });

    const update = { segmentId: id!, name: 'Spanish speakers', description: 'Para la clínica', c0_kind: 'language', c0_languages: 'es' };
    expect(returned(await invokeAction(marketing, actions.updateSegmentAction, {}, formData(update)))).toEqual({ ok: true, message: 'Segment saved.' });
    expect(returned(await invokeAction(marketing, actions.updateSegmentAction, {}, formData(update)))).toEqual({ ok: true, message: 'Nothing to save: the segment is already as shown.' });
    expect(returned(await invokeAction(marketing, actions.archiveSegmentAction, {}, formData({ segmentId: id! })))).toEqual({ ok: true, message: 'Archived: new campaigns no longer offer it.' });
    expect(returned(await invokeAction(marketing, actions.restoreSegmentAction, {}, formData({ segmentId: id! })))).toEqual({ ok: true, message: 'Restored: campaigns can go to it again.' });

    const theirs = await as(other, other.marketing);
    expect(returned(await invokeAction(theirs, actions.archiveSegmentAction, {}, formData({ segmentId: id! })))).toEqual({ ok: false, message: 'This segment no longer exists. Reload the page to see the current list.' });
    expect(returned(await invokeAction(theirs, actions.updateSegmentAction, {}, formData({ ...update, name: 'Stolen' })))).toMatchObject({ ok: false, message: 'This segment no longer exists. Reload the page to see the current list.' });
    expect(await invokeAction(await as(w, w.support), actions.createSegmentAction, {}, formData(blank))).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    expect((await db().select({ name: segments.name, archivedAt: segments.archivedAt }).from(segments).where(eq(segments.id, id!)))[0]).toEqual({ name: 'Spanish speakers', archivedAt: null });
  });
});
