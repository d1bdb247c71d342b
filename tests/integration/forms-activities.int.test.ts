import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import {
  auditLog, formAssignments, formTemplates, formTemplateVersions, homeActivityDays, locations, patients, portalAccountPatients,
  type AssignmentStatus,
} from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { FormsRuleError } from '@/lib/clinic-forms/errors';
import { getActivity, listPatientActivities, listPortalActivities, markDay } from '@/lib/clinic-forms/home-activities';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { setClockForTests } from '@/lib/clock';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

// Home activities (issue 15 point 9). The clinic is in Chicago; the activity is assigned at
// 09:00 there on 2 March 2026 and plans 14 days (the starter "Neck and shoulder stretches"),
// so its days are 2–15 March in Chicago, whatever the UTC date.
const ASSIGNED_AT = new Date('2026-03-02T15:00:00Z');
const at = (iso: string) => setClockForTests(() => new Date(iso));
afterEach(() => setClockForTests(undefined));

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);

let n = 0;
/** A clinic with the starter forms; Maria (her own record) is the parent of Leo; Stan is unlinked. */
async function clinic() {
  const db = getDb();
  const tenant = await createTestTenant();
  await installStarterTemplates(db, tenant.id);
  await db.insert(locations).values({ tenantId: tenant.id, name: 'Downtown', addressLine1: '1 Main St', city: 'Chicago', timeZone: 'America/Chicago' });
  const tag = `${++n}-${randomBytes(2).toString('hex')}`;
  const maria = await createPortalAccount(tenant, { email: `maria.${tag}@example.test`, phone: '+15555550101', password: 'Copper-kettle-64' });
  const stranger = await createPortalAccount(tenant, { email: `stan.${tag}@example.test`, phone: '+15555550102', password: 'Copper-kettle-64' });
  const [leo] = await db.insert(patients).values({ tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03' }).returning();
  await db.insert(portalAccountPatients).values({ tenantId: tenant.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  const physician = await createStaffContext(tenant, 'physician');
  const marketing = await createStaffContext(tenant, 'marketing');

  const starter = async (key: string) => {
    const [row] = await db
      .select({ templateId: formTemplates.id, versionId: formTemplateVersions.id })
      .from(formTemplates)
      .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
      .where(and(eq(formTemplates.tenantId, tenant.id), eq(formTemplates.starterKey, key)));
    return row!;
  };
  /** An assignment as assignments.ts writes it (inserted directly: the tests here are about days). */
  const assign = async (patientId: string, options: { key?: string; status?: AssignmentStatus; createdAt?: Date; message?: string } = {}) => {
    const { templateId, versionId } = await starter(options.key ?? 'neck-stretches');
    const [row] = await db.insert(formAssignments).values({
      tenantId: tenant.id, patientId, templateId, versionId, source: 'chart', status: options.status ?? 'assigned',
      createdAt: options.createdAt ?? ASSIGNED_AT, assignedById: physician.actor.id, message: options.message ?? null,
    }).returning({ id: formAssignments.id });
    return row!.id;
  };
  return {
    db, tenant, maria, stranger, leo: leo!, physician, marketing, assign,
    mariaForLeo: portalContext(tenant, maria.account.id, leo!.id, { relationship: 'parent' }),
    mariaForHerself: portalContext(tenant, maria.account.id, maria.patient.id),
    strangerForHimself: portalContext(tenant, stranger.account.id, stranger.patient.id),
  };
}

async function markedDays(assignmentId: string) {
  const rows = await getDb().select({ day: homeActivityDays.day }).from(homeActivityDays).where(eq(homeActivityDays.assignmentId, assignmentId));
  return rows.map((r) => r.day).sort();
}

async function auditOf(tenantId: string, action: string) {
  return getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));
}

describe('home activities: marking days', () => {
  it('marks a day once, however often it is marked, clears it the same way, and audits each change with the day only', async () => {
    const c = await clinic();
    const id = await c.assign(c.leo.id);
    at('2026-03-06T18:00:00Z');
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-06', done: true })).toEqual({ changed: true });
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-06', done: true })).toEqual({ changed: false });
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-02', done: true })).toEqual({ changed: true });
    expect(await markedDays(id)).toEqual(['2026-03-02', '2026-03-06']);
    const [row] = await c.db.select().from(homeActivityDays).where(and(eq(homeActivityDays.assignmentId, id), eq(homeActivityDays.day, '2026-03-06')));
    expect(row).toMatchObject({ tenantId: c.tenant.id, markedByAccountId: c.maria.account.id });

    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-02', done: false })).toEqual({ changed: true });
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-02', done: false })).toEqual({ changed: false });
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-03', done: false })).toEqual({ changed: false });
    expect(await markedDays(id)).toEqual(['2026-03-06']);

    const marked = await auditOf(c.tenant.id, 'forms.activity_day_marked');
    const unmarked = await auditOf(c.tenant.id, 'forms.activity_day_unmarked');
    expect(marked.map((e) => e.details)).toEqual([{ day: '2026-03-06', area: 'portal' }, { day: '2026-03-02', area: 'portal' }]);
    expect(unmarked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ actorKind: 'patient', actorId: c.maria.account.id, patientId: c.leo.id, targetType: 'form_assignment', targetId: id });
    // The activity's title is health information: never in the audit trail.
    expect(JSON.stringify([...marked, ...unmarked])).not.toMatch(/neck|stretch/i);
  });

  it('moves the assignment from assigned to in progress on the first day marked', async () => {
    const c = await clinic();
    const id = await c.assign(c.leo.id);
    at('2026-03-04T18:00:00Z');
    await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-03', done: false });
    const status = async () => (await c.db.select({ status: formAssignments.status }).from(formAssignments).where(eq(formAssignments.id, id)))[0]!.status;
    expect(await status()).toBe('assigned');
    await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-03', done: true });
    expect(await status()).toBe('in_progress');
  });

  it('refuses a day before the start, after today in the clinic’s zone, after the plan, or not a date, and writes nothing', async () => {
    const c = await clinic();
    const id = await c.assign(c.leo.id);
    // 22:00 on 6 March in Chicago, already 7 March in UTC.
    at('2026-03-07T04:00:00Z');
    for (const day of ['2026-03-01', '2026-03-07', '2026-02-30', '6 March', '']) {
      const error = await refusal(markDay(c.db, c.mariaForLeo, id, { day, done: true }));
      expect(error, day).toBeInstanceOf(FormsRuleError);
      expect(error, day).toMatchObject({ code: 'activity-day-outside' });
    }
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-06', done: true })).toEqual({ changed: true });

    // After the plan's 14 days (2–15 March) only its days can be marked.
    at('2026-03-20T18:00:00Z');
    expect(await refusal(markDay(c.db, c.mariaForLeo, id, { day: '2026-03-16', done: true }))).toMatchObject({ code: 'activity-day-outside' });
    expect(await refusal(markDay(c.db, c.mariaForLeo, id, { day: '2026-03-20', done: true }))).toMatchObject({ code: 'activity-day-outside' });
    expect(await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-15', done: true })).toEqual({ changed: true });
    expect(await markedDays(id)).toEqual(['2026-03-06', '2026-03-15']);
    expect(await auditOf(c.tenant.id, 'forms.activity_day_marked')).toHaveLength(2);
  });

  it('refuses an expired activity and hides a cancelled one', async () => {
    const c = await clinic();
    const expired = await c.assign(c.leo.id, { status: 'expired' });
    at('2026-03-06T18:00:00Z');
    expect(await refusal(markDay(c.db, c.mariaForLeo, expired, { day: '2026-03-05', done: true }))).toMatchObject({ code: 'not-open' });
    expect((await getActivity(c.db, c.mariaForLeo, expired)).plan.todayMarkable).toBe(false);
    await c.db.update(formAssignments).set({ status: 'cancelled' }).where(eq(formAssignments.id, expired));
    expect(await refusal(markDay(c.db, c.mariaForLeo, expired, { day: '2026-03-05', done: true }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getActivity(c.db, c.mariaForLeo, expired))).toBeInstanceOf(NotFoundError);
    expect(await listPortalActivities(c.db, c.mariaForLeo)).toEqual([]);
    expect(await markedDays(expired)).toEqual([]);
  });

  it('answers not-found for another clinic’s, another patient’s, an unlinked patient’s and a form that is not an activity', async () => {
    const c = await clinic();
    const other = await clinic();
    const id = await c.assign(c.leo.id);
    const phq9 = await c.assign(c.leo.id, { key: 'phq-9' });
    at('2026-03-06T18:00:00Z');
    const day = { day: '2026-03-06', done: true };
    // Another clinic's account, acting for its own patient and naming this clinic's patient.
    const otherClinic = portalContext(other.tenant, other.maria.account.id, other.maria.patient.id);
    const otherClinicNamingLeo = portalContext(other.tenant, other.maria.account.id, c.leo.id);
    // Maria acting for herself: Leo's activity is not hers.
    // The stranger's account is not linked to Leo: a session naming Leo is refused at the link.
    const strangerNamingLeo = portalContext(c.tenant, c.stranger.account.id, c.leo.id);
    for (const [label, ctx] of [['other clinic', otherClinic], ['other clinic naming Leo', otherClinicNamingLeo], ['Maria for herself', c.mariaForHerself], ['unlinked account', strangerNamingLeo], ['stranger', c.strangerForHimself]] as const) {
      expect(await refusal(markDay(c.db, ctx, id, day)), label).toBeInstanceOf(NotFoundError);
      expect(await refusal(getActivity(c.db, ctx, id)), label).toBeInstanceOf(NotFoundError);
    }
    expect(await refusal(listPortalActivities(c.db, strangerNamingLeo))).toBeInstanceOf(NotFoundError);
    expect(await refusal(markDay(c.db, c.mariaForLeo, phq9, day))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getActivity(c.db, c.mariaForLeo, phq9))).toBeInstanceOf(NotFoundError);
    expect(await refusal(markDay(c.db, c.mariaForLeo, 'not-a-uuid', day))).toBeInstanceOf(NotFoundError);
    expect(await markedDays(id)).toEqual([]);
    expect(await markedDays(phq9)).toEqual([]);
    // The rightful account still can.
    expect(await markDay(c.db, c.mariaForLeo, id, day)).toEqual({ changed: true });
  });
});

describe('home activities: what the portal and the chart show', () => {
  it('lists the patient’s activities with their content and progress, and the chart’s adherence', async () => {
    const c = await clinic();
    const id = await c.assign(c.leo.id, { message: 'Start gently.' });
    // A form that is not an activity, and Maria's own activity, stay out of Leo's list.
    await c.assign(c.leo.id, { key: 'phq-9' });
    await c.assign(c.maria.patient.id);
    at('2026-03-06T18:00:00Z');
    for (const day of ['2026-03-02', '2026-03-03', '2026-03-05']) await markDay(c.db, c.mariaForLeo, id, { day, done: true });
    at('2026-03-06T19:30:00Z');
    await markDay(c.db, c.mariaForLeo, id, { day: '2026-03-06', done: true });

    const list = await listPortalActivities(c.db, c.mariaForLeo);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      assignmentId: id, title: 'Neck and shoulder stretches', frequency: 'Twice a day for 2 weeks', status: 'in_progress',
      plan: { start: '2026-03-02', end: '2026-03-15', today: '2026-03-06', plannedDays: 14, daysDone: 4, daysSoFar: 5, todayDone: true, todayMarkable: true },
    });

    const detail = await getActivity(c.db, c.mariaForLeo, id);
    expect(detail.message).toBe('Start gently.');
    expect(detail.fields.map((f) => f.linkId)).toContain('video');
    // The checklist: the plan's days so far, newest first.
    expect(detail.checklist.map((d) => [d.day, d.done])).toEqual([
      ['2026-03-06', true], ['2026-03-05', true], ['2026-03-04', false], ['2026-03-03', true], ['2026-03-02', true],
    ]);

    const chart = await listPatientActivities(c.db, c.physician, c.leo.id);
    expect(chart).toHaveLength(1);
    expect(chart[0]).toMatchObject({ assignmentId: id, plan: { daysDone: 4, plannedDays: 14, daysSoFar: 5 }, lastMarkedAt: new Date('2026-03-06T19:30:00Z') });
    const grid = chart[0]!.plan.grid;
    expect(grid).toHaveLength(14);
    expect(grid.filter((d) => d.done).map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-05', '2026-03-06']);
    expect(grid.filter((d) => d.when === 'future')).toHaveLength(9);
    expect((await auditOf(c.tenant.id, 'forms.activities_listed')).map((e) => e.details)).toEqual([{ count: 1, area: 'portal' }, { count: 1, area: 'emr' }]);

    // The chart keeps a cancelled activity, with what was done before it was cancelled.
    await c.db.update(formAssignments).set({ status: 'cancelled' }).where(eq(formAssignments.id, id));
    expect(await listPortalActivities(c.db, c.mariaForLeo)).toEqual([]);
    expect(await listPatientActivities(c.db, c.physician, c.leo.id)).toMatchObject([{ status: 'cancelled', plan: { daysDone: 4 } }]);
  });

  it('shows the chart only to staff who may see patients, and only the clinic’s own patients', async () => {
    const c = await clinic();
    const other = await clinic();
    await c.assign(c.leo.id);
    expect(await refusal(listPatientActivities(c.db, c.marketing, c.leo.id))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(listPatientActivities(c.db, other.physician, c.leo.id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listPatientActivities(c.db, c.physician, 'nope'))).toBeInstanceOf(NotFoundError);
    expect(await listPatientActivities(c.db, c.physician, c.maria.patient.id)).toEqual([]);
  });
});
