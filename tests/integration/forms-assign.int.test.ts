import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { formAssignments, formTemplateVersions, patientPortalSettings } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { assignForms, cancelAssignment, listPatientAssignments } from '@/lib/clinic-forms/assignments';
import { FormsRuleError } from '@/lib/clinic-forms/errors';
import { expireOverdueAssignments } from '@/lib/clinic-forms/reminders';
import { createTemplate, getTemplate, publishTemplate, saveDraft, setTemplateArchived } from '@/lib/clinic-forms/templates';
import { setClockForTests } from '@/lib/clock';
import type { EmailMessage } from '@/lib/email/types';
import { invitePatientToPortal } from '@/lib/portal-access/staff-invites';
import { createStaffContext } from '../support/staff-context';
import { testServerUrl } from '../support/test-database';
import { addPatient, assignmentsOf, auditOf, formsClinic, outboxOf, refusal, T0, TODAY } from './forms-assign-fixtures';

let clock = T0;
beforeEach(() => {
  clock = T0;
  setClockForTests(() => clock);
});
afterEach(() => setClockForTests(undefined));

const db = () => getDb();

describe('assigning forms from the chart', () => {
  it('pins each assignment to the version published when it was made', async () => {
    const c = await formsClinic();
    const { assignmentIds } = await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.privacy.id], message: 'Before Tuesday, please.' });
    // The CRM publishes version 2 afterwards.
    const edited = await getTemplate(db(), c.admin, c.privacy.id);
    const saved = await saveDraft(db(), c.admin, c.privacy.id, { revision: edited.draftRevision, definition: { ...edited.definition, title: 'Privacy notice (2030)' } });
    expect(await publishTemplate(db(), c.admin, c.privacy.id, { revision: saved.revision })).toEqual({ version: 2 });

    const [row] = await assignmentsOf(c.tenant.id, c.patient.id);
    const [v1] = await db().select().from(formTemplateVersions).where(eq(formTemplateVersions.id, row!.versionId));
    expect(row).toMatchObject({ id: assignmentIds[0], status: 'assigned', source: 'chart', message: 'Before Tuesday, please.', assignedById: c.admin.actor.id });
    expect(v1!.version).toBe(1);
    expect((await listPatientAssignments(db(), c.admin, c.patient.id))[0]).toMatchObject({ version: 1, status: 'assigned' });

    // Cancelled and given again: now version 2.
    await cancelAssignment(db(), c.admin, { patientId: c.patient.id, assignmentId: row!.id });
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.privacy.id] });
    const listed = await listPatientAssignments(db(), c.admin, c.patient.id);
    expect(listed.map((a) => [a.status, a.version])).toEqual([['assigned', 2], ['cancelled', 1]]);
    expect(await auditOf(c.tenant.id, 'forms.assigned')).toHaveLength(2);
    expect(await auditOf(c.tenant.id, 'forms.assignment_cancelled')).toHaveLength(1);
  });

  it('tells the patient by email without the form’s title, and by SMS only when chosen', async () => {
    const c = await formsClinic();
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.phq9.id, c.intake.id] });
    const first = await outboxOf(c.tenant.id);
    expect(first.map((m) => [m.channel, m.recipient])).toEqual([['email', c.account.email]]);
    expect(first[0]!.body).toContain('has a form for you');
    for (const text of [first[0]!.body, first[0]!.subject ?? '']) {
      expect(text).not.toMatch(/PHQ|depress|intake|Philippa/i);
    }

    await db().insert(patientPortalSettings).values({ tenantId: c.tenant.id, patientId: c.patient.id, documentNotification: 'email_sms' });
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.privacy.id] });
    const sms = (await outboxOf(c.tenant.id)).filter((m) => m.channel === 'sms');
    expect(sms.map((m) => m.recipient)).toEqual(['+15550100001']);
    expect(sms[0]!.body).not.toMatch(/privacy/i);
  });

  it('refuses a form the patient already has open, even when two staff assign it at once', async () => {
    const c = await formsClinic();
    await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id] });
    const again = await refusal(assignForms(db(), c.physician, c.patient.id, { templateIds: [c.privacy.id, c.intake.id] }));
    expect(again).toBeInstanceOf(FormsRuleError);
    expect(again).toMatchObject({ code: 'already-assigned', fieldErrors: { templateIds: `This patient already has “${c.intake.title}” to fill.` } });
    expect((again as FormsRuleError).userMessage).toBe('This patient already has this form to fill.');
    expect(await assignmentsOf(c.tenant.id, c.patient.id)).toHaveLength(1);

    if (!testServerUrl()) return;
    const other = await addPatient(c.tenant.id);
    const both = await Promise.allSettled([
      assignForms(db(), c.admin, other.id, { templateIds: [c.phq9.id] }),
      assignForms(db(), c.physician, other.id, { templateIds: [c.phq9.id] }),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'already-assigned' });
    expect(await assignmentsOf(c.tenant.id, other.id)).toHaveLength(1);
  });

  it('refuses archived and unpublished forms, past due dates, and staff without forms.assign', async () => {
    const c = await formsClinic();
    await setTemplateArchived(db(), c.admin, c.privacy.id, true);
    expect(await refusal(assignForms(db(), c.admin, c.patient.id, { templateIds: [c.privacy.id] }))).toMatchObject({ code: 'archived' });
    const { id: draftOnly } = await createTemplate(db(), c.admin, { kind: 'consent', title: 'Draft only' });
    expect(await refusal(assignForms(db(), c.admin, c.patient.id, { templateIds: [draftOnly] }))).toMatchObject({ code: 'never-published' });
    expect(await refusal(assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: '2030-03-03' }))).toMatchObject({ code: 'due-in-past' });
    const support = await createStaffContext(c.tenant, 'support');
    expect(await refusal(assignForms(db(), support, c.patient.id, { templateIds: [c.intake.id] }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(cancelAssignment(db(), support, { patientId: c.patient.id, assignmentId: c.intake.id }))).toBeInstanceOf(ForbiddenError);
    expect(await assignmentsOf(c.tenant.id, c.patient.id)).toEqual([]);
    expect(await outboxOf(c.tenant.id)).toEqual([]);
  });

  it('answers not-found for another clinic’s forms and patients, and another patient’s assignment', async () => {
    const c = await formsClinic();
    const other = await formsClinic();
    expect(await refusal(assignForms(db(), c.admin, c.patient.id, { templateIds: [other.intake.id] }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(assignForms(db(), c.admin, other.patient.id, { templateIds: [c.intake.id] }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listPatientAssignments(db(), c.admin, other.patient.id))).toBeInstanceOf(NotFoundError);

    const { assignmentIds: [theirs] } = await assignForms(db(), other.admin, other.patient.id, { templateIds: [other.intake.id] });
    expect(await refusal(cancelAssignment(db(), c.admin, { patientId: other.patient.id, assignmentId: theirs! }))).toBeInstanceOf(NotFoundError);
    const sibling = await addPatient(c.tenant.id);
    const { assignmentIds: [mine] } = await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id] });
    // The right clinic, the wrong patient: not found either.
    expect(await refusal(cancelAssignment(db(), c.admin, { patientId: sibling.id, assignmentId: mine! }))).toBeInstanceOf(NotFoundError);
    expect((await assignmentsOf(other.tenant.id))[0]!.status).toBe('assigned');
    expect((await assignmentsOf(c.tenant.id))[0]!.status).toBe('assigned');
  });

  it('cancels only an open form', async () => {
    const c = await formsClinic();
    const { assignmentIds: [id] } = await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id], dueOn: '2030-03-10' });
    await cancelAssignment(db(), c.admin, { patientId: c.patient.id, assignmentId: id! });
    const [row] = await assignmentsOf(c.tenant.id, c.patient.id);
    expect(row).toMatchObject({ status: 'cancelled', cancelledById: c.admin.actor.id });
    expect(await refusal(cancelAssignment(db(), c.admin, { patientId: c.patient.id, assignmentId: id! }))).toMatchObject({ code: 'not-open' });
  });
});

// Reminders before the due date are the built-in automation: forms-due-reminders.int.test.ts.
describe('expiry', () => {
  it('expires open forms and home activities after their due date in the clinic’s zone, leaving sent ones', async () => {
    const c = await formsClinic();
    const [open, sent, activity] = await Promise.all([addPatient(c.tenant.id), addPatient(c.tenant.id), addPatient(c.tenant.id)]);
    const activityTemplate = (await db().select().from(formTemplateVersions).where(eq(formTemplateVersions.tenantId, c.tenant.id)))
      .find((v) => (v.definition as { title?: string }).title === 'Neck and shoulder stretches')!;
    await assignForms(db(), c.admin, open.id, { templateIds: [c.intake.id], dueOn: TODAY });
    await assignForms(db(), c.admin, sent.id, { templateIds: [c.intake.id], dueOn: TODAY });
    await assignForms(db(), c.admin, activity.id, { templateIds: [activityTemplate.templateId], dueOn: TODAY });
    await db().update(formAssignments).set({ status: 'submitted', submittedAt: T0 }).where(eq(formAssignments.patientId, sent.id));

    // 23:30 on the due day in New York is already the next day in UTC: not expired yet.
    await expireOverdueAssignments(db(), new Date('2030-03-05T04:30:00Z'));
    expect((await assignmentsOf(c.tenant.id, open.id))[0]!.status).toBe('assigned');
    const result = await expireOverdueAssignments(db(), new Date('2030-03-05T05:30:00Z'));
    expect(result.assignmentsExpired).toBeGreaterThanOrEqual(2);
    expect((await assignmentsOf(c.tenant.id, open.id))[0]!.status).toBe('expired');
    expect((await assignmentsOf(c.tenant.id, activity.id))[0]!.status).toBe('expired');
    expect((await assignmentsOf(c.tenant.id, sent.id))[0]!.status).toBe('submitted');
    expect(await auditOf(c.tenant.id, 'forms.assignment_expired')).toHaveLength(2);
    // A second runner finds nothing left here.
    await expireOverdueAssignments(db(), new Date('2030-03-05T05:30:00Z'));
    expect(await auditOf(c.tenant.id, 'forms.assignment_expired')).toHaveLength(2);
  });
});

describe('intake forms with the portal invitation', () => {
  it('assigns the picked forms in the invite’s transaction and mentions them in the email without titles', async () => {
    const c = await formsClinic();
    const patient = await addPatient(c.tenant.id, { phone: '+15550100077' });
    const sent: EmailMessage[] = [];
    const sender = { name: 'outbox' as const, send: async (m: EmailMessage) => { sent.push(m); return { providerMessageId: 'x' }; } };
    const { formsWaiting } = await invitePatientToPortal(db(), c.admin, {
      patientId: patient.id, email: 'octavia.invite@example.test', relationship: 'self', formTemplateIds: [c.intake.id, c.privacy.id], intakeMessage: 'Please fill these before your visit.',
    }, 'https://clinic.example.test', sender);
    expect(formsWaiting).toBe(2);
    const rows = await assignmentsOf(c.tenant.id, patient.id);
    expect(rows.map((r) => [r.source, r.message]).sort()).toEqual([['invite', 'Please fill these before your visit.'], ['invite', 'Please fill these before your visit.']]);
    expect(sent[0]!.text).toContain('asked you to fill in some forms');
    expect(sent[0]!.text).not.toMatch(/intake|privacy|before your visit/i);
    // No separate notice: the invitation says it.
    expect((await outboxOf(c.tenant.id)).filter((m) => m.subject?.includes('has a form'))).toEqual([]);

    // Inviting again with a form already open leaves it as it is.
    const again = await invitePatientToPortal(db(), c.admin, { patientId: patient.id, email: 'octavia.invite@example.test', relationship: 'self', formTemplateIds: [c.intake.id] }, 'https://clinic.example.test', sender);
    expect(again.formsWaiting).toBe(0);
    expect(await assignmentsOf(c.tenant.id, patient.id)).toHaveLength(2);
  });

  it('refuses forms from staff without forms.assign, and an archived form, sending nothing', async () => {
    const c = await formsClinic();
    const patient = await addPatient(c.tenant.id, { phone: '+15550100078' });
    const support = await createStaffContext(c.tenant, 'support');
    const sent: EmailMessage[] = [];
    const sender = { name: 'outbox' as const, send: async (m: EmailMessage) => { sent.push(m); return { providerMessageId: 'x' }; } };
    const input = { patientId: patient.id, email: 'o2@example.test', relationship: 'self' as const, formTemplateIds: [c.intake.id] };
    expect(await refusal(invitePatientToPortal(db(), support, input, 'https://clinic.example.test', sender))).toBeInstanceOf(ForbiddenError);
    await setTemplateArchived(db(), c.admin, c.intake.id, true);
    expect(await refusal(invitePatientToPortal(db(), c.admin, input, 'https://clinic.example.test', sender))).toMatchObject({ code: 'archived' });
    expect(sent).toEqual([]);
    expect(await assignmentsOf(c.tenant.id, patient.id)).toEqual([]);
  });
});
