import { randomUUID } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, formAssignments, formRecordChanges, formResponses, formTemplates, formTemplateVersions, invoices } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import { getInvoice, listPatientInvoices } from '@/lib/billing/invoice-reads';
import { listPatientAssignments as listPatientForms } from '@/lib/clinic-forms/assignments';
import { countPendingRecordChanges, listPendingRecordChanges } from '@/lib/clinic-forms/review';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { listPatientOrders } from '@/lib/commerce/orders-staff';
import { listPatientAssignments as listCareTeam } from '@/lib/conversations/assignments';
import { listStaffConversations } from '@/lib/conversations/staff';
import { listPatientAutomationRuns } from '@/lib/engagement/automations/run-queries';
import { currentConsents } from '@/lib/engagement/consent';
import { listPatientTasks } from '@/lib/engagement/task-queries';
import { CHART_SECTIONS, type ChartSection } from '@/lib/patients/chart-audit';
import { listContacts } from '@/lib/patients/contacts';
import { listPatientAppointments } from '@/lib/scheduling/patient-appointments';
import { hostFor, invokeAction, invokeRoute, signIn } from '../support/action-harness';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';
import { addPatient, household, type Clinic } from './conversations-fixtures';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * Every staff read of a patient's record is audited (issue 19 point 6), so "Who viewed my record"
 * can show it: each chart tab's read (a layout does not run again between tabs, so the tab's own
 * read records its section), Forms → To review, printing a statement, an invoice's PDF.
 */

const { recordStatementPrintedAction } = await import('@/app/t/[tenant]/emr/(app)/patients/[id]/billing/statement/actions');
const { GET: invoicePdf } = await import('@/app/t/[tenant]/emr/(app)/billing/invoices/[id]/pdf/route');

const db = () => getDb();

/** Each chart section's read, as its tab page calls it (the type makes the table complete). */
const SECTION_READS: Record<ChartSection, (ctx: StaffContext, patientId: string) => Promise<unknown>> = {
  appointments: (ctx, id) => listPatientAppointments(db(), ctx, id),
  automations: (ctx, id) => listPatientAutomationRuns(db(), ctx, id),
  billing: (ctx, id) => listPatientInvoices(db(), ctx, id),
  care_team: (ctx, id) => listCareTeam(db(), ctx, id),
  consent: (ctx, id) => currentConsents(db(), ctx, id),
  contacts: (ctx, id) => listContacts(db(), ctx, id),
  forms: (ctx, id) => listPatientForms(db(), ctx, id),
  messages: (ctx, id) => listStaffConversations(db(), ctx, { filter: 'all', patientId: id }),
  orders: (ctx, id) => listPatientOrders(db(), ctx, id),
  tasks: (ctx, id) => listPatientTasks(db(), ctx, id),
};

async function entriesSince(tenantId: string, afterId: number) {
  return db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), gt(auditLog.id, afterId))).orderBy(auditLog.id);
}
async function lastId(tenantId: string) {
  const rows = await db().select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.tenantId, tenantId));
  return Math.max(0, ...rows.map((r) => r.id));
}

async function clinic() {
  const c = await createTestTenant();
  const admin = await createStaffContext(c, 'admin');
  const { maria, asMaria } = await household(c);
  return { c, admin, maria, asMaria };
}

/** A submitted intake of `patientId` proposing a new city (what Forms → To review lists). */
async function proposedChange(c: Clinic, patientId: string) {
  await installStarterTemplates(db(), c.id);
  const [intake] = await db()
    .select({ templateId: formTemplates.id, versionId: formTemplateVersions.id })
    .from(formTemplates)
    .innerJoin(formTemplateVersions, and(eq(formTemplateVersions.tenantId, formTemplates.tenantId), eq(formTemplateVersions.templateId, formTemplates.id)))
    .where(and(eq(formTemplates.tenantId, c.id), eq(formTemplates.kind, 'intake')))
    .limit(1);
  const [assignment] = await db().insert(formAssignments).values({
    tenantId: c.id, patientId, templateId: intake!.templateId, versionId: intake!.versionId, source: 'chart', status: 'submitted', submittedAt: new Date(),
  }).returning();
  const [response] = await db().insert(formResponses).values({
    tenantId: c.id, assignmentId: assignment!.id, patientId, versionId: intake!.versionId, status: 'submitted', submittedAt: new Date(), revision: 1,
  }).returning();
  await db().insert(formRecordChanges).values({ tenantId: c.id, responseId: response!.id, patientId, field: 'city', proposedValue: 'Springfield' });
}

describe('staff reads of a patient record are audited', () => {
  it.each(CHART_SECTIONS.map((s) => [s] as const))("the chart's %s tab records its section, for this clinic's patient only", async (section) => {
    const { c, admin, maria } = await clinic();
    const before = await lastId(c.id);
    await SECTION_READS[section](admin, maria.id);
    const entries = (await entriesSince(c.id, before)).filter((e) => e.action === 'patient.section_viewed');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorKind: 'staff', actorId: admin.actor.id, outcome: 'success', patientId: maria.id, targetType: 'patient', targetId: maria.id,
      details: expect.objectContaining({ section }),
    });
    // Another clinic's patient, or no patient: not found, and nothing written.
    const other = await createTestTenant();
    const stranger = await addPatient(other, 'Stranger');
    const mid = await lastId(c.id);
    for (const id of [stranger.id, randomUUID()]) await expect(SECTION_READS[section](admin, id)).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(await entriesSince(c.id, mid)).toEqual([]);
  });

  it("consent read by the patient's own account is the patient's, not a section view", async () => {
    const { c, maria, asMaria } = await clinic();
    const before = await lastId(c.id);
    await currentConsents(db(), asMaria, maria.id);
    expect((await entriesSince(c.id, before)).filter((e) => e.action === 'patient.section_viewed')).toEqual([]);
  });

  it('Forms → To review records one read per patient whose proposed changes it shows; the overview only counts', async () => {
    const { c, admin, maria } = await clinic();
    const robert = await addPatient(c, 'Robert');
    await proposedChange(c, maria.id);
    await proposedChange(c, maria.id);
    await proposedChange(c, robert.id);
    const before = await lastId(c.id);
    expect(await countPendingRecordChanges(db(), admin)).toBe(3);
    expect(await entriesSince(c.id, before)).toEqual([]);
    expect(await listPendingRecordChanges(db(), admin)).toHaveLength(3);
    const listed = (await entriesSince(c.id, before)).map((e) => [e.action, e.patientId, e.details]);
    expect(listed.sort()).toEqual([
      ['forms.record_changes_listed', maria.id, { changes: 2 }],
      ['forms.record_changes_listed', robert.id, { changes: 1 }],
    ].sort());
  });

  it("printing a statement is recorded through the page's action (billing.view, this clinic's patient, real dates)", async () => {
    const { c, admin, maria } = await clinic();
    const support = await createStaffContext(c, 'marketing');
    const asStaff = async (ctx: StaffContext) => ({ host: hostFor(c.slug), cookies: (await signIn('staff', { tenantId: c.id, subjectId: ctx.actor.id })).cookies });
    const req = { ...(await asStaff(admin)), path: `/emr/patients/${maria.id}/billing/statement` };
    const before = await lastId(c.id);
    expect(await invokeAction(req, recordStatementPrintedAction, { patientId: maria.id, from: '2026-01-01', to: '2026-03-31' }))
      .toMatchObject({ kind: 'returned', value: { ok: true } });
    const [printed] = (await entriesSince(c.id, before)).filter((e) => e.action === 'billing.statement_printed');
    expect(printed).toMatchObject({ actorKind: 'staff', actorId: admin.actor.id, patientId: maria.id, details: { area: 'emr', from: '2026-01-01', to: '2026-03-31' } });

    const mid = await lastId(c.id);
    const other = await createTestTenant();
    const stranger = await addPatient(other, 'Stranger');
    for (const input of [
      { patientId: stranger.id, from: '2026-01-01', to: '2026-03-31' },
      { patientId: maria.id, from: '2026-02-30', to: '2026-03-31' },
      { patientId: maria.id, from: '2026-03-31', to: '2026-01-01' },
      { patientId: 'x', from: '2026-01-01', to: '2026-03-31' },
      'garbage',
    ]) {
      const outcome = await invokeAction(req, recordStatementPrintedAction, input);
      expect(outcome).toMatchObject({ kind: 'returned', value: { ok: false } });
    }
    // Marketing has no billing.view: refused before anything is read.
    const marketing = await invokeAction({ ...(await asStaff(support)), path: req.path }, recordStatementPrintedAction, { patientId: maria.id, from: '2026-01-01', to: '2026-03-31' });
    expect(marketing.kind === 'returned' ? marketing.value : marketing).not.toMatchObject({ ok: true });
    expect((await entriesSince(c.id, mid)).filter((e) => e.action === 'billing.statement_printed')).toEqual([]);
  });

  it("an invoice's PDF is audited as a download, its page as a view; a draft has no PDF", async () => {
    const { c, admin, maria } = await clinic();
    const newInvoice = async (status: 'draft' | 'open', number: number | null) => (await db().insert(invoices).values({
      tenantId: c.id, patientId: maria.id, number, status, currency: 'USD', issueDate: '2026-03-01', dueDate: '2026-03-31', subtotal: 5_000, total: 5_000,
    }).returning())[0]!;
    const open = await newInvoice('open', 1);
    const draft = await newInvoice('draft', null);
    const before = await lastId(c.id);
    await getInvoice(db(), admin, open.id);
    const req = { host: hostFor(c.slug), cookies: (await signIn('staff', { tenantId: c.id, subjectId: admin.actor.id })).cookies };
    const pdf = await invokeRoute(req, invoicePdf, { path: `/emr/billing/invoices/${open.id}/pdf`, params: { tenant: c.slug, id: open.id } });
    expect(pdf).toMatchObject({ kind: 'response', status: 200 });
    const refused = await invokeRoute(req, invoicePdf, { path: `/emr/billing/invoices/${draft.id}/pdf`, params: { tenant: c.slug, id: draft.id } });
    expect(refused).toMatchObject({ kind: 'response', status: 404 });
    const billing = (await entriesSince(c.id, before)).filter((e) => e.action.startsWith('billing.invoice_')).map((e) => [e.action, e.targetId, e.patientId]);
    expect(billing).toEqual([['billing.invoice_viewed', open.id, maria.id], ['billing.invoice_downloaded', open.id, maria.id]]);
  });
});
