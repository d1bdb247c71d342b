import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accessLevels, auditLog, messageTemplates, staffUsers } from '@/db/schema';
import { ForbiddenError, NotFoundError, type StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import { BUILTIN_TEMPLATE_KEYS, BUILTIN_TEMPLATES, ensureBuiltinTemplates } from '@/lib/engagement/templates/builtins';
import { archiveTemplate, createTemplate, getTemplate, listTemplates, restoreTemplate, updateTemplate, type TemplateInput } from '@/lib/engagement/templates/templates';
import { RuleError } from '@/lib/kernel/errors';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/**
 * Message templates against Postgres (issue 18 point 9): who may edit them (either engagement
 * permission), names unique per clinic in any case, every language's words checked when saved
 * with the placeholder named on its field, built-ins that cannot be archived, audits without the
 * words, another clinic's template not found, and the built-ins made once per clinic.
 */

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);

const reminder: TemplateInput = {
  name: 'Visit reminder',
  channel: 'email',
  purpose: 'care',
  content: { en: { subject: 'Your visit on {{appointment.date}}', body: 'Hello {{patient.firstName}},\n\nSee you at {{appointment.time}}.' } },
};
const offer: TemplateInput = { name: 'Spring offer', channel: 'sms', purpose: 'marketing', content: { en: { body: '{{clinic.name}}: spring check-ups are open.' } } };

async function staffWith(tenant: Awaited<ReturnType<typeof createTestTenant>>, name: string, permissions: Permission[]): Promise<StaffContext> {
  const [level] = await db().insert(accessLevels).values({ tenantId: tenant.id, name, permissions }).returning({ id: accessLevels.id });
  const [user] = await db().insert(staffUsers).values({ tenantId: tenant.id, email: `${name.toLowerCase().replace(/\W/g, '')}-${Math.random().toString(36).slice(2, 8)}@${tenant.slug}.test`, fullName: name, accessLevelId: level!.id, status: 'active' }).returning();
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
    actor: { kind: 'staff', id: user!.id, fullName: name, email: user!.email, accessLevelId: level!.id, accessLevelName: name, permissions: new Set(permissions) },
    sessionId: '00000000-0000-0000-0000-000000000000',
  };
}

async function clinic() {
  const tenant = await createTestTenant();
  const [admin, marketing, support, automations] = await Promise.all([
    createStaffContext(tenant, 'admin'), createStaffContext(tenant, 'marketing'), createStaffContext(tenant, 'support'),
    staffWith(tenant, 'Automations only', ['crm.access', 'automations.manage']),
  ]);
  return { tenant, admin, marketing, support, automations };
}

async function auditOf(tenantId: string, templateId: string) {
  return db().select({ action: auditLog.action, actorId: auditLog.actorId, details: auditLog.details }).from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.targetType, 'message_template'), eq(auditLog.targetId, templateId))).orderBy(asc(auditLog.id));
}

describe('who may work on templates', () => {
  it('lets staff with automations or campaigns in, and nobody else', async () => {
    const w = await clinic();
    const { id } = await createTemplate(db(), w.automations, reminder);
    await createTemplate(db(), w.marketing, offer);
    expect((await listTemplates(db(), w.marketing, { status: 'active' })).map((t) => t.name)).toEqual(['Spring offer', 'Visit reminder']);
    expect(await refusal(createTemplate(db(), w.support, { ...reminder, name: 'Other' }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(listTemplates(db(), w.support, { status: 'active' }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(getTemplate(db(), w.support, id))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateTemplate(db(), w.support, id, { name: 'x', content: reminder.content }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(archiveTemplate(db(), w.support, id))).toBeInstanceOf(ForbiddenError);
  });

  it('finds nothing of another clinic', async () => {
    const w = await clinic();
    const other = await clinic();
    const { id } = await createTemplate(db(), other.admin, reminder);
    expect(await refusal(getTemplate(db(), w.admin, id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(updateTemplate(db(), w.admin, id, { name: 'Mine now', content: reminder.content }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(archiveTemplate(db(), w.admin, id))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getTemplate(db(), w.admin, 'not-a-uuid'))).toBeInstanceOf(NotFoundError);
    expect(await listTemplates(db(), w.admin, { status: 'active' })).toEqual([]);
    expect((await getTemplate(db(), other.admin, id)).name).toBe('Visit reminder');
  });
});

describe('saving a template', () => {
  it('stores the words, lists the languages, and audits ids and field names only', async () => {
    const w = await clinic();
    const { id } = await createTemplate(db(), w.admin, { ...reminder, content: { ...reminder.content, es: { subject: 'Su cita el {{appointment.date}}', body: 'Hola, {{patient.firstName}}.' } } });
    expect(await getTemplate(db(), w.admin, id)).toMatchObject({ name: 'Visit reminder', channel: 'email', purpose: 'care', builtinKey: null, archivedAt: null });
    expect((await listTemplates(db(), w.admin, { status: 'active' }))[0]).toMatchObject({ id, languages: ['en', 'es'] });

    expect(await updateTemplate(db(), w.admin, id, { name: 'Visit reminder', content: { en: reminder.content.en } })).toEqual({ changed: true });
    expect(await updateTemplate(db(), w.admin, id, { name: 'Visit reminder', content: { en: reminder.content.en } })).toEqual({ changed: false });
    expect(await listTemplates(db(), w.admin, { status: 'active' })).toMatchObject([{ languages: ['en'] }]);

    const audit = await auditOf(w.tenant.id, id);
    expect(audit).toEqual([
      { action: 'engagement.template_created', actorId: w.admin.actor.id, details: { channel: 'email', purpose: 'care', languages: ['en', 'es'] } },
      { action: 'engagement.template_updated', actorId: w.admin.actor.id, details: { changed: ['es.subject', 'es.body'], languages: ['en'], builtinKey: null } },
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/Hello|Hola|visit on/i);
  });

  it('refuses a name the clinic already uses, in any case, and allows it in another clinic', async () => {
    const w = await clinic();
    const other = await clinic();
    const { id } = await createTemplate(db(), w.admin, reminder);
    const taken = await refusal(createTemplate(db(), w.admin, { ...offer, name: 'VISIT REMINDER' })) as RuleError;
    expect(taken).toBeInstanceOf(RuleError);
    expect(taken.code).toBe('template-name-taken');
    expect(taken.fieldErrors).toEqual({ name: expect.stringMatching(/^Another template of the clinic is called that/) });
    const second = await createTemplate(db(), w.admin, offer);
    expect(((await refusal(updateTemplate(db(), w.admin, second.id, { name: 'visit Reminder', content: offer.content }))) as RuleError).code).toBe('template-name-taken');
    // Renaming in another case is the same template, not a clash.
    expect(await updateTemplate(db(), w.admin, id, { name: 'VISIT reminder', content: reminder.content })).toEqual({ changed: true });
    await createTemplate(db(), other.admin, reminder);
  });

  it('refuses unknown and not-allowed placeholders on the field they are in, and keeps channel and purpose as made', async () => {
    const w = await clinic();
    const unknown = await refusal(createTemplate(db(), w.admin, { ...reminder, content: { en: { subject: 'Hi', body: 'Hello {{patient.fristName}}' }, es: { subject: '{{invoice.number}}', body: 'Hola' } } })) as RuleError;
    expect(unknown.code).toBe('template-words');
    expect(unknown.fieldErrors).toEqual({ enBody: 'Unknown placeholder {{patient.fristName}}: did you mean {{patient.firstName}}?' });
    const marketing = await refusal(createTemplate(db(), w.admin, { ...offer, content: { en: { body: 'See you {{appointment.date}}' } } })) as RuleError;
    expect(marketing.fieldErrors).toEqual({ enBody: expect.stringMatching(/^\{\{appointment\.date\}\} cannot be used in a marketing template/) });
    const subject = await refusal(createTemplate(db(), w.admin, { ...offer, content: { en: { subject: 'Hi', body: 'Offer' } } })) as RuleError;
    expect(subject.fieldErrors).toEqual({ enSubject: 'A text message has no subject: leave it empty.' });
    expect(await db().select().from(messageTemplates).where(eq(messageTemplates.tenantId, w.tenant.id))).toEqual([]);

    // An edit is checked against the stored channel and purpose: a marketing SMS stays one.
    const { id } = await createTemplate(db(), w.admin, offer);
    const edit = await refusal(updateTemplate(db(), w.admin, id, { name: 'Spring offer', content: { en: { body: 'Your order {{order.number}}' } } })) as RuleError;
    expect(edit.fieldErrors).toEqual({ enBody: expect.stringMatching(/cannot be used in a marketing template/) });
    expect(await getTemplate(db(), w.admin, id)).toMatchObject({ channel: 'sms', purpose: 'marketing', content: offer.content });
  });
});

describe('archiving', () => {
  it('moves a template to the archived list and back, once each', async () => {
    const w = await clinic();
    const { id } = await createTemplate(db(), w.marketing, offer);
    expect(await archiveTemplate(db(), w.marketing, id)).toEqual({ changed: true });
    expect(await archiveTemplate(db(), w.marketing, id)).toEqual({ changed: false });
    expect(await listTemplates(db(), w.marketing, { status: 'active' })).toEqual([]);
    expect((await listTemplates(db(), w.marketing, { status: 'archived' })).map((t) => t.id)).toEqual([id]);
    expect((await getTemplate(db(), w.marketing, id)).archivedAt).toBeInstanceOf(Date);
    expect(await restoreTemplate(db(), w.marketing, id)).toEqual({ changed: true });
    expect((await listTemplates(db(), w.marketing, { status: 'active' })).map((t) => t.id)).toEqual([id]);
    expect((await auditOf(w.tenant.id, id)).map((a) => a.action)).toEqual(['engagement.template_created', 'engagement.template_archived', 'engagement.template_restored']);
  });

  it('refuses to archive a built-in, which can still be edited', async () => {
    const w = await clinic();
    const ids = await ensureBuiltinTemplates(db(), w.tenant.id);
    const id = ids['payment-failed-sms'];
    expect(((await refusal(archiveTemplate(db(), w.admin, id))) as RuleError).code).toBe('template-builtin');
    expect(await updateTemplate(db(), w.admin, id, { name: 'Payment reminder (SMS)', content: { en: { body: '{{clinic.name}}: please check your portal. {{portal.url}}' } } })).toEqual({ changed: true });
    expect(await getTemplate(db(), w.admin, id)).toMatchObject({ name: 'Payment reminder (SMS)', builtinKey: 'payment-failed-sms', archivedAt: null });
  });
});

describe('ensureBuiltinTemplates', () => {
  it('makes the eight once per clinic, keeps a clinic’s edits, and gives each clinic its own', async () => {
    const a = await clinic();
    const b = await clinic();
    const first = await ensureBuiltinTemplates(db(), a.tenant.id);
    expect(Object.keys(first).sort()).toEqual([...BUILTIN_TEMPLATE_KEYS].sort());
    await updateTemplate(db(), a.admin, first['visit-follow-up-email'], { name: 'After your visit', content: { en: { subject: 'Thanks', body: 'Thank you, {{patient.firstName}}.' } } });
    const again = await db().transaction((tx) => ensureBuiltinTemplates(tx, a.tenant.id));
    expect(again).toEqual(first);
    const other = await ensureBuiltinTemplates(db(), b.tenant.id);
    expect(Object.values(other).some((id) => Object.values(first).includes(id))).toBe(false);
    expect(await db().select({ id: messageTemplates.id }).from(messageTemplates).where(eq(messageTemplates.tenantId, a.tenant.id))).toHaveLength(8);
    expect(await getTemplate(db(), a.admin, first['visit-follow-up-email'])).toMatchObject({ name: 'After your visit', content: { en: { subject: 'Thanks' } } });
    expect(await getTemplate(db(), b.admin, other['appointment-reminder-2h-sms'])).toMatchObject({
      name: BUILTIN_TEMPLATES['appointment-reminder-2h-sms'].name, channel: 'sms', purpose: 'care', content: BUILTIN_TEMPLATES['appointment-reminder-2h-sms'].content,
    });
  });

  it('names a built-in apart when the clinic already has a template of its name', async () => {
    const w = await clinic();
    const own = await createTemplate(db(), w.admin, { ...offer, purpose: 'care', name: 'payment needs attention (SMS)' });
    const ids = await ensureBuiltinTemplates(db(), w.tenant.id);
    expect(ids['payment-failed-sms']).not.toBe(own.id);
    expect((await getTemplate(db(), w.admin, ids['payment-failed-sms'])).name).toBe('Payment needs attention (SMS) (built-in)');
  });

  it('makes them once when two set-ups run at the same time', async () => {
    const w = await clinic();
    const [x, y] = await Promise.all([
      db().transaction((tx) => ensureBuiltinTemplates(tx, w.tenant.id)),
      db().transaction((tx) => ensureBuiltinTemplates(tx, w.tenant.id)),
    ]);
    expect(x).toEqual(y);
    expect(await db().select({ id: messageTemplates.id }).from(messageTemplates).where(eq(messageTemplates.tenantId, w.tenant.id))).toHaveLength(8);
  });
});
