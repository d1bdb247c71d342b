import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { automations, messageTemplates } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { ensureBuiltinTemplates } from '@/lib/engagement/templates/builtins';
import { createTemplate } from '@/lib/engagement/templates/templates';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '@/lib/engagement/unsubscribe';
import { formData, hostFor, invokeAction, signIn, type Outcome } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * CRM → Message templates as staff use it (issue 18 point 9): the pages render for staff with
 * either engagement permission (forbidden otherwise, not found for another clinic's template),
 * the form lists the placeholders it may use with their meaning and previews with sample values,
 * an SMS shows its segment count, a saved email is shown in the clinic's layout; the actions
 * answer a refused placeholder beside its field, open a new template's page, and refuse to
 * archive a template an active automation sends.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/templates/actions');
const { default: listPage } = await import('@/app/t/[tenant]/crm/(app)/templates/page');
const { default: newPage } = await import('@/app/t/[tenant]/crm/(app)/templates/new/page');
const { default: templatePage } = await import('@/app/t/[tenant]/crm/(app)/templates/[id]/page');

const db = () => getDb();
type PageFn = (p: never) => Promise<React.ReactElement>;
type Req = { host: string; cookies: Record<string, string> };
const props = (params: Record<string, string> = {}, searchParams: Record<string, string> = {}) =>
  ({ params: Promise.resolve(params), searchParams: Promise.resolve(searchParams) }) as never;
const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const textOf = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
const html = async (req: Req, fn: PageFn, p = props()) => returned(await invokeAction(req, async () => renderToStaticMarkup(await fn(p)))) as unknown as string;

async function clinic() {
  const tenant = await createTestTenant({ name: 'Sunrise Family Clinic' });
  const [admin, marketing, support] = await Promise.all([createStaffContext(tenant, 'admin'), createStaffContext(tenant, 'marketing'), createStaffContext(tenant, 'operations')]);
  const as = async (ctx: StaffContext): Promise<Req> => ({ host: hostFor(tenant.slug), cookies: (await signIn('staff', { tenantId: tenant.id, subjectId: ctx.actor.id })).cookies });
  return { tenant, admin, marketing, support, as };
}

const newForm = { name: 'Spring offer', channel: 'email', purpose: 'marketing', enSubject: 'Spring at {{clinic.name}}', enBody: 'Hi {{patient.firstName}},\n\nCheck-ups are open.', esSubject: '', esBody: '' };

describe('the template pages', () => {
  it('list the clinic’s templates for staff with campaigns or automations, and are forbidden to others', async () => {
    const w = await clinic();
    await ensureBuiltinTemplates(db(), w.tenant.id);
    await createTemplate(db(), w.marketing, { name: 'Spring offer', channel: 'sms', purpose: 'marketing', content: { en: { body: 'Spring check-ups at {{clinic.name}}.' } } });
    const list = textOf(await html(await w.as(w.marketing), listPage, props({}, {})));
    for (const text of ['Message templates', 'Active templates', 'Appointment reminder, 2 hours before (SMS)', 'Built in', 'Spring offer', 'SMS', 'Marketing', 'English, Spanish', 'New template']) {
      expect(list).toContain(text);
    }
    const support = await w.as(w.support);
    for (const page of [listPage, newPage]) {
      expect((await invokeAction(support, async () => renderToStaticMarkup(await (page as PageFn)(props())))).kind).toBe('forbidden');
    }
  });

  it('offer a form with the placeholders it may use, their meaning, and the words to fill in (without JavaScript too)', async () => {
    const w = await clinic();
    const page = await html(await w.as(w.admin), newPage);
    for (const field of ['name', 'channel', 'purpose', 'enSubject', 'enBody', 'esSubject', 'esBody']) expect(page).toContain(`name="${field}"`);
    const text = textOf(page);
    for (const words of ['English', 'Spanish (optional)', 'Placeholders', '{{patient.firstName}}', 'The patient’s first name.', '{{appointment.confirmUrl}}', 'Appointment events', 'Email only: leave it empty for SMS.']) {
      expect(text).toContain(words);
    }
    // The insert buttons need JavaScript: the page as sent has none.
    expect(text).not.toContain('Insert');
  });

  it('show a saved email in the clinic’s layout with sample values, an SMS with its segment count, and nothing of another clinic', async () => {
    const w = await clinic();
    const other = await clinic();
    const email = await createTemplate(db(), w.admin, { name: 'Spring', channel: 'email', purpose: 'marketing', content: { en: { subject: 'Spring at {{clinic.name}}', body: 'Hi {{patient.firstName}}, <b>check-ups</b> are open.' } } });
    const page = await html(await w.as(w.admin), templatePage, props({ id: email.id }, { done: 'created' }));
    const text = textOf(page);
    for (const words of ['Template added.', 'Spring at Sunrise Family Clinic', 'Preview with sample values', 'Hi Maria, &lt;b&gt;check-ups&lt;/b&gt; are open.', 'As sent', 'An unsubscribe link is added at the foot of every marketing email.', 'Archive template']) {
      expect(text).toContain(words);
    }
    // The email document is the iframe's srcdoc (escaped once more), sandboxed.
    expect(page).toMatch(/<iframe title="English email as sent" srcDoc="&lt;!DOCTYPE html&gt;/i);
    expect(page).toContain('sandbox=""');
    // The preview shows a sample unsubscribe link where the dispatcher will put each address's own.
    expect(page).not.toContain(UNSUBSCRIBE_URL_PLACEHOLDER);
    expect(page).toContain('/portal/unsubscribe/u1.sample');
    expect(page).not.toContain('<b>check-ups</b>');

    const { ['appointment-reminder-2h-sms']: sms } = await ensureBuiltinTemplates(db(), w.tenant.id);
    const smsPage = textOf(await html(await w.as(w.admin), templatePage, props({ id: sms })));
    expect(smsPage).toMatch(/3 segments · GSM-7, \d{3} characters with sample values/);
    expect(smsPage).toContain('A built-in template cannot be archived');
    expect(smsPage).not.toContain('Subject');

    expect((await invokeAction(await other.as(other.admin), async () => renderToStaticMarkup(await (templatePage as PageFn)(props({ id: email.id })))))).toMatchObject({ kind: 'not-found' });
  });
});

describe('the template actions', () => {
  it('answer a refused placeholder beside its field with what was typed, then open the new template', async () => {
    const w = await clinic();
    const req = await w.as(w.marketing);
    const refused = returned(await invokeAction(req, actions.createTemplateAction, {}, formData({ ...newForm, enBody: 'Hi {{patient.fristName}}, your {{appointment.date}} visit' })));
    expect(refused).toMatchObject({
      ok: false,
      fieldErrors: { enBody: expect.stringContaining('Unknown placeholder {{patient.fristName}}: did you mean {{patient.firstName}}?') },
      values: { enBody: 'Hi {{patient.fristName}}, your {{appointment.date}} visit' },
    });
    expect(String((refused.fieldErrors as Record<string, string>).enBody)).toContain('{{appointment.date}} cannot be used in a marketing template');

    const created = await invokeAction(req, actions.createTemplateAction, {}, formData(newForm));
    expect(created.kind).toBe('redirect');
    const [row] = await db().select().from(messageTemplates).where(and(eq(messageTemplates.tenantId, w.tenant.id), eq(messageTemplates.name, 'Spring offer')));
    expect((created as { location: string }).location).toBe(`/crm/templates/${row!.id}?done=created`);
    expect(row).toMatchObject({ channel: 'email', purpose: 'marketing', content: { en: { subject: 'Spring at {{clinic.name}}', body: 'Hi {{patient.firstName}},\n\nCheck-ups are open.' } } });

    // The same name in another case is refused beside the name.
    expect(returned(await invokeAction(req, actions.createTemplateAction, {}, formData({ ...newForm, name: 'SPRING OFFER' })))).toMatchObject({ ok: false, fieldErrors: { name: expect.stringMatching(/^Another template/) } });
  });

  it('save an edit, keep the channel and purpose as made, and refuse to archive what an active automation sends', async () => {
    const w = await clinic();
    const req = await w.as(w.admin);
    const { id } = await createTemplate(db(), w.admin, { name: 'Check-in', channel: 'sms', purpose: 'care', content: { en: { body: '{{clinic.name}}: see you soon.' } } });
    const edit = { messageTemplateId: id, name: 'Check-in', channel: 'email', purpose: 'marketing', enSubject: '', enBody: '{{clinic.name}}: see you at {{appointment.time}}.', esSubject: '', esBody: '' };
    // The browser's check runs with what was shown (email, marketing): posting another channel only confuses that check.
    expect(returned(await invokeAction(req, actions.updateTemplateAction, {}, formData({ ...edit, channel: 'sms', purpose: 'care' })))).toEqual({ ok: true, message: 'Template saved. Messages queued from now on use these words.' });
    const [row] = await db().select().from(messageTemplates).where(and(eq(messageTemplates.tenantId, w.tenant.id), eq(messageTemplates.id, id)));
    expect(row).toMatchObject({ channel: 'sms', purpose: 'care', content: { en: { body: '{{clinic.name}}: see you at {{appointment.time}}.' } } });

    await db().insert(automations).values({
      tenantId: w.tenant.id, name: 'Check-in text', trigger: 'appointment.booked', status: 'active', activeSince: new Date(),
      steps: [{ kind: 'send', channel: 'sms', templateId: id }],
    });
    expect(returned(await invokeAction(req, actions.archiveTemplateAction, {}, formData({ messageTemplateId: id })))).toEqual({
      ok: false, message: 'The template is in use: 1 active automation sends it. Pause the automation or choose another template first.',
    });
    await db().update(automations).set({ status: 'paused' }).where(eq(automations.tenantId, w.tenant.id));
    expect(returned(await invokeAction(req, actions.archiveTemplateAction, {}, formData({ messageTemplateId: id })))).toEqual({ ok: true, message: 'Archived: automations and campaigns can no longer choose it.' });
    expect(returned(await invokeAction(req, actions.restoreTemplateAction, {}, formData({ messageTemplateId: id })))).toEqual({ ok: true, message: 'Restored: automations and campaigns can choose it again.' });
  });
});
