import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, serviceRequiredForms, services, tenantSettings } from '@/db/schema';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import type { FormDefinition } from '@/lib/clinic-forms/definition';
import { createTemplate, publishTemplate, saveDraft, setTemplateArchived } from '@/lib/clinic-forms/templates';
import { ServiceRuleError } from '@/lib/services/errors';
import { listRequirableForms, listServiceRequiredForms } from '@/lib/services/required-forms';
import { createService, updateService } from '@/lib/services/services';
import { getPortalSettings, updatePortalSettings } from '@/lib/settings/portal-settings';
import { SettingsValidationError } from '@/lib/settings/errors';
import type { StaffContext } from '@/lib/access/context';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);

const consent = (title: string): FormDefinition => ({
  title,
  kind: 'consent',
  fields: [
    { linkId: 'agree', type: 'yes_no', label: 'Do you agree?', required: true },
    { linkId: 'sign', type: 'signature', label: 'I agree.', required: true },
  ],
});

async function publishedForm(admin: StaffContext, title: string) {
  const { id } = await createTemplate(db(), admin, { kind: 'consent', title });
  await saveDraft(db(), admin, id, { revision: 0, definition: consent(title) });
  await publishTemplate(db(), admin, id, { revision: 1 });
  return id;
}

const serviceForm = (changes: Record<string, unknown> = {}) => ({
  name: 'First visit', description: '', durationMinutes: '30', price: '', bookableOnline: 'on', active: 'on', ...changes,
});

async function requiredIds(clinicId: string, serviceId: string) {
  const rows = await db()
    .select({ templateId: serviceRequiredForms.templateId })
    .from(serviceRequiredForms)
    .where(and(eq(serviceRequiredForms.tenantId, clinicId), eq(serviceRequiredForms.serviceId, serviceId)));
  return rows.map((r) => r.templateId).sort();
}

describe('forms required when booking a service', () => {
  it('are saved with the service, changed with it, audited, and left alone when the form does not show them', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const intake = await publishedForm(admin, 'Intake');
    const privacy = await publishedForm(admin, 'Privacy');
    const { id } = await createService(db(), admin, serviceForm({ requiredFormIds: ['', intake] }));
    expect(await requiredIds(clinic.id, id)).toEqual([intake]);
    const [added] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.service_added')));
    expect(added!.details).toMatchObject({ requiredForms: { added: ['Intake'], removed: [] } });

    // Only the forms changed: still a change, audited with what was added and removed.
    expect(await updateService(db(), admin, id, serviceForm({ requiredFormIds: ['', privacy] }))).toEqual({ changed: true });
    expect(await requiredIds(clinic.id, id)).toEqual([privacy]);
    const changes = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.service_changed')));
    expect(changes.map((c) => c.details)).toEqual([expect.objectContaining({ changed: {}, requiredForms: { added: ['Privacy'], removed: ['Intake'] } })]);

    // A post without the field (another form, an older page) leaves the forms as they are.
    expect(await updateService(db(), admin, id, serviceForm({ name: 'First consultation' }))).toEqual({ changed: true });
    expect(await requiredIds(clinic.id, id)).toEqual([privacy]);
    expect(await updateService(db(), admin, id, serviceForm({ name: 'First consultation', requiredFormIds: [''] }))).toEqual({ changed: true });
    expect(await requiredIds(clinic.id, id)).toEqual([]);
    expect(await updateService(db(), admin, id, serviceForm({ name: 'First consultation', requiredFormIds: [''] }))).toEqual({ changed: false });
    expect((await listServiceRequiredForms(db(), admin)).get(id)).toBeUndefined();
  });

  it('refuses another clinic’s form, an unpublished or archived one, and saves nothing of the service then', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const other = await createTestTenant();
    const otherAdmin = await createStaffContext(other, 'admin');
    const foreign = await publishedForm(otherAdmin, 'Their intake');
    const { id: draft } = await createTemplate(db(), admin, { kind: 'consent', title: 'Unfinished' });
    const archived = await publishedForm(admin, 'Old consent');
    await setTemplateArchived(db(), admin, archived, true);

    for (const bad of [foreign, draft, archived, 'not-an-id']) {
      const error = await refusal(createService(db(), admin, serviceForm({ name: `Visit ${bad.slice(0, 8)}`, requiredFormIds: [bad] })));
      expect(error).toBeInstanceOf(ServiceRuleError);
      expect(failureOf(error, STAFF_MESSAGES, 'test')).toMatchObject({ ok: false, fieldErrors: { requiredFormIds: expect.stringContaining('no longer available') } });
    }
    // One transaction: the refused services were not created either.
    expect(await db().select().from(services).where(eq(services.tenantId, clinic.id))).toEqual([]);
    expect(await db().select().from(serviceRequiredForms).where(eq(serviceRequiredForms.tenantId, other.id))).toEqual([]);

    // The list offers this clinic's published forms only.
    expect((await listRequirableForms(db(), admin)).map((f) => [f.title, f.archived])).toEqual([['Old consent', true]]);
  });

  it('keeps a form the service already requires after it is archived, but does not let it be added again', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const form = await publishedForm(admin, 'Intake');
    const { id } = await createService(db(), admin, serviceForm({ requiredFormIds: [form] }));
    await setTemplateArchived(db(), admin, form, true);
    expect(await updateService(db(), admin, id, serviceForm({ description: 'Changed', requiredFormIds: [form] }))).toEqual({ changed: true });
    expect(await requiredIds(clinic.id, id)).toEqual([form]);
    await updateService(db(), admin, id, serviceForm({ requiredFormIds: [] }));
    expect(await refusal(updateService(db(), admin, id, serviceForm({ requiredFormIds: [form] })))).toBeInstanceOf(ServiceRuleError);
  });

  it('needs settings.manage', async () => {
    const clinic = await createTestTenant();
    const physician = await createStaffContext(clinic, 'physician');
    expect(await refusal(listRequirableForms(db(), physician))).toMatchObject({ name: 'ForbiddenError' });
  });
});

describe('form reminders are not a portal setting', () => {
  const portalForm = (changes: Record<string, string> = {}) => ({
    portalEnabled: 'on', identificationMode: 'email', nationalIdLabel: 'SSN', accessMode: 'manual',
    defaultDocumentNotification: 'email', minNoticeMinutes: '120', bookingHorizonDays: '60', bufferMinutes: '0',
    cancellationWindowHours: '24', staffIdleTimeoutMinutes: '30', messagingPolicy: 'reply_only',
    portalPasskeysAllowed: 'sms', selfRegistration: 'off', proxyAgeRules: 'on', proxyTeenAge: '12', proxyAdultAge: '18',
    waitlistPortal: 'on', waitlistOfferMinutes: '15', waitlistOfferBatch: '3', ...changes,
  });

  it('saving the portal settings leaves the clinic’s reminder days as they were, and refuses them as fields', async () => {
    // They are read once, when the built-in "Form due reminder" automation is installed; after
    // that the automation is what the clinic edits (CRM → Automations).
    const clinic = await createTestTenant({ settings: { formFirstReminderDays: 7, formLastReminderDays: 2 } });
    const admin = await createStaffContext(clinic, 'admin');
    expect(await updatePortalSettings(db(), admin, portalForm({ minNoticeMinutes: '90' }))).toEqual({ changed: true });
    expect(await getPortalSettings(db(), admin)).not.toHaveProperty('formFirstReminderDays');
    const stored = async () => (await db().select({ first: tenantSettings.formFirstReminderDays, last: tenantSettings.formLastReminderDays }).from(tenantSettings).where(eq(tenantSettings.tenantId, clinic.id)))[0];
    expect(await stored()).toEqual({ first: 7, last: 2 });
    expect(await refusal(updatePortalSettings(db(), admin, portalForm({ formFirstReminderDays: '0', formLastReminderDays: '0' })))).toBeInstanceOf(SettingsValidationError);
    expect(await stored()).toEqual({ first: 7, last: 2 });
    const entries = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, clinic.id), eq(auditLog.action, 'settings.portal_changed')));
    expect(entries).toHaveLength(1);
    expect(Object.keys((entries[0]!.details as { changed: Record<string, unknown> }).changed)).toEqual(['minNoticeMinutes']);
  });
});
