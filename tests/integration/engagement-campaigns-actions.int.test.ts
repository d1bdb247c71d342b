import { and, asc, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, campaigns, locations, messageTemplates, patients, segments } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { now, setClockForTests } from '@/lib/clock';
import { createCampaign, scheduleCampaign } from '@/lib/engagement/campaigns/campaigns';
import { queueCampaigns } from '@/lib/engagement/campaigns/queue';
import { recordConsent } from '@/lib/engagement/consent';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * CRM → Campaigns as staff use it (issue 18 points 6 and 8): the pages per permission and clinic,
 * the draft form's refusals on their fields, the clinic always the session's (a posted clinic or
 * another clinic's template, segment or campaign changes nothing), "send" with its review and a
 * time read on the clinic's clock in its zone (summer and winter offsets, a skipped hour, a past
 * time), and cancel back to a draft or a stop.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/campaigns/actions');
const { default: listPage } = await import('@/app/t/[tenant]/crm/(app)/campaigns/page');
const { default: newPage } = await import('@/app/t/[tenant]/crm/(app)/campaigns/new/page');
const { default: detailPage } = await import('@/app/t/[tenant]/crm/(app)/campaigns/[id]/page');

const db = () => getDb();
const AT = new Date('2026-06-15T18:00:00Z'); // 13:00 in Chicago (CDT)

beforeEach(() => setClockForTests(() => AT));
afterEach(() => setClockForTests(undefined));

/** A clinic in Chicago: Ana said yes to marketing email, Ben did not; one segment of everyone; marketing and care templates. */
async function campaignClinic() {
  const tenant = await createTestTenant();
  await db().insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: 'America/Chicago' });
  const [admin, marketing, support] = await Promise.all([createStaffContext(tenant, 'admin'), createStaffContext(tenant, 'marketing'), createStaffContext(tenant, 'support')]);
  const [ana] = await db().insert(patients).values([
    { tenantId: tenant.id, recordNumber: 'C-1', firstName: 'Ana', lastName: 'Yes', dateOfBirth: '1980-01-01', email: 'ana@example.test' },
    { tenantId: tenant.id, recordNumber: 'C-2', firstName: 'Ben', lastName: 'Silent', dateOfBirth: '1980-01-01', email: 'ben@example.test' },
  ]).returning({ id: patients.id });
  await recordConsent(db(), tenant.id, { patientId: ana!.id, channel: 'email', purpose: 'marketing', granted: true, source: 'seed' });
  const [everyone] = await db().insert(segments).values({ tenantId: tenant.id, name: 'Everyone', filter: { conditions: [] } }).returning();
  const [email, sms, care] = await db().insert(messageTemplates).values([
    { tenantId: tenant.id, name: 'Spring news', channel: 'email', purpose: 'marketing', content: {
      en: { subject: 'News from {{clinic.name}}', body: 'Hello {{patient.firstName}}, spring hours are here.' },
      es: { subject: 'Noticias de {{clinic.name}}', body: 'Hola {{patient.firstName}}, llega el horario de primavera.' },
    } },
    { tenantId: tenant.id, name: 'Spring text', channel: 'sms', purpose: 'marketing', content: { en: { body: 'Hi {{patient.firstName}}: spring hours at {{clinic.name}}.' } } },
    { tenantId: tenant.id, name: 'Care note', channel: 'email', purpose: 'care', content: { en: { subject: 'A note', body: 'Hello {{patient.firstName}}.' } } },
  ]).returning();
  const settings = { name: 'Spring email', channel: 'email', templateId: email!.id, segmentId: everyone!.id, quietStart: '21:00', quietEnd: '08:00', ratePerMinute: '60' };
  return { tenant, admin, marketing, support, segmentId: everyone!.id, templates: { email: email!.id, sms: sms!.id, care: care!.id }, settings };
}
type Clinic = Awaited<ReturnType<typeof campaignClinic>>;

async function as(w: Clinic, ctx: StaffContext) {
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
async function campaignRow(tenantId: string, id: string) {
  const [row] = await db().select().from(campaigns).where(and(eq(campaigns.tenantId, tenantId), eq(campaigns.id, id)));
  return row!;
}
async function draft(w: Clinic, name = 'Spring email') {
  return (await createCampaign(db(), w.marketing, { ...w.settings, name, channel: 'email', ratePerMinute: 60 })).id;
}
const send = (campaignId: string, fields: Record<string, string>) => formData({ campaignId, when: 'later', sendDate: '', sendTime: '', ...fields });

describe('the campaign pages', () => {
  it('list campaigns (or explain consent when there are none), offer the clinic’s marketing templates and segments, show a draft’s preview and a sent one’s report', async () => {
    const w = await campaignClinic();
    const marketing = await as(w, w.marketing);

    const empty = await rendered(marketing, listPage);
    for (const text of ['Campaigns', 'New campaign', 'No campaigns yet.', 'Patients get it only if they said yes to marketing', 'Create the first campaign']) expect(empty).toContain(text);

    const fresh = await rendered(marketing, newPage);
    for (const text of ['New campaign', 'Spring news', 'Spring text', 'Everyone (2 patients today)', 'Choose a template to see the message.', 'Create a marketing template', 'Quiet hours (text messages only)', 'in each patient’s time zone', 'Create draft']) {
      expect(fresh).toContain(text);
    }
    expect(fresh).not.toContain('Care note');
    // Without JavaScript both channels' templates are offered, in groups.
    const freshHtml = returned(await invokeAction(marketing, async () => renderToStaticMarkup(await newPage()))) as unknown as string;
    expect(freshHtml).toMatch(/<optgroup label="Email templates"><option value="[0-9a-f-]{36}">Spring news<\/option><\/optgroup><optgroup label="Text message templates"><option value="[0-9a-f-]{36}">Spring text</);

    const id = await draft(w);
    const list = await rendered(marketing, listPage);
    for (const text of ['Spring email', 'Email', 'Draft', 'Everyone', 'Spring news', 'Not scheduled', 'Not counted yet']) expect(list).toContain(text);

    const page = await rendered(marketing, detailPage, props({ id }, { done: 'created' }));
    for (const text of ['Draft created.', 'Message', 'Who gets it', 'Pace', 'Save draft', 'Preview of “Spring news”', 'Subject: News from', 'English', 'Spanish', '2 patients in “Everyone” today.', 'Send now', 'Schedule', 'America/Chicago', 'Review']) {
      expect(page).toContain(text);
    }
    // The form offers tomorrow at 09:00 on the clinic's clock.
    const html = returned(await invokeAction(marketing, async () => renderToStaticMarkup(await detailPage(props({ id }))))) as unknown as string;
    expect(html).toContain('value="2026-06-16"');
    expect(html).toContain('value="09:00"');

    // Sent now and queued: the report counts, with the provider's caveat.
    await scheduleCampaign(db(), w.marketing, id, null);
    await queueCampaigns(db(), AT);
    const report = await rendered(marketing, detailPage, props({ id }));
    for (const text of ['Sending', 'Report', 'Patients in the segment When the campaign went out. 2', 'Left out 1', 'No marketing consent', 'Waiting for their turn', 'Opened', 'may be missing', 'Stop sending', 'Refresh the counts']) {
      expect(report).toContain(text);
    }
    expect(report).not.toContain('Save draft');
    expect(await rendered(marketing, listPage)).toMatch(/Started Mon, Jun 15, 2026, 1:00 PM CDT 1 /);

    const support = await as(w, w.support);
    for (const [fn, p] of [[listPage, props()], [newPage, props()], [detailPage, props({ id })]] as const) {
      expect(await invokeAction(support, fn, p)).toMatchObject({ kind: expect.stringMatching(/forbidden|redirect/) });
    }
    const other = await campaignClinic();
    const otherMarketing = await as(other, other.marketing);
    expect(await invokeAction(otherMarketing, detailPage, props({ id }))).toMatchObject({ kind: 'not-found' });
    expect(await invokeAction(otherMarketing, detailPage, props({ id: 'nope' }))).toMatchObject({ kind: 'not-found' });
    expect(await rendered(otherMarketing, listPage)).not.toContain('Spring email');
  });
});

describe('the draft form', () => {
  it('refuses on the field, with what was typed; saves in the session’s clinic whatever is posted', async () => {
    const w = await campaignClinic();
    const other = await campaignClinic();
    const marketing = await as(w, w.marketing);
    const create = (fields: Record<string, string>) => invokeAction(marketing, actions.createCampaignAction, {}, formData({ ...w.settings, ...fields }));

    expect(returned(await create({ name: '  ' }))).toMatchObject({ ok: false, fieldErrors: { name: 'Give the campaign a name.' }, values: { templateId: w.templates.email } });
    expect(returned(await create({ ratePerMinute: '0', quietStart: '25:00' })))
      .toMatchObject({ ok: false, fieldErrors: { ratePerMinute: 'Send at least 1 a minute.', quietStart: 'Enter a time like 21:00.' } });
    expect(returned(await create({ templateId: w.templates.sms }))).toMatchObject({ ok: false, fieldErrors: { templateId: 'Choose an email template.' } });
    expect(returned(await create({ templateId: w.templates.care }))).toMatchObject({ ok: false, fieldErrors: { templateId: expect.stringMatching(/marketing template/) } });
    expect(returned(await create({ templateId: other.templates.email, segmentId: other.segmentId })))
      .toMatchObject({ ok: false, fieldErrors: { templateId: 'Choose one of the clinic’s templates.', segmentId: 'Choose one of the clinic’s segments.' } });
    expect(await db().select().from(campaigns).where(eq(campaigns.tenantId, w.tenant.id))).toEqual([]);

    const made = await create({ name: 'Summer hours', tenantId: other.tenant.id, createdByStaffId: other.admin.actor.id });
    expect(made.kind).toBe('redirect');
    const id = /^\/crm\/campaigns\/([0-9a-f-]{36})\?done=created$/.exec((made as { location: string }).location)?.[1];
    expect(await campaignRow(w.tenant.id, id!)).toMatchObject({ name: 'Summer hours', status: 'draft', channel: 'email', ratePerMinute: 60, createdByStaffId: w.marketing.actor.id });
    expect(await db().select().from(campaigns).where(eq(campaigns.tenantId, other.tenant.id))).toEqual([]);
    const audit = await db().select({ action: auditLog.action, actorId: auditLog.actorId }).from(auditLog)
      .where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.targetId, id!))).orderBy(asc(auditLog.id));
    expect(audit).toEqual([{ action: 'engagement.campaign_created', actorId: w.marketing.actor.id }]);

    // Edited while a draft; once scheduled, refused in words.
    const edit = (fields: Record<string, string>) => invokeAction(marketing, actions.updateCampaignAction, {}, formData({ ...w.settings, campaignId: id!, ...fields }));
    expect(returned(await edit({ name: 'Summer hours (texts)', channel: 'sms', templateId: w.templates.sms, quietStart: '20:00' }))).toEqual({ ok: true, message: 'Draft saved.' });
    expect(await campaignRow(w.tenant.id, id!)).toMatchObject({ name: 'Summer hours (texts)', channel: 'sms', templateId: w.templates.sms, quietStart: '20:00' });
    await scheduleCampaign(db(), w.marketing, id!, null);
    expect(returned(await edit({ name: 'Too late' }))).toMatchObject({ ok: false, message: expect.stringMatching(/Only a draft can be changed/) });

    // Another clinic's staff: this clinic's campaign does not exist for them.
    const outsider = await as(other, other.marketing);
    expect(returned(await invokeAction(outsider, actions.updateCampaignAction, {}, formData({ ...other.settings, campaignId: id! }))))
      .toMatchObject({ ok: false, message: 'This campaign no longer exists. Reload the page to see the current list.' });
    expect(await campaignRow(w.tenant.id, id!)).toMatchObject({ name: 'Summer hours (texts)' });
  });

  it('needs campaigns.manage', async () => {
    const w = await campaignClinic();
    const support = await as(w, w.support);
    expect(await invokeAction(support, actions.createCampaignAction, {}, formData(w.settings))).toMatchObject({ kind: 'forbidden' });
    const id = await draft(w);
    expect(await invokeAction(support, actions.sendCampaignAction, {}, send(id, { when: 'now', confirm: 'yes' }))).toMatchObject({ kind: 'forbidden' });
    expect(await invokeAction(support, actions.cancelCampaignAction, {}, formData({ campaignId: id }))).toMatchObject({ kind: 'forbidden' });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'draft', sendAt: null });
  });
});

describe('sending', () => {
  it('reviews first, then schedules at the day and time on the clinic’s clock (its zone, summer or winter)', async () => {
    const w = await campaignClinic();
    const admin = await as(w, w.admin);
    const id = await draft(w);

    const review = returned(await invokeAction(admin, actions.sendCampaignAction, {}, send(id, { sendDate: '2026-07-01', sendTime: '09:00' })));
    expect(review).toEqual({
      ok: true,
      review: { when: 'later', sendDate: '2026-07-01', sendTime: '09:00', whenText: 'Wed, Jul 1, 2026, 9:00 AM CDT', segmentName: 'Everyone', patients: 2 },
    });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'draft', sendAt: null });
    // "Change" goes back to the choice as posted.
    expect(returned(await invokeAction(admin, actions.sendCampaignAction, review, send(id, { sendDate: '2026-07-01', sendTime: '09:00', confirm: 'change' }))))
      .toEqual({ values: { when: 'later', sendDate: '2026-07-01', sendTime: '09:00' } });

    const done = await invokeAction(admin, actions.sendCampaignAction, review, send(id, { sendDate: '2026-07-01', sendTime: '09:00', confirm: 'yes' }));
    expect(done).toMatchObject({ kind: 'redirect', location: `/crm/campaigns/${id}?done=scheduled` });
    // 09:00 in Chicago on a summer day is 14:00 UTC.
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'scheduled', sendAt: new Date('2026-07-01T14:00:00Z') });
    expect(await rendered(admin, detailPage, props({ id }))).toContain('Wed, Jul 1, 2026, 9:00 AM CDT');

    // In winter the same wall time is an hour later in UTC.
    const winter = await draft(w, 'Winter email');
    await invokeAction(admin, actions.sendCampaignAction, {}, send(winter, { sendDate: '2026-12-01', sendTime: '09:00', confirm: 'yes' }));
    expect(await campaignRow(w.tenant.id, winter)).toMatchObject({ status: 'scheduled', sendAt: new Date('2026-12-01T15:00:00Z') });
  });

  it('refuses a past time, a time the clock skips and a day that does not exist, on their fields', async () => {
    const w = await campaignClinic();
    const admin = await as(w, w.admin);
    const id = await draft(w);
    const ask = (fields: Record<string, string>) => invokeAction(admin, actions.sendCampaignAction, {}, send(id, fields));

    // 12:00 today in Chicago is an hour ago.
    expect(returned(await ask({ sendDate: '2026-06-15', sendTime: '12:00' })))
      .toMatchObject({ ok: false, fieldErrors: { sendTime: 'This time has passed. Choose a later time, or send now.' }, values: { sendDate: '2026-06-15', sendTime: '12:00' } });
    expect(returned(await ask({ sendDate: '2027-03-14', sendTime: '02:30', confirm: 'yes' })))
      .toMatchObject({ ok: false, fieldErrors: { sendTime: expect.stringMatching(/skips this time/) } });
    expect(returned(await ask({ sendDate: '2027-02-30', sendTime: '09:00' }))).toMatchObject({ ok: false, fieldErrors: { sendDate: 'Enter the day, like 2030-03-04.' } });
    expect(returned(await ask({ sendDate: '2027-02-03', sendTime: '9am' }))).toMatchObject({ ok: false, fieldErrors: { sendTime: 'Enter the time, like 09:00.' } });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'draft', sendAt: null });
  });

  it('sends now (the day and time fields are ignored), once; another clinic cannot send it', async () => {
    const w = await campaignClinic();
    const marketing = await as(w, w.marketing);
    const id = await draft(w);

    const review = returned(await invokeAction(marketing, actions.sendCampaignAction, {}, send(id, { when: 'now', sendDate: 'x', sendTime: 'y' })));
    expect(review).toMatchObject({ ok: true, review: { when: 'now', whenText: 'now', patients: 2, segmentName: 'Everyone' } });

    const other = await campaignClinic();
    const outsider = await as(other, other.marketing);
    expect(returned(await invokeAction(outsider, actions.sendCampaignAction, {}, send(id, { when: 'now', confirm: 'yes' }))))
      .toMatchObject({ ok: false, message: 'This campaign no longer exists. Reload the page to see the current list.' });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'draft' });

    expect(await invokeAction(marketing, actions.sendCampaignAction, review, send(id, { when: 'now', confirm: 'yes' })))
      .toMatchObject({ kind: 'redirect', location: `/crm/campaigns/${id}?done=sent` });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'scheduled', sendAt: now() });
    expect(returned(await invokeAction(marketing, actions.sendCampaignAction, review, send(id, { when: 'now', confirm: 'yes' }))))
      .toMatchObject({ ok: false, message: expect.stringMatching(/already sent or scheduled/) });
    const audit = await db().select({ action: auditLog.action, details: auditLog.details }).from(auditLog)
      .where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.targetId, id), eq(auditLog.action, 'engagement.campaign_scheduled')));
    expect(audit).toEqual([{ action: 'engagement.campaign_scheduled', details: { sendAt: AT.toISOString(), now: true } }]);
  });
});

describe('cancel', () => {
  it('takes a scheduled campaign back to a draft and stops one that is sending; nothing else, and only in the clinic', async () => {
    const w = await campaignClinic();
    const marketing = await as(w, w.marketing);
    const cancel = (campaignId: string, who = marketing) => invokeAction(who, actions.cancelCampaignAction, {}, formData({ campaignId }));
    const id = await draft(w);

    expect(returned(await cancel(id))).toMatchObject({ ok: false, message: 'This campaign has not been sent.' });
    await scheduleCampaign(db(), w.marketing, id, new Date('2026-07-01T14:00:00Z'));

    const other = await campaignClinic();
    expect(returned(await cancel(id, await as(other, other.marketing)))).toMatchObject({ ok: false, message: expect.stringMatching(/no longer exists/) });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'scheduled' });

    expect(returned(await cancel(id))).toEqual({ ok: true, message: expect.stringMatching(/^The send is cancelled: the campaign is a draft again/) });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'draft', sendAt: null });

    await scheduleCampaign(db(), w.marketing, id, null);
    await queueCampaigns(db(), AT, { pages: 0 });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'queueing' });
    expect(returned(await cancel(id))).toEqual({ ok: true, message: expect.stringMatching(/^Stopped\./) });
    expect(await campaignRow(w.tenant.id, id)).toMatchObject({ status: 'cancelled', finishedAt: AT });
    expect(returned(await cancel(id))).toMatchObject({ ok: false, message: 'This campaign has already finished.' });
    expect(await rendered(marketing, detailPage, props({ id }))).toContain('Stopped: messages not handed over before it stopped were not sent.');
  });
});
