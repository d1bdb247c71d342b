import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import type { FormDefinition } from '@/lib/clinic-forms/definition';
import { getTemplate } from '@/lib/clinic-forms/templates';
import { formData, hostFor, invokeAction, invokeRoute, signIn, type Outcome } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * The CRM Forms pages' actions as the builder and the list post them: the definition as JSON in
 * a hidden field with its revision, the import as a file, publish and discard, and the export
 * route. The rules behind them are tested in forms-templates.int.test.ts.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/forms/actions');
const { GET: exportRoute } = await import('@/app/t/[tenant]/crm/(app)/forms/[id]/export/route');

const definition = (title: string): FormDefinition => ({
  title,
  kind: 'questionnaire',
  fields: [
    { linkId: 'smoker', type: 'yes_no', label: 'Do you smoke?', required: true },
    { linkId: 'packs', type: 'number', label: 'Packs a day', required: false, min: 0, integer: true, showWhen: { question: 'smoker', operator: 'equals', values: ['true'] } },
  ],
});

async function staff(level: 'admin' | 'physician' = 'admin') {
  const clinic = await createTestTenant();
  const ctx = await createStaffContext(clinic, level);
  const { cookies } = await signIn('staff', { tenantId: clinic.id, subjectId: ctx.actor.id });
  return { clinic, ctx, req: { host: hostFor(clinic.slug), cookies } };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};
const redirectedTo = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('redirect');
  return (outcome as { location: string }).location;
};

describe('the CRM forms actions', () => {
  it('create, save with the revision, refuse a stale save with a reload, publish, export, discard', async () => {
    const { ctx, req, clinic } = await staff();
    const created = redirectedTo(await invokeAction(req, actions.createFormAction, {}, formData({ kind: 'questionnaire', title: 'Smoking' })));
    const id = created.split('/').at(-1)!;
    expect(created).toBe(`/crm/forms/${id}`);

    const save = (revision: number, title: string) =>
      invokeAction(req, actions.saveFormDraftAction, { revision }, formData({ templateId: id, revision: String(revision), definition: JSON.stringify(definition(title)) }));
    expect(returned(await save(0, 'Smoking'))).toMatchObject({ ok: true, revision: 1, problems: [] });
    // A second tab still at revision 0: refused, told to reload, nothing overwritten.
    expect(returned(await save(0, 'Other tab'))).toEqual({ ok: false, stale: true, message: expect.stringContaining('Reload') });
    expect((await getTemplate(getDb(), ctx, id)).definition.title).toBe('Smoking');
    // Not JSON: the page is out of date, nothing saved.
    const garbled = returned(await invokeAction(req, actions.saveFormDraftAction, {}, formData({ templateId: id, revision: '1', definition: '{"title":' })));
    expect(garbled).toMatchObject({ ok: false, fieldErrors: { definition: expect.stringContaining('Reload') } });

    expect(redirectedTo(await invokeAction(req, actions.publishFormAction, {}, formData({ templateId: id, revision: '1' })))).toBe(`/crm/forms/${id}?published=1`);
    const exported = await invokeRoute(req, exportRoute, { path: `/crm/forms/${id}/export?version=1`, params: { tenant: clinic.slug, id } });
    expect(exported).toMatchObject({ kind: 'response', status: 200 });
    const response = exported as Extract<Outcome, { kind: 'response' }>;
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="smoking-v1.json"');
    expect(JSON.parse(response.body)).toMatchObject({ resourceType: 'Questionnaire', title: 'Smoking', version: '1', status: 'active' });

    expect(returned(await save(1, 'Smoking, changed'))).toMatchObject({ ok: true, revision: 2 });
    expect(redirectedTo(await invokeAction(req, actions.discardFormDraftAction, {}, formData({ templateId: id })))).toBe(`/crm/forms/${id}?discarded=1`);
    expect(await getTemplate(getDb(), ctx, id)).toMatchObject({ hasDraft: false, definition: { title: 'Smoking' } });
  });

  it('imports a Questionnaire from a file, and names what is wrong with a bad one', async () => {
    const { req, ctx } = await staff();
    const bad = returned(await invokeAction(req, actions.importFormAction, {}, formData({ file: new File(['{"resourceType":"Patient"}'], 'q.json', { type: 'application/json' }) })));
    expect(bad).toMatchObject({ ok: false, fieldErrors: { file: 'The file is JSON, but not a FHIR Questionnaire.' } });
    const nothing = returned(await invokeAction(req, actions.importFormAction, {}, formData({ json: '' })));
    expect(nothing).toMatchObject({ ok: false, fieldErrors: { file: expect.stringContaining('Choose') } });

    const { toQuestionnaire } = await import('@/lib/clinic-forms/fhir');
    const json = JSON.stringify(toQuestionnaire(definition('Imported')));
    const location = redirectedTo(await invokeAction(req, actions.importFormAction, {}, formData({ file: new File([json], 'q.json', { type: 'application/json' }) })));
    expect((await getTemplate(getDb(), ctx, location.split('/').at(-1)!)).definition).toEqual(definition('Imported'));
    // Pasted JSON works the same.
    expect(redirectedTo(await invokeAction(req, actions.importFormAction, {}, formData({ json })))).toMatch(/^\/crm\/forms\/[0-9a-f-]{36}$/);
  });

  it('the export route checks forms.manage itself and answers another clinic’s form as not found', async () => {
    const { req: physician, clinic } = await staff('physician');
    const admin = await createStaffContext(clinic, 'admin');
    const { createTemplate } = await import('@/lib/clinic-forms/templates');
    const { id } = await createTemplate(getDb(), admin, { kind: 'consent', title: 'Consent' });
    const refused = await invokeRoute(physician, exportRoute, { path: `/crm/forms/${id}/export`, params: { tenant: clinic.slug, id } });
    expect(refused.kind === 'response' ? refused.status : refused.kind).not.toBe(200);
    expect(refused.kind).not.toBe('returned');

    const { req: other, clinic: otherClinic } = await staff();
    const foreign = await invokeRoute(other, exportRoute, { path: `/crm/forms/${id}/export`, params: { tenant: otherClinic.slug, id } });
    expect(foreign).toMatchObject({ kind: 'response', status: 404 });
    const badVersion = await invokeRoute(other, exportRoute, { path: `/crm/forms/${id}/export?version=0`, params: { tenant: otherClinic.slug, id } });
    expect(badVersion).toMatchObject({ kind: 'response', status: 400 });
  });
});
