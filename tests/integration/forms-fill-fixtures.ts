import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { formAssignments, formTemplates, formTemplateVersions, patients, portalAccountPatients } from '@/db/schema';
import type { FormDefinition } from '@/lib/clinic-forms/definition';
import { toQuestionnaire } from '@/lib/clinic-forms/fhir';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalAccount } from '../support/portal-fixtures';

/** A form that touches every rule the filler enforces: record fields, a condition, a file, a signature. */
export const CONTACT_FORM: FormDefinition = {
  title: 'Contact update',
  kind: 'intake',
  fields: [
    {
      linkId: 'contact', type: 'section', label: 'How to reach you', required: false,
      fields: [
        { linkId: 'email', type: 'email', label: 'Email', required: true, recordField: 'email' },
        { linkId: 'phone', type: 'phone', label: 'Phone', required: false, recordField: 'phone' },
        { linkId: 'city', type: 'short_text', label: 'City', required: false, recordField: 'city' },
      ],
    },
    { linkId: 'smokes', type: 'yes_no', label: 'Do you smoke?', required: true },
    { linkId: 'packs', type: 'number', label: 'Packs a day', required: true, showWhen: { question: 'smokes', operator: 'equals', values: ['true'] } },
    { linkId: 'notes', type: 'long_text', label: 'Anything else?', required: false },
    { linkId: 'card', type: 'file', label: 'Insurance card', required: false },
    { linkId: 'consent_text', type: 'display', label: 'I confirm these details are correct.', required: false },
    { linkId: 'sign', type: 'signature', label: 'Sign to confirm.', required: true },
  ],
};

let n = 0;

/**
 * A clinic with its starter forms and the contact form published; Maria (her own record, email
 * on file) is Leo's parent; Stan has his own account in the same clinic and no link to Leo.
 */
export async function formsClinic() {
  const db = getDb();
  const tenant = await createTestTenant();
  await installStarterTemplates(db, tenant.id);
  const tag = `${++n}-${randomBytes(2).toString('hex')}`;
  const maria = await createPortalAccount(tenant, { email: `maria.${tag}@example.test`, phone: '+15555550101', password: 'Copper-kettle-64' });
  const stan = await createPortalAccount(tenant, { email: `stan.${tag}@example.test`, phone: '+15555550103', password: 'Copper-kettle-64' });
  const [leo] = await db
    .insert(patients)
    .values({ tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-03', email: 'Leo.Lopez@example.test', phone: '+15555550111', city: 'Springfield' })
    .returning();
  await db.insert(portalAccountPatients).values({ tenantId: tenant.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  const [starter] = await db.select({ documentTypeId: formTemplates.documentTypeId }).from(formTemplates).where(eq(formTemplates.tenantId, tenant.id)).limit(1);
  const [template] = await db
    .insert(formTemplates)
    .values({ tenantId: tenant.id, kind: 'intake', title: CONTACT_FORM.title, documentTypeId: starter!.documentTypeId, publishedVersion: 1 })
    .returning();
  const [version] = await db
    .insert(formTemplateVersions)
    .values({ tenantId: tenant.id, templateId: template!.id, version: 1, definition: toQuestionnaire(CONTACT_FORM, { status: 'active', version: 1 }) })
    .returning();
  const client = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (forms test)' };
  return {
    tenant,
    maria,
    stan,
    leo: leo!,
    contactTemplate: { id: template!.id, versionId: version!.id },
    /** Maria acting for Leo, as her session would after choosing him. */
    mariaForLeo: portalContext(tenant, maria.account.id, leo!.id, { relationship: 'parent', ...client }),
    mariaForSelf: portalContext(tenant, maria.account.id, maria.patient.id, client),
    /** Stan's account claiming to act for Leo (its session cannot, but lib must refuse it too). */
    stanForLeo: portalContext(tenant, stan.account.id, leo!.id, client),
    stanForSelf: portalContext(tenant, stan.account.id, stan.patient.id, client),
  };
}

/** An assignment of a form's current version, as the assigning side would make it. */
export async function assign(tenantId: string, patientId: string, template: { id: string; versionId: string }, extra: { dueOn?: string } = {}) {
  const [row] = await getDb()
    .insert(formAssignments)
    .values({ tenantId, patientId, templateId: template.id, versionId: template.versionId, source: 'chart', dueOn: extra.dueOn ?? null })
    .returning();
  return row!;
}

/** A starter form (published as version 1 on every clinic) by its key. */
export async function starter(tenantId: string, key: string): Promise<{ id: string; versionId: string }> {
  const [row] = await getDb()
    .select({ id: formTemplates.id, versionId: formTemplateVersions.id })
    .from(formTemplates)
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
    .where(and(eq(formTemplates.tenantId, tenantId), eq(formTemplates.starterKey, key)));
  return row!;
}

/** Every PHQ-9 item answered with the same option. */
export function phq9Answers(code: '0' | '1' | '2' | '3') {
  return Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`phq9_${i + 1}`, code]));
}

/** The PHQ-9's closing signature (the starter form ends with one). */
export const phqSign = { phq9_signature: { name: 'Maria Lopez', role: 'patient' } };
