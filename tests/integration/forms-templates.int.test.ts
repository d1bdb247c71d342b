import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { formTemplates, formTemplateVersions } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import type { FormDefinition } from '@/lib/clinic-forms/definition';
import { FormsRuleError } from '@/lib/clinic-forms/errors';
import { toQuestionnaire } from '@/lib/clinic-forms/fhir';
import { STARTER_TEMPLATES } from '@/lib/clinic-forms/starter-templates';
import {
  createTemplate,
  exportQuestionnaire,
  getTemplate,
  importTemplate,
  installStarterTemplates,
  listAssignableTemplates,
  listTemplates,
  publishTemplate,
  saveDraft,
  setTemplateArchived,
} from '@/lib/clinic-forms/templates';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);

const consentForm = (title = 'Photo consent'): FormDefinition => ({
  title,
  kind: 'consent',
  fields: [
    { linkId: 'share', type: 'yes_no', label: 'May we photograph your treatment?', required: true },
    { linkId: 'where', type: 'short_text', label: 'Where may we use the photos?', required: true, showWhen: { question: 'share', operator: 'equals', values: ['true'] } },
    { linkId: 'sign', type: 'signature', label: 'I agree.', required: true },
  ],
});

describe('form templates', () => {
  it('creates a draft, saves it with a revision, publishes version 1, and starts version 2 from it', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { id } = await createTemplate(db(), admin, { kind: 'consent', title: 'Photo consent' });
    const fresh = await getTemplate(db(), admin, id);
    expect(fresh).toMatchObject({ publishedVersion: null, hasDraft: true, draftRevision: 0, definition: { title: 'Photo consent', kind: 'consent', fields: [] } });
    expect(await refusal(publishTemplate(db(), admin, id, { revision: 0 }))).toMatchObject({ code: 'not-publishable', extra: { problems: ['Add at least one field.'] } });

    const saved = await saveDraft(db(), admin, id, { revision: 0, definition: consentForm() });
    expect(saved).toEqual({ revision: 1, problems: [] });
    expect(await publishTemplate(db(), admin, id, { revision: 1 })).toEqual({ version: 1 });
    const published = await getTemplate(db(), admin, id);
    expect(published).toMatchObject({ publishedVersion: 1, hasDraft: false, definition: consentForm(), versions: [{ version: 1 }] });

    // Editing after publishing is a draft of version 2; version 1 is untouched.
    const changed = { ...consentForm(), fields: [...consentForm().fields.slice(0, 2), { linkId: 'note', type: 'long_text' as const, label: 'Anything else?', required: false }, consentForm().fields[2]!] };
    await saveDraft(db(), admin, id, { revision: 1, definition: changed });
    expect(await exportQuestionnaire(db(), admin, id, 1)).toEqual(toQuestionnaire(consentForm(), { status: 'active', version: 1 }));
    expect(await publishTemplate(db(), admin, id, { revision: 2 })).toEqual({ version: 2 });
    expect((await exportQuestionnaire(db(), admin, id)).item).toHaveLength(4);
  });

  it('refuses a save from a stale revision and keeps the newer draft', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { id } = await createTemplate(db(), admin, { kind: 'consent', title: 'Photo consent' });
    await saveDraft(db(), admin, id, { revision: 0, definition: consentForm('First editor') });
    const error = await refusal(saveDraft(db(), admin, id, { revision: 0, definition: consentForm('Second editor') }));
    expect(error).toBeInstanceOf(FormsRuleError);
    expect(error).toMatchObject({ code: 'stale-draft' });
    expect((await getTemplate(db(), admin, id)).definition.title).toBe('First editor');
  });

  it('refuses to publish a draft that breaks a rule, naming the rule', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { id } = await createTemplate(db(), admin, { kind: 'consent', title: 'Photo consent' });
    const broken = { ...consentForm(), fields: [consentForm().fields[1]!, consentForm().fields[0]!] };
    const saved = await saveDraft(db(), admin, id, { revision: 0, definition: broken });
    expect(saved.problems).toEqual(['“Where may we use the photos?” depends on a question that does not come before it.']);
    expect(await refusal(publishTemplate(db(), admin, id, { revision: 1 }))).toMatchObject({ code: 'not-publishable' });
  });

  it('never changes a published version in the database', async () => {
    const clinic = await createTestTenant();
    await installStarterTemplates(db(), clinic.id);
    const error = await refusal(db().update(formTemplateVersions).set({ definition: {} }).where(eq(formTemplateVersions.tenantId, clinic.id)));
    expect(String((error as { cause?: unknown }).cause ?? error)).toMatch(/never edited/);
  });

  it('imports a FHIR Questionnaire as a draft and explains what it cannot read', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const { id } = await importTemplate(db(), admin, JSON.stringify(toQuestionnaire(consentForm('Imported consent'))));
    expect((await getTemplate(db(), admin, id)).definition).toEqual(consentForm('Imported consent'));
    expect(await refusal(importTemplate(db(), admin, '{not json'))).toMatchObject({ code: 'import-invalid', fieldErrors: { file: 'The file is not valid JSON.' } });
    expect(await refusal(importTemplate(db(), admin, JSON.stringify({ resourceType: 'Questionnaire', item: [{ linkId: 'a', type: 'quantity' }] })))).toMatchObject({
      fieldErrors: { file: 'Questions of type “quantity” are not supported.' },
    });
  });

  it('installs the starter forms once, published, and lists only published unarchived forms as assignable', async () => {
    const clinic = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    await installStarterTemplates(db(), clinic.id);
    await installStarterTemplates(db(), clinic.id);
    const list = await listTemplates(db(), admin);
    expect(list.map((t) => t.title).sort()).toEqual(STARTER_TEMPLATES.map((t) => t.definition.title).sort());
    expect(list.every((t) => t.publishedVersion === 1)).toBe(true);
    const phq9 = list.find((t) => t.title.startsWith('PHQ-9'))!;
    await setTemplateArchived(db(), admin, phq9.id, true);
    await createTemplate(db(), admin, { kind: 'intake', title: 'Unpublished' });
    const physician = await createStaffContext(clinic, 'physician');
    const assignable = await listAssignableTemplates(db(), physician);
    expect(assignable.map((t) => t.title).sort()).toEqual(['General intake', 'Neck and shoulder stretches', 'Privacy practices acknowledgement']);
    expect(await refusal(saveDraft(db(), admin, phq9.id, { revision: 0, definition: STARTER_TEMPLATES[2]!.definition }))).toMatchObject({ code: 'archived' });
  });

  it('keeps forms to their clinic and to staff who may build them', async () => {
    const clinic = await createTestTenant();
    const other = await createTestTenant();
    const admin = await createStaffContext(clinic, 'admin');
    const otherAdmin = await createStaffContext(other, 'admin');
    const { id } = await createTemplate(db(), admin, { kind: 'intake', title: 'Ours' });
    for (const attempt of [
      () => getTemplate(db(), otherAdmin, id),
      () => saveDraft(db(), otherAdmin, id, { revision: 0, definition: consentForm() }),
      () => publishTemplate(db(), otherAdmin, id, { revision: 0 }),
      () => setTemplateArchived(db(), otherAdmin, id, true),
      () => exportQuestionnaire(db(), otherAdmin, id),
      () => getTemplate(db(), otherAdmin, 'not-a-uuid'),
    ]) {
      expect(await refusal(attempt())).toBeInstanceOf(NotFoundError);
    }
    expect(await refusal(listTemplates(db(), await createStaffContext(clinic, 'physician')))).toBeInstanceOf(ForbiddenError);
    const [row] = await db().select({ n: sql<number>`count(*)::int` }).from(formTemplates).where(and(eq(formTemplates.tenantId, other.id)));
    expect(row!.n).toBe(0);
  });
});
