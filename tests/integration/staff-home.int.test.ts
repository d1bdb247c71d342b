import { randomBytes } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { renderToReadableStream } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import {
  appointments, auditLog, availabilityRules, conversationMessages, conversations, formAssignments, formTemplates, formTemplateVersions, locations,
  patients, portalAccounts, portalRegistrations, services, staffUsers, tasks, tenantBranding, tenantDomains, tenantSettings, tenants, type TenantSettings,
} from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import { setClockForTests } from '@/lib/clock';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { zonedInstant } from '@/lib/scheduling/zoned-time';
import { loadCrmOverview, loadSetupFacts } from '@/lib/staff-home/crm-setup';
import { loadEmrOverview } from '@/lib/staff-home/emr-overview';
import { HOME_SCHEDULE_COOKIE } from '@/lib/staff-home/home-location';
import { setupProgress, setupSteps } from '@/lib/staff-home/setup-rules';
import { formData, hostFor, invokeAction, signIn } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

const { default: emrHomePage } = await import('@/app/t/[tenant]/emr/(app)/page');
const { default: crmHomePage } = await import('@/app/t/[tenant]/crm/(app)/page');
const { default: portalSignInPage } = await import('@/app/t/[tenant]/portal/(public)/sign-in/page');
const { chooseHomeScheduleAction } = await import('@/app/t/[tenant]/emr/(app)/actions');

/**
 * The staff home pages (issue 20 point 5): the EMR overview's sections, each read only with its
 * permission, counted for this clinic only, "today" in each location's zone; the CRM's setup
 * steps read from what the clinic has; and a new clinic's portal without empty headings.
 */

const db = () => getDb();
const CHI = 'America/Chicago';
const NY = 'America/New_York';
// Monday 2030-01-07, 18:00 in Chicago (19:00 in New York): UTC has already reached the 8th.
const NOW = new Date('2030-01-08T00:00:00Z');
const chi = (date: string, time: string) => zonedInstant(date, time, CHI);
const ny = (date: string, time: string) => zonedInstant(date, time, NY);

afterEach(() => setClockForTests(undefined));
const holdClock = () => setClockForTests(() => NOW);

type Clinic = Awaited<ReturnType<typeof createTestTenant>>;
let n = 0;

function withPermissions(ctx: StaffContext, change: (p: Set<Permission>) => void): StaffContext {
  const permissions = new Set(ctx.actor.permissions);
  change(permissions);
  return { ...ctx, actor: { ...ctx.actor, permissions } };
}

async function addPatient(clinic: Clinic, firstName: string) {
  const [row] = await db().insert(patients).values({
    tenantId: clinic.id, recordNumber: `H-${process.pid}-${++n}-${randomBytes(2).toString('hex')}`, firstName, lastName: 'Home', dateOfBirth: '1980-01-01',
  }).returning();
  return row!;
}

async function addAccount(clinic: Clinic, status: 'active' | 'pending' = 'active') {
  const [account] = await db().insert(portalAccounts).values({
    tenantId: clinic.id, fullName: 'Portal Person', email: `person-${++n}-${randomBytes(3).toString('hex')}@example.test`, phone: '+15550109999',
    phoneVerifiedAt: NOW, passwordHash: 'x', status,
  }).returning();
  return account!;
}

/** React's text-node separators, out of the way of the assertions. */
const text = (html: string) => html.replaceAll('<!-- -->', '');

/** A clinic in Chicago and New York with a provider (Dr Ada), a front desk member, a service. */
async function dayClinic(options: { settings?: Partial<Omit<TenantSettings, 'tenantId'>> } = {}) {
  const clinic = await createTestTenant({ settings: options.settings });
  const [chicago, newYork] = await db().insert(locations).values([
    { tenantId: clinic.id, name: 'A Chicago', addressLine1: '1 Lake St', city: 'Chicago', timeZone: CHI },
    { tenantId: clinic.id, name: 'B New York', addressLine1: '1 Main St', city: 'New York', timeZone: NY },
  ]).returning();
  const [service] = await db().insert(services).values({ tenantId: clinic.id, name: 'Consultation', durationMinutes: 30 }).returning();
  const ada = await createStaffContext(clinic, 'physician');
  await db().update(staffUsers).set({ isProvider: true }).where(eq(staffUsers.id, ada.actor.id));
  const ben = await createStaffContext(clinic, 'physician');
  await db().update(staffUsers).set({ isProvider: true }).where(eq(staffUsers.id, ben.actor.id));
  const desk = await createStaffContext(clinic, 'operations');
  const visit = async (provider: StaffContext, location: { id: string }, patient: { id: string }, startsAt: Date, status: 'booked' | 'cancelled' | 'completed' = 'booked') => {
    const [row] = await db().insert(appointments).values({
      tenantId: clinic.id, patientId: patient.id, providerId: provider.actor.id, serviceId: service!.id, locationId: location.id,
      startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000), status, cancelReason: status === 'cancelled' ? 'Patient asked' : null,
      bookedByKind: 'staff', bookedById: desk.actor.id,
    }).returning();
    return row!;
  };
  return { clinic, chicago: chicago!, newYork: newYork!, service: service!, ada, ben, desk, visit };
}

async function auditSince(tenantId: string, afterId: number) {
  return db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), gt(auditLog.id, afterId)));
}
async function lastAuditId(tenantId: string) {
  const [row] = await db().select({ id: sql<number>`coalesce(max(${auditLog.id}), 0)::int` }).from(auditLog).where(eq(auditLog.tenantId, tenantId));
  return row!.id;
}

describe("the EMR overview: today's schedule", () => {
  it("a provider sees only their own visits of today, each in its location's zone (23:30 in Chicago is today though UTC says tomorrow)", async () => {
    holdClock();
    const { clinic, chicago, newYork, ada, ben, visit } = await dayClinic();
    const leo = await addPatient(clinic, 'Leo');
    const mia = await addPatient(clinic, 'Mia');
    const morning = await visit(ada, chicago, leo, chi('2030-01-07', '08:00'), 'completed');
    const evening = await visit(ada, newYork, mia, ny('2030-01-07', '20:00'));
    const late = await visit(ada, chicago, leo, chi('2030-01-07', '23:30'));
    const cancelled = await visit(ada, chicago, mia, chi('2030-01-07', '18:30'), 'cancelled');
    // Not today: yesterday late, tomorrow just after midnight (both in Chicago), and Ben's visit.
    await visit(ada, chicago, mia, chi('2030-01-06', '23:30'));
    await visit(ada, chicago, mia, chi('2030-01-08', '00:30'));
    await visit(ben, chicago, mia, chi('2030-01-07', '18:30'));
    // Another clinic's visit at the same time is never seen.
    const other = await dayClinic();
    await other.visit(other.ada, other.chicago, await addPatient(other.clinic, 'Stranger'), chi('2030-01-07', '18:30'));

    const { schedule } = await loadEmrOverview(db(), ada, null);
    expect(schedule).toMatchObject({ mode: 'mine', isProvider: true, location: null });
    expect(schedule!.visits.map((v) => v.id)).toEqual([morning.id, cancelled.id, evening.id, late.id]);
    expect(schedule!.visits.find((v) => v.id === late.id)).toMatchObject({ patient: { id: leo.id, name: 'Leo Home' }, location: { name: 'A Chicago', timeZone: CHI } });
    // The morning's visit is over and the cancelled one never comes: next up is New York's 20:00.
    expect(schedule!.nextUp).toEqual({ id: evening.id, underway: false });
    expect(schedule!.today).toBe('2030-01-07');
  });

  it("anyone else sees a location's day: the chosen one, else the first; another clinic's location is not a choice", async () => {
    holdClock();
    const { clinic, chicago, newYork, ada, ben, desk, visit } = await dayClinic();
    const leo = await addPatient(clinic, 'Leo');
    const first = await visit(ada, chicago, leo, chi('2030-01-07', '00:00'));
    const lastOfDay = await visit(ben, chicago, leo, chi('2030-01-07', '23:30'));
    await visit(ada, chicago, leo, chi('2030-01-08', '00:00'));
    const inNewYork = await visit(ben, newYork, leo, ny('2030-01-07', '09:00'));
    const other = await dayClinic();

    const byDefault = (await loadEmrOverview(db(), desk, null)).schedule!;
    expect(byDefault).toMatchObject({ mode: 'location', isProvider: false, location: { id: chicago.id }, timeZone: CHI, today: '2030-01-07' });
    expect(byDefault.visits.map((v) => v.id)).toEqual([first.id, lastOfDay.id]);
    expect(byDefault.locations.map((l) => l.name)).toEqual(['A Chicago', 'B New York']);

    const chosen = (await loadEmrOverview(db(), desk, newYork.id)).schedule!;
    expect(chosen.visits.map((v) => v.id)).toEqual([inNewYork.id]);
    expect(chosen.nextUp).toBeNull(); // 09:00 in New York is long over at 19:00.

    for (const stale of [other.chicago.id, 'mine']) {
      expect((await loadEmrOverview(db(), desk, stale)).schedule).toMatchObject({ mode: 'location', location: { id: chicago.id } });
    }
    // A provider who chooses a location sees that location's day.
    expect((await loadEmrOverview(db(), ada, newYork.id)).schedule).toMatchObject({ mode: 'location', location: { id: newYork.id } });
  });

  it('a clinic with no locations has an empty schedule section, not an error', async () => {
    holdClock();
    const clinic = await createTestTenant();
    const desk = await createStaffContext(clinic, 'operations');
    expect((await loadEmrOverview(db(), desk, null)).schedule).toMatchObject({ location: null, locations: [], visits: [], nextUp: null });
  });
});

describe('the EMR overview: work lists, permissions and counts', () => {
  /** Two unread patient messages in one conversation, one in another; one read conversation. */
  async function messages(clinic: Clinic, patient: { id: string }, assignedTo: string | null) {
    const account = await addAccount(clinic);
    const made = [];
    for (const [subject, count] of [['Refill', 2], ['Question', 1]] as const) {
      const [c] = await db().insert(conversations).values({
        tenantId: clinic.id, patientId: patient.id, subject, startedByKind: 'patient', startedById: patient.id, assignedStaffId: assignedTo,
        lastMessageAt: new Date(NOW.getTime() - (subject === 'Refill' ? 60_000 : 120_000)),
      }).returning();
      for (let i = 0; i < count; i++) await db().insert(conversationMessages).values({ tenantId: clinic.id, conversationId: c!.id, senderKind: 'patient', senderAccountId: account.id, body: 'Hello' });
      made.push(c!);
    }
    return made;
  }

  async function submittedForms(clinic: Clinic, patient: { id: string }, statuses: ('submitted' | 'reviewed' | 'assigned')[]) {
    await installStarterTemplates(db(), clinic.id);
    const [template] = await db()
      .select({ templateId: formTemplates.id, versionId: formTemplateVersions.id })
      .from(formTemplates)
      .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
      .where(eq(formTemplates.tenantId, clinic.id))
      .limit(1);
    for (const [i, status] of statuses.entries()) {
      await db().insert(formAssignments).values({
        tenantId: clinic.id, patientId: patient.id, templateId: template!.templateId, versionId: template!.versionId, source: 'chart', status,
        submittedAt: status === 'assigned' ? null : new Date(NOW.getTime() - i * 60_000),
      });
    }
  }

  it('counts what waits for this person in this clinic only, and lists the latest', async () => {
    holdClock();
    const { clinic, ada, desk } = await dayClinic({ settings: { selfRegistration: 'approval' } });
    const leo = await addPatient(clinic, 'Leo');
    const [refill] = await messages(clinic, leo, null);
    await messages(clinic, leo, ada.actor.id); // someone else's conversations: not the desk's to count
    await submittedForms(clinic, leo, ['submitted', 'submitted', 'reviewed', 'assigned']);
    await db().insert(tasks).values([
      { tenantId: clinic.id, title: 'Call back', assigneeStaffId: desk.actor.id, dueOn: '2030-01-09', patientId: leo.id },
      { tenantId: clinic.id, title: 'Overdue fax', assigneeStaffId: desk.actor.id, dueOn: '2030-01-02' },
      { tenantId: clinic.id, title: 'Someday', assigneeStaffId: desk.actor.id },
      { tenantId: clinic.id, title: 'Due today', assigneeStaffId: desk.actor.id, dueOn: '2030-01-07' },
      { tenantId: clinic.id, title: 'Not mine', assigneeStaffId: ada.actor.id, dueOn: '2030-01-01' },
      { tenantId: clinic.id, title: 'Done', assigneeStaffId: desk.actor.id, status: 'done', doneAt: NOW },
    ]);
    const account = await addAccount(clinic, 'pending');
    await db().insert(portalRegistrations).values({ tenantId: clinic.id, accountId: account.id, patientId: (await addPatient(clinic, 'Reg')).id, status: 'pending' });

    // The same again in another clinic: none of it is counted here.
    const other = await dayClinic({ settings: { selfRegistration: 'approval' } });
    const stranger = await addPatient(other.clinic, 'Stranger');
    await messages(other.clinic, stranger, null);
    await submittedForms(other.clinic, stranger, ['submitted']);
    await db().insert(tasks).values({ tenantId: other.clinic.id, title: 'Elsewhere', assigneeStaffId: other.desk.actor.id, dueOn: '2030-01-01' });

    const overview = await loadEmrOverview(db(), desk, null);
    expect(overview.messages!.unread).toBe(3);
    expect(overview.messages!.conversations.map((c) => [c.subject, c.unread])).toEqual([['Refill', 2], ['Question', 1]]);
    expect(overview.messages!.conversations[0]).toMatchObject({ id: refill!.id, patient: { id: leo.id, name: 'Leo Home' } });
    expect(overview.forms).toMatchObject({ toReview: 2, recordChanges: 0 });
    expect(overview.forms!.latest).toHaveLength(2);
    expect(overview.tasks).toMatchObject({ open: 4, overdue: 1, today: '2030-01-07' });
    expect(overview.tasks!.latest.map((t) => [t.title, t.overdue])).toEqual([['Overdue fax', true], ['Due today', false], ['Call back', false], ['Someday', false]]);
    expect(overview.tasks!.latest.find((t) => t.title === 'Call back')!.patient).toEqual({ id: leo.id, name: 'Leo Home' });
    expect(overview.registrations).toEqual({ waiting: 1 });
  });

  it('a section the access level does not open is absent, and its data is never read', async () => {
    holdClock();
    const { clinic, desk } = await dayClinic();
    const leo = await addPatient(clinic, 'Leo');
    await messages(clinic, leo, null);
    const noMessages = withPermissions(desk, (p) => p.delete('messages.view'));
    const overview = await loadEmrOverview(db(), noMessages, null);
    expect(overview.messages).toBeNull();
    expect(overview.schedule).not.toBeNull();

    // Support (built in): messages and the schedule, no forms, no registrations decisions.
    const support = await createStaffContext(clinic, 'support');
    const seen = await loadEmrOverview(db(), support, null);
    expect(seen.messages!.unread).toBe(3);
    expect(seen.forms).toBeNull();
    expect(seen.registrations).toBeNull();
    expect(seen.tasks).toMatchObject({ open: 0, latest: [] });

    // Only EMR access: nothing at all.
    const bare = withPermissions(desk, (p) => { for (const x of [...p]) if (x !== 'emr.access') p.delete(x); });
    expect(await loadEmrOverview(db(), bare, null)).toMatchObject({ schedule: null, messages: null, forms: null, tasks: null, registrations: null });

    // A task's patient is named only to those who may see patients.
    await db().insert(tasks).values({ tenantId: clinic.id, title: 'About Leo', assigneeStaffId: desk.actor.id, patientId: leo.id });
    const noPatients = withPermissions(desk, (p) => p.delete('patients.view'));
    expect((await loadEmrOverview(db(), noPatients, null)).tasks!.latest[0]).toMatchObject({ title: 'About Leo', patient: null });
  });

  it('registrations show while the clinic approves them (or any still wait), to those who may decide', async () => {
    holdClock();
    const off = await dayClinic();
    expect((await loadEmrOverview(db(), off.desk, null)).registrations).toBeNull();
    const approving = await dayClinic({ settings: { selfRegistration: 'approval' } });
    expect((await loadEmrOverview(db(), approving.desk, null)).registrations).toEqual({ waiting: 0 });
    const viewOnly = withPermissions(approving.desk, (p) => p.delete('patients.edit'));
    expect((await loadEmrOverview(db(), viewOnly, null)).registrations).toBeNull();
  });

  it('listing patients is audited once, by counts and without names; an empty day writes nothing', async () => {
    holdClock();
    const { clinic, chicago, ada, desk, visit } = await dayClinic();
    const before = await lastAuditId(clinic.id);
    await loadEmrOverview(db(), desk, null);
    expect(await auditSince(clinic.id, before)).toEqual([]);

    await visit(ada, chicago, await addPatient(clinic, 'Leo'), chi('2030-01-07', '10:00'));
    const mid = await lastAuditId(clinic.id);
    await loadEmrOverview(db(), desk, null);
    const entries = await auditSince(clinic.id, mid);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'staff_home.overview_viewed', actorKind: 'staff', actorId: desk.actor.id, patientId: null,
      details: { area: 'emr', visits: 1, conversations: 0, forms: 0, tasks: 0 },
    });
    expect(JSON.stringify(entries[0]!.details)).not.toContain('Leo');
  });

  it('the page draws each section with links to its full page, and the chooser remembers the location', async () => {
    holdClock();
    const { clinic, chicago, newYork, ada, desk, visit } = await dayClinic();
    const leo = await addPatient(clinic, 'Leo');
    const booked = await visit(ada, newYork, leo, ny('2030-01-07', '20:00'));
    const session = await signIn('staff', { tenantId: clinic.id, subjectId: desk.actor.id });
    const req = { host: hostFor(clinic.slug), cookies: session.cookies, path: '/emr' };
    const render = async (searchParams: Record<string, string>, cookies: Record<string, string> = {}) => {
      const outcome = await invokeAction({ ...req, cookies: { ...req.cookies, ...cookies } }, async () => {
        const stream = await renderToReadableStream(await emrHomePage({ params: Promise.resolve({ tenant: clinic.slug }), searchParams: Promise.resolve(searchParams) }));
        await stream.allReady;
        return new Response(stream).text();
      });
      if (outcome.kind !== 'returned') throw new Error(`page did not render: ${outcome.kind}`);
      return text(String(outcome.value));
    };
    const first = await render({});
    expect(first).toContain('No visits at A Chicago today.');
    for (const href of ['/emr/messages', '/emr/forms', '/emr/tasks?view=mine']) expect(first).toContain(`href="${href}"`);

    const chose = await invokeAction(req, chooseHomeScheduleAction, formData({ schedule: newYork.id }));
    expect(chose).toMatchObject({ kind: 'redirect', location: `/emr?schedule=${newYork.id}` });
    const remembered = chose.cookies.get(HOME_SCHEDULE_COOKIE);
    expect(remembered).toContain(newYork.id);
    const html = await render({}, { [HOME_SCHEDULE_COOKIE]: newYork.id });
    expect(html).toContain(`href="/emr/schedule/appointments/${booked.id}"`);
    expect(html).toContain('8:00 PM – 8:30 PM EST');
    expect(html).toContain('Next up');
    // The URL wins over the cookie.
    expect(await render({ schedule: chicago.id }, { [HOME_SCHEDULE_COOKIE]: newYork.id })).toContain('No visits at A Chicago today.');
    // A choice that is not a location id or "mine" is refused and remembers nothing.
    const refused = await invokeAction(req, chooseHomeScheduleAction, formData({ schedule: 'x' }));
    expect(refused.cookies.has(HOME_SCHEDULE_COOKIE)).toBe(false);
  });
});

describe('the CRM overview: setup steps', () => {
  it("a clinic just made has only its address; each fact completes its step; other clinics' rows never count", async () => {
    holdClock();
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    // The factory makes the settings row a moment after the clinic, as the console does in one transaction.
    const steps = setupSteps(await loadSetupFacts(db(), admin));
    expect(steps.filter((s) => s.done).map((s) => s.key)).toEqual(['domain']);
    expect(setupProgress(steps)).toEqual({ done: 1, total: 7, complete: false });

    // A busy clinic next door changes nothing here.
    const other = await dayClinic();
    await db().insert(availabilityRules).values({ tenantId: other.clinic.id, providerId: other.ada.actor.id, locationId: other.chicago.id, weekday: 1, startTime: '09:00', endTime: '17:00' });
    expect(setupProgress(setupSteps(await loadSetupFacts(db(), admin))).done).toBe(1);

    // An inactive location, and a provider whose only hours are there, do not count.
    const [closed] = await db().insert(locations).values({ tenantId: clinic.id, name: 'Closed', addressLine1: '1 Old St', city: 'Chicago', timeZone: CHI, active: false }).returning();
    await db().insert(services).values({ tenantId: clinic.id, name: 'Retired', durationMinutes: 30, active: false });
    const ada = await createStaffContext(clinic, 'physician');
    await db().update(staffUsers).set({ isProvider: true }).where(eq(staffUsers.id, ada.actor.id));
    await db().insert(availabilityRules).values({ tenantId: clinic.id, providerId: ada.actor.id, locationId: closed!.id, weekday: 1, startTime: '09:00', endTime: '17:00' });
    let facts = await loadSetupFacts(db(), admin);
    expect(facts).toMatchObject({ locations: 0, services: 0, providers: 1, providersWithHours: 0, staff: 2 });

    const [open] = await db().insert(locations).values({ tenantId: clinic.id, name: 'Open', addressLine1: '1 Lake St', city: 'Chicago', timeZone: CHI }).returning();
    await db().insert(services).values({ tenantId: clinic.id, name: 'Consultation', durationMinutes: 30 });
    await db().insert(availabilityRules).values({ tenantId: clinic.id, providerId: ada.actor.id, locationId: open!.id, weekday: 2, startTime: '09:00', endTime: '17:00' });
    await db().update(tenantBranding).set({ primaryColor: '#1d4ed8' }).where(eq(tenantBranding.tenantId, clinic.id));
    // A custom domain still waiting for DNS leaves the address step open.
    await db().insert(tenantDomains).values({ tenantId: clinic.id, kind: 'custom', hostname: `portal-${clinic.slug}.example.test`, verificationToken: 't' });
    facts = await loadSetupFacts(db(), admin);
    expect(Object.fromEntries(setupSteps(facts).map((s) => [s.key, s.done]))).toEqual({
      branding: true, locations: true, services: true, providers: true, domain: false, portal: false, payments: false, staff: true,
    });

    await db().update(tenantDomains).set({ verifiedAt: NOW }).where(and(eq(tenantDomains.tenantId, clinic.id), eq(tenantDomains.kind, 'custom')));
    // The clinic saves its portal settings (the console made them with the clinic).
    const [made] = await db().select({ createdAt: tenants.createdAt }).from(tenants).where(eq(tenants.id, clinic.id));
    await db().update(tenantSettings).set({ updatedAt: new Date(made!.createdAt.getTime() + 3_600_000) }).where(eq(tenantSettings.tenantId, clinic.id));
    const overview = await loadCrmOverview(db(), admin);
    expect(overview.setup!.progress).toEqual({ done: 7, total: 7, complete: true });
    expect(overview.glance).toMatchObject({ patients: 0, visitsThisWeek: 0, activeSubscriptions: 0, openConversations: 0, weekOf: '2030-01-07' });
  });

  it("the glance counts this clinic's week in its zone, only what the reader may open", async () => {
    holdClock();
    const { clinic, chicago, ada, visit } = await dayClinic();
    const leo = await addPatient(clinic, 'Leo');
    await visit(ada, chicago, leo, chi('2030-01-07', '09:00'));
    await visit(ada, chicago, leo, chi('2030-01-13', '22:30')); // Sunday night: still this week (in either of the clinic's zones)
    await visit(ada, chicago, leo, chi('2030-01-14', '00:30')); // next Monday
    await visit(ada, chicago, leo, chi('2030-01-08', '09:00'), 'cancelled');
    await db().insert(conversations).values({ tenantId: clinic.id, patientId: leo.id, subject: 'Hi', startedByKind: 'patient', startedById: leo.id });
    const other = await dayClinic();
    await other.visit(other.ada, other.chicago, await addPatient(other.clinic, 'Stranger'), chi('2030-01-08', '09:00'));

    const admin = await createStaffContext(clinic, 'admin');
    const glance = (await loadCrmOverview(db(), withPermissions(admin, (p) => p.delete('settings.manage')))).glance!;
    expect(glance).toMatchObject({ patients: 1, visitsThisWeek: 2, activeSubscriptions: 0, openConversations: 1 });
    // Marketing opens none of those pages: no numbers, and no setup steps either.
    const marketing = await createStaffContext(clinic, 'marketing');
    expect(await loadCrmOverview(db(), marketing)).toEqual({
      setup: null, glance: { patients: null, visitsThisWeek: null, activeSubscriptions: null, openConversations: null, weekOf: '2030-01-07' },
    });
  });

  it('the page lists the steps with their links for an admin of a new clinic', async () => {
    holdClock();
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const session = await signIn('staff', { tenantId: clinic.id, subjectId: admin.actor.id });
    const outcome = await invokeAction({ host: hostFor(clinic.slug), cookies: session.cookies, path: '/crm' }, async () => {
      const stream = await renderToReadableStream(await crmHomePage({ params: Promise.resolve({ tenant: clinic.slug }) }));
      await stream.allReady;
      return new Response(stream).text();
    });
    expect(outcome.kind).toBe('returned');
    const html = text(String(outcome.kind === 'returned' ? outcome.value : ''));
    expect(html).toContain('1 of 7 done.');
    for (const href of ['/crm/branding', '/crm/locations', '/crm/services', '/crm/providers', '/crm/domains', '/crm/portal-settings', '/crm/billing', '/crm/users']) {
      expect(html).toContain(`href="${href}"`);
    }
  });
});

describe("a new clinic's portal", () => {
  async function signInPage(clinic: Clinic) {
    const outcome = await invokeAction({ host: hostFor(clinic.slug), path: '/portal/sign-in' }, async () => {
      const stream = await renderToReadableStream(await portalSignInPage({ params: Promise.resolve({ tenant: clinic.slug }), searchParams: Promise.resolve({}) }));
      await stream.allReady;
      return new Response(stream).text();
    });
    if (outcome.kind !== 'returned') throw new Error(`page did not render: ${outcome.kind}`);
    return text(String(outcome.value));
  }

  it('shows the clinic, a welcome and sign-in, and no "Our locations" heading while it has no locations', async () => {
    const clinic = await createTestTenant({ name: 'Brand New Clinic' });
    const empty = await signInPage(clinic);
    expect(empty).toContain('Welcome to Brand New Clinic');
    expect(empty).toContain('id="sign-in-heading"');
    expect(empty).not.toContain('id="locations-heading"');
    expect(empty).not.toContain('Our location');

    await db().insert(locations).values({ tenantId: clinic.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Chicago', timeZone: CHI });
    // The profile is cached per clinic for a few seconds; a location added in the CRM revalidates it.
    const { revalidateTenant } = await import('@/lib/tenancy/request-tenant');
    revalidateTenant(clinic.id);
    const withLocation = await signInPage(clinic);
    expect(withLocation).toContain('id="locations-heading"');
    expect(withLocation).toContain('Our location');
    expect(withLocation).toContain('Main Street');
  });
});
