import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { formAssignments, formRecordChanges, formResponses, formSignatures, formTemplateVersions, patients } from '@/db/schema';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { assignForms } from '@/lib/clinic-forms/assignments';
import { FormsRuleError } from '@/lib/clinic-forms/errors';
import { toResponseItems } from '@/lib/clinic-forms/response-items';
import { decideRecordChange, getResponseView, listPendingRecordChanges, listRecentSubmissions, markReviewed, requestCorrection } from '@/lib/clinic-forms/review';
import { readDefinition } from '@/lib/clinic-forms/templates';
import type { FormKind } from '@/lib/clinic-forms/definition';
import { setClockForTests } from '@/lib/clock';
import { createStaffContext } from '../support/staff-context';
import { testServerUrl } from '../support/test-database';
import { addPatient, auditOf, formsClinic, outboxOf, refusal, T0 } from './forms-assign-fixtures';

beforeEach(() => setClockForTests(() => T0));
afterEach(() => setClockForTests(undefined));

const db = () => getDb();
type Clinic = Awaited<ReturnType<typeof formsClinic>>;

/** The patient sent `templateId` with these answers (rows written as the portal's submit would). */
async function submitted(c: Clinic, templateId: string, answers: Record<string, string | string[] | boolean>, patientId = c.patient.id) {
  const { assignmentIds: [assignmentId] } = await assignForms(db(), c.admin, patientId, { templateIds: [templateId] });
  const [assignment] = await db().select().from(formAssignments).where(eq(formAssignments.id, assignmentId!));
  const [version] = await db().select().from(formTemplateVersions).where(eq(formTemplateVersions.id, assignment!.versionId));
  const definition = readDefinition(version!.definition, (version!.definition as { kind?: FormKind }).kind ?? 'intake');
  const [response] = await db().insert(formResponses).values({
    tenantId: c.tenant.id, assignmentId: assignmentId!, patientId, versionId: assignment!.versionId, status: 'submitted',
    items: toResponseItems(definition, answers), revision: 3, submittedAt: T0, submittedByAccountId: c.account.id,
  }).returning();
  await db().update(formAssignments).set({ status: 'submitted', submittedAt: T0 }).where(eq(formAssignments.id, assignmentId!));
  return { assignmentId: assignmentId!, responseId: response!.id, definition };
}

const PHQ_ANSWERS = { phq9_1: '2', phq9_2: '2', phq9_3: '1', phq9_4: '1', phq9_5: '0', phq9_6: '1', phq9_7: '2', phq9_8: '1', phq9_9: '0', phq9_difficulty: 'somewhat' };

describe('reading a submitted response', () => {
  it('shows the answers with its version’s definition, the PHQ-9 score and band, the signature, and audits the read', async () => {
    const c = await formsClinic();
    const { assignmentId, responseId } = await submitted(c, c.phq9.id, PHQ_ANSWERS);
    await db().insert(formSignatures).values({
      tenantId: c.tenant.id, responseId, linkId: 'sig', signerName: 'Philippa Q', signerRole: 'patient', method: 'drawn', drawingPng: 'iVBORw0KGgo=',
      consentText: 'I agree.', contentSha256: 'a'.repeat(64), signedByAccountId: c.account.id, ipAddress: '203.0.113.7', userAgent: 'Phone browser',
    });
    const view = await getResponseView(db(), c.physician, { patientId: c.patient.id, assignmentId });
    expect(view.assignment).toMatchObject({ title: c.phq9.title, version: 1, status: 'submitted' });
    expect(view.answers).toMatchObject({ phq9_1: '2', phq9_difficulty: 'somewhat' });
    expect(view.score).toEqual({ score: 10, band: 'Moderate depression', unanswered: 0 });
    expect(view.response).toMatchObject({ id: responseId, current: true, submittedBy: c.account.fullName });
    expect(view.signatures).toEqual([expect.objectContaining({ signerName: 'Philippa Q', signerRole: 'patient', ipAddress: '203.0.113.7', userAgent: 'Phone browser', signedBy: c.account.fullName })]);
    const audit = await auditOf(c.tenant.id, 'forms.response_viewed');
    expect(audit).toEqual([expect.objectContaining({ actorId: c.physician.actor.id, patientId: c.patient.id, targetId: responseId })]);
  });

  it('answers not-found across clinics and patients, and for a form not sent yet', async () => {
    const c = await formsClinic();
    const other = await formsClinic();
    const { assignmentId } = await submitted(c, c.phq9.id, PHQ_ANSWERS);
    const sibling = await addPatient(c.tenant.id);
    expect(await refusal(getResponseView(db(), other.admin, { patientId: c.patient.id, assignmentId }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(getResponseView(db(), c.admin, { patientId: sibling.id, assignmentId }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(markReviewed(db(), other.admin, { patientId: c.patient.id, assignmentId }))).toBeInstanceOf(NotFoundError);
    expect(await refusal(requestCorrection(db(), c.admin, { patientId: sibling.id, assignmentId }))).toBeInstanceOf(NotFoundError);
    const { assignmentIds: [open] } = await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.intake.id] });
    expect(await refusal(getResponseView(db(), c.admin, { patientId: c.patient.id, assignmentId: open! }))).toBeInstanceOf(NotFoundError);
    expect(await auditOf(c.tenant.id, 'forms.response_viewed')).toEqual([]);
    const support = await createStaffContext(c.tenant, 'support');
    expect(await refusal(markReviewed(db(), support, { patientId: c.patient.id, assignmentId }))).toBeInstanceOf(ForbiddenError);
  });
});

describe('deciding on a submitted response', () => {
  it('marks it reviewed once', async () => {
    const c = await formsClinic();
    const { assignmentId } = await submitted(c, c.phq9.id, PHQ_ANSWERS);
    await markReviewed(db(), c.physician, { patientId: c.patient.id, assignmentId });
    const [row] = await db().select().from(formAssignments).where(eq(formAssignments.id, assignmentId));
    expect(row).toMatchObject({ status: 'reviewed', reviewedById: c.physician.actor.id, reviewedAt: T0 });
    expect(await refusal(markReviewed(db(), c.physician, { patientId: c.patient.id, assignmentId }))).toMatchObject({ code: 'not-reviewable' });
    expect((await listRecentSubmissions(db(), c.admin)).map((r) => [r.assignmentId, r.status])).toEqual([[assignmentId, 'reviewed']]);
  });

  it('asks for a correction: a new response amending the sent one, pre-filled, the form open again and the patient told', async () => {
    const c = await formsClinic();
    const { assignmentId, responseId } = await submitted(c, c.phq9.id, PHQ_ANSWERS);
    await markReviewed(db(), c.admin, { patientId: c.patient.id, assignmentId });
    const { responseId: amendment } = await requestCorrection(db(), c.admin, { patientId: c.patient.id, assignmentId, message: 'Please check question 9.', dueOn: '2030-03-08' });
    const responses = await db().select().from(formResponses).where(eq(formResponses.assignmentId, assignmentId));
    const original = responses.find((r) => r.id === responseId)!;
    const fresh = responses.find((r) => r.id === amendment)!;
    expect(fresh).toMatchObject({ status: 'in_progress', amendsResponseId: responseId, versionId: original.versionId, submittedAt: null });
    expect(fresh.items).toEqual(original.items);
    expect(original.status).toBe('submitted');
    const [row] = await db().select().from(formAssignments).where(eq(formAssignments.id, assignmentId));
    expect(row).toMatchObject({ status: 'in_progress', reviewedAt: null, message: 'Please check question 9.', dueOn: '2030-03-08' });
    const notice = (await outboxOf(c.tenant.id)).filter((m) => m.subject?.includes('asked you to check'));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.body).not.toMatch(/PHQ|question 9/i);
    expect(await auditOf(c.tenant.id, 'forms.amendment_started')).toHaveLength(1);
    // The chart still reads what was sent, and says a correction is on its way.
    const view = await getResponseView(db(), c.admin, { patientId: c.patient.id, assignmentId });
    expect(view).toMatchObject({ correctionOpen: true, response: { id: responseId, current: false } });
    // Open again: neither another correction nor "reviewed".
    expect(await refusal(requestCorrection(db(), c.admin, { patientId: c.patient.id, assignmentId }))).toMatchObject({ code: 'not-submitted' });
    expect(await refusal(markReviewed(db(), c.admin, { patientId: c.patient.id, assignmentId }))).toMatchObject({ code: 'not-reviewable' });
  });
});

describe('Forms → To review', () => {
  async function proposals(c: Clinic) {
    const { responseId } = await submitted(c, c.intake.id, { date_of_birth: '1984-07-20', phone: '(555) 010-0199', email: 'New.Address@Example.TEST', city: 'Shelbyville' });
    const rows = await db().insert(formRecordChanges).values([
      { tenantId: c.tenant.id, responseId, patientId: c.patient.id, field: 'phone', proposedValue: '(555) 010-0199', previousValue: '+15550100001' },
      { tenantId: c.tenant.id, responseId, patientId: c.patient.id, field: 'email', proposedValue: ' New.Address@Example.TEST ' },
      { tenantId: c.tenant.id, responseId, patientId: c.patient.id, field: 'date_of_birth', proposedValue: '1984-07-20' },
      { tenantId: c.tenant.id, responseId, patientId: c.patient.id, field: 'city', proposedValue: 'Shelbyville' },
    ]).returning();
    const id = (field: string) => rows.find((r) => r.field === field)!.id;
    return { responseId, id };
  }
  const patientRow = async (c: Clinic) => (await db().select().from(patients).where(eq(patients.id, c.patient.id)))[0]!;

  it('applies only accepted changes, normalised, with a patient.updated audit entry; each is decided once', async () => {
    const c = await formsClinic();
    const { id } = await proposals(c);
    const before = await patientRow(c);
    const pending = (await listPendingRecordChanges(db(), c.admin)).map((p) => [p.field, p.currentValue, p.proposedValue, p.formTitle]);
    expect(pending.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['city', null, 'Shelbyville', c.intake.title], ['date_of_birth', '1984-07-19', '1984-07-20', c.intake.title],
      ['email', before.email, ' New.Address@Example.TEST ', c.intake.title], ['phone', '+15550100001', '(555) 010-0199', c.intake.title],
    ]);
    await decideRecordChange(db(), c.physician, { changeId: id('phone'), decision: 'accept' });
    await decideRecordChange(db(), c.physician, { changeId: id('email'), decision: 'accept' });
    await decideRecordChange(db(), c.physician, { changeId: id('date_of_birth'), decision: 'reject' });
    const after = await patientRow(c);
    expect(after).toMatchObject({ phone: '+15550100199', email: 'new.address@example.test', dateOfBirth: '1984-07-19', city: null });
    const updates = await auditOf(c.tenant.id, 'patient.updated');
    expect(updates.map((u) => u.details)).toEqual([
      expect.objectContaining({ changes: { phone: { before: '+15550100001', after: '+15550100199' } } }),
      expect.objectContaining({ changes: { email: { before: before.email, after: 'new.address@example.test' } } }),
    ]);
    expect(await auditOf(c.tenant.id, 'forms.record_change_rejected')).toHaveLength(1);
    expect((await listPendingRecordChanges(db(), c.admin)).map((p) => p.field)).toEqual(['city']);
    expect(await refusal(decideRecordChange(db(), c.admin, { changeId: id('phone'), decision: 'reject' }))).toMatchObject({ code: 'already-decided' });
    expect(await refusal(decideRecordChange(db(), c.admin, { changeId: id('date_of_birth'), decision: 'accept' }))).toMatchObject({ code: 'already-decided' });
    expect((await patientRow(c)).dateOfBirth).toBe('1984-07-19');
  });

  it('refuses a value the record cannot hold and leaves the change pending', async () => {
    const c = await formsClinic();
    const { responseId } = await submitted(c, c.intake.id, {});
    const [bad] = await db().insert(formRecordChanges).values({ tenantId: c.tenant.id, responseId, patientId: c.patient.id, field: 'phone', proposedValue: 'call me maybe' }).returning();
    const error = await refusal(decideRecordChange(db(), c.admin, { changeId: bad!.id, decision: 'accept' }));
    expect(error).toBeInstanceOf(FormsRuleError);
    expect(error).toMatchObject({ code: 'change-invalid' });
    const [row] = await db().select().from(formRecordChanges).where(eq(formRecordChanges.id, bad!.id));
    expect(row!.status).toBe('pending');
    expect((await patientRow(c)).phone).toBe('+15550100001');
    await decideRecordChange(db(), c.admin, { changeId: bad!.id, decision: 'reject' });
  });

  it('answers not-found for another clinic’s change and needs patients.edit to accept', async () => {
    const c = await formsClinic();
    const other = await formsClinic();
    const { id } = await proposals(c);
    expect(await refusal(decideRecordChange(db(), other.admin, { changeId: id('city'), decision: 'accept' }))).toBeInstanceOf(NotFoundError);
    expect((await listPendingRecordChanges(db(), other.admin))).toEqual([]);
    const noEdit = { ...c.admin, actor: { ...c.admin.actor, permissions: new Set([...c.admin.actor.permissions].filter((p) => p !== 'patients.edit')) } };
    expect(await refusal(decideRecordChange(db(), noEdit, { changeId: id('city'), decision: 'accept' }))).toBeInstanceOf(ForbiddenError);
    expect((await patientRow(c)).city).toBeNull();
  });

  it.runIf(Boolean(testServerUrl()))('two decisions at once: one wins, the other is told it was already decided', async () => {
    const c = await formsClinic();
    const { id } = await proposals(c);
    const results = await Promise.allSettled([
      decideRecordChange(db(), c.admin, { changeId: id('city'), decision: 'accept' }),
      decideRecordChange(db(), c.physician, { changeId: id('city'), decision: 'reject' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({ code: 'already-decided' });
    const [row] = await db().select().from(formRecordChanges).where(and(eq(formRecordChanges.id, id('city'))));
    expect((await patientRow(c)).city).toBe(row!.status === 'accepted' ? 'Shelbyville' : null);
  });
});
