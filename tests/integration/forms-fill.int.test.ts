import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documents, formAssignments, formRecordChanges, formResponses, formSignatures } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { uploadAnswerFile } from '@/lib/clinic-forms/answer-files';
import { FormsRuleError } from '@/lib/clinic-forms/errors';
import { fileSubmittedForms } from '@/lib/clinic-forms/filing';
import { portalDashboard } from '@/lib/patients/portal-dashboard';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { currentResponseQuery, listPortalForms, loadFormForFilling, saveAnswers, submitForm } from '@/lib/clinic-forms/responses';
import type { ResponseItem } from '@/lib/clinic-forms/response-items';
import { signatureContentHash } from '@/lib/clinic-forms/signature';
import { PDF_BYTES } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { assign, phqSign, CONTACT_FORM, formsClinic, phq9Answers, starter } from './forms-fill-fixtures';

const db = () => getDb();
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const sign = { sign: { name: 'Maria Lopez', role: 'guardian' } };

async function responsesOf(assignmentId: string) {
  return db().select().from(formResponses).where(eq(formResponses.assignmentId, assignmentId));
}

describe('autosave', () => {
  it('saves with a revision, moves the assignment to in progress, restores the answers, and refuses a stale save', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const first = await saveAnswers(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'new@example.test', smokes: false } });
    expect(first).toEqual({ revision: 1, problems: {} });
    const [assignment] = await db().select().from(formAssignments).where(eq(formAssignments.id, a.id));
    expect(assignment!.status).toBe('in_progress');

    const second = await saveAnswers(db(), w.mariaForLeo, a.id, { revision: 1, answers: { email: 'newer@example.test', smokes: false, city: 'Shelbyville' } });
    expect(second.revision).toBe(2);

    // A tab that still holds revision 1 (another device saved since) is refused and changes nothing.
    const stale = await refusal(saveAnswers(db(), w.mariaForLeo, a.id, { revision: 1, answers: { email: 'stale@example.test' } }));
    expect(stale).toBeInstanceOf(FormsRuleError);
    expect(stale).toMatchObject({ code: 'stale-answers' });
    const loaded = await loadFormForFilling(db(), w.mariaForLeo, a.id);
    expect(loaded).toMatchObject({ revision: 2, status: 'in_progress', answers: { email: 'newer@example.test', smokes: false, city: 'Shelbyville' }, defaultSignerRole: 'guardian' });
    expect(loaded.consentTexts).toEqual({ sign: 'I confirm these details are correct.\n\nSign to confirm.' });
    expect(await responsesOf(a.id)).toHaveLength(1);
  });

  it('two first saves from revision 0 at once: one wins, the other is told it is stale', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const results = await Promise.allSettled([
      saveAnswers(db(), w.mariaForLeo, a.id, { revision: 0, answers: { city: 'One' } }),
      saveAnswers(db(), w.mariaForLeo, a.id, { revision: 0, answers: { city: 'Two' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: 'stale-answers' });
    expect(await responsesOf(a.id)).toHaveLength(1);
  });

  it('keeps answers that pass their check, reports the others, and drops answers of hidden questions', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const saved = await saveAnswers(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'not-an-email', city: 'Ogdenville', smokes: false, packs: 3 } });
    expect(saved.problems).toEqual({ email: 'email' });
    expect((await loadFormForFilling(db(), w.mariaForLeo, a.id)).answers).toEqual({ city: 'Ogdenville', smokes: false });
  });
  it('finds the current response through an index on its assignment, not by reading every response', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    await saveAnswers(db(), w.mariaForLeo, a.id, { revision: 0, answers: { city: 'Ogdenville' } });
    // The filling page and every autosave send this; at 50,000 responses a scan cost ~17 ms of PostgreSQL each.
    const plan = await db().transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await tx.execute(sql`explain ${currentResponseQuery(tx, w.tenant.id, a.id)}`);
      return (rows as unknown as Array<Record<string, string>>).map((r) => Object.values(r)[0]).join('\n');
    });
    expect(plan).toMatch(/Index (Only )?Scan[^\n]* on form_responses(?! newer)[\s\S]*?Index Cond: [^\n]*assignment_id/);
  });
});

describe('submitting', () => {
  it('refuses missing required answers and a missing signature, and changes nothing', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const missing = await refusal(submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { smokes: true }, signatures: sign }));
    expect(missing).toMatchObject({ code: 'answers-invalid', extra: { problems: { email: 'required', packs: 'required' } } });

    const unsigned = await refusal(submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'leo.lopez@example.test', smokes: false }, signatures: {} }));
    expect(unsigned).toMatchObject({ code: 'signature-needed', extra: { problems: { sign: 'signature_needed' } } });
    const badName = await refusal(submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'leo.lopez@example.test', smokes: false }, signatures: { sign: { name: 'M', role: 'guardian' } } }));
    expect(badName).toMatchObject({ code: 'answers-invalid', extra: { problems: { sign: 'signature_name' } } });

    expect(await responsesOf(a.id)).toHaveLength(0);
    const [assignment] = await db().select().from(formAssignments).where(eq(formAssignments.id, a.id));
    expect(assignment!.status).toBe('assigned');
    expect(await db().select().from(formSignatures).where(eq(formSignatures.tenantId, w.tenant.id))).toHaveLength(0);
  });

  it('submits: immutable answers without hidden ones, a signature over exactly what was signed, record changes only for values that differ', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    await saveAnswers(db(), w.mariaForLeo, a.id, { revision: 0, answers: { city: 'Springfield' } });
    const { responseId } = await submitForm(db(), w.mariaForLeo, a.id, {
      revision: 1,
      // Same email but for case, same phone but for punctuation, a new city; packs is hidden (smokes = false).
      answers: { email: 'LEO.LOPEZ@example.test', phone: '(555) 555-0111', city: 'Capital City', smokes: false, packs: 20 },
      signatures: { sign: { name: 'Maria Lopez', role: 'guardian', drawing: '' } },
    });
    const [response] = await db().select().from(formResponses).where(eq(formResponses.id, responseId));
    expect(response).toMatchObject({ status: 'submitted', revision: 2, submittedByAccountId: w.maria.account.id, documentId: null });
    const items = response!.items as ResponseItem[];
    expect(JSON.stringify(items)).not.toContain('packs');
    const [assignment] = await db().select().from(formAssignments).where(eq(formAssignments.id, a.id));
    expect(assignment).toMatchObject({ status: 'submitted' });
    expect(assignment!.submittedAt).toBeInstanceOf(Date);

    const [signature] = await db().select().from(formSignatures).where(eq(formSignatures.responseId, responseId));
    const consentText = 'I confirm these details are correct.\n\nSign to confirm.';
    expect(signature).toMatchObject({
      linkId: 'sign', signerName: 'Maria Lopez', signerRole: 'guardian', method: 'typed', drawingPng: null, consentText,
      signedByAccountId: w.maria.account.id, ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0 (forms test)',
    });
    expect(signature!.contentSha256).toBe(signatureContentHash({ consentText, items, versionId: w.contactTemplate.versionId }));
    expect(signature!.contentSha256).toMatch(/^[0-9a-f]{64}$/);

    const changes = await db().select().from(formRecordChanges).where(eq(formRecordChanges.responseId, responseId));
    expect(changes.map((c) => ({ field: c.field, proposedValue: c.proposedValue, previousValue: c.previousValue, status: c.status }))).toEqual([
      { field: 'city', proposedValue: 'Capital City', previousValue: 'Springfield', status: 'pending' },
    ]);

    // Once submitted, saving or submitting again is refused.
    expect(await refusal(saveAnswers(db(), w.mariaForLeo, a.id, { revision: 2, answers: { city: 'Elsewhere' } }))).toMatchObject({ code: 'not-open' });
    expect(await refusal(submitForm(db(), w.mariaForLeo, a.id, { revision: 2, answers: {}, signatures: sign }))).toMatchObject({ code: 'not-open' });

    // The audit row names the response and what was proposed, never an answer.
    const [audit] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'forms.response_submitted')));
    expect(audit).toMatchObject({ actorKind: 'patient', actorId: w.maria.account.id, patientId: w.leo.id, targetId: responseId });
    expect(JSON.stringify(audit!.details)).not.toContain('Capital City');
  });

  it('scores a questionnaire on submit and accepts the typed name with a drawn PNG', async () => {
    const w = await formsClinic();
    const phq9 = await starter(w.tenant.id, 'phq-9');
    const a = await assign(w.tenant.id, w.maria.patient.id, phq9);
    const { responseId } = await submitForm(db(), w.mariaForSelf, a.id, { revision: 0, answers: phq9Answers('2'), signatures: phqSign });
    const [response] = await db().select().from(formResponses).where(eq(formResponses.id, responseId));
    expect(response).toMatchObject({ score: 18, status: 'submitted', revision: 1 });

    const consent = await starter(w.tenant.id, 'privacy-acknowledgement');
    const b = await assign(w.tenant.id, w.maria.patient.id, consent);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120, 7)]).toString('base64');
    const signed = await submitForm(db(), w.mariaForSelf, b.id, {
      revision: 0, answers: { received_copy: true }, signatures: { privacy_signature: { name: 'Maria Lopez', role: 'patient', drawing: `data:image/png;base64,${png}` } },
    });
    const [signature] = await db().select().from(formSignatures).where(eq(formSignatures.responseId, signed.responseId));
    expect(signature).toMatchObject({ method: 'drawn', drawingPng: png, signerRole: 'patient' });
  });

  it('a submitted response and its signatures cannot be updated in the database', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const { responseId } = await submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'leo.lopez@example.test', smokes: false }, signatures: sign });
    const direct = await refusal(db().execute(sql`update form_responses set items = '[]'::jsonb where id = ${responseId}`));
    expect(direct).toBeTruthy();
    expect(String((direct as { cause?: { message?: string } }).cause?.message ?? direct)).toMatch(/never edited/);
    expect(await refusal(db().execute(sql`update form_responses set status = 'in_progress', submitted_at = null where id = ${responseId}`))).toBeTruthy();
    expect(await refusal(db().execute(sql`update form_signatures set signer_name = 'Someone else' where response_id = ${responseId}`))).toBeTruthy();
    const [response] = await db().select().from(formResponses).where(eq(formResponses.id, responseId));
    expect(response!.items).not.toEqual([]);
  });
});

describe('files', () => {
  it('stores a PDF answer privately and accepts its id on submit; an id that is not this form’s file is refused', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const { fileId, contentType } = await uploadAnswerFile(db(), w.mariaForLeo, a.id, { linkId: 'card', file: { bytes: Buffer.from(PDF_BYTES), name: 'card.pdf' } });
    expect(contentType).toBe('application/pdf');
    const unknownFile = await refusal(submitForm(db(), w.mariaForLeo, a.id, {
      revision: 0, answers: { email: 'leo.lopez@example.test', smokes: false, card: '11111111-2222-4333-8444-555555555555' }, signatures: sign,
    }));
    expect(unknownFile).toMatchObject({ code: 'answers-invalid', extra: { problems: { card: 'file' } } });
    const { responseId } = await submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'leo.lopez@example.test', smokes: false, card: fileId }, signatures: sign });
    // Filed beside the PDF as a document of the chart (its id is the file's), once.
    await fileSubmittedForms(db(), { responseId });
    await fileSubmittedForms(db(), { responseId });
    const filed = await db().select().from(documents).where(and(eq(documents.tenantId, w.tenant.id), eq(documents.patientId, w.leo.id)));
    const byId = (x: { id: string }, y: { id: string }) => x.id.localeCompare(y.id);
    expect(filed.map((d) => ({ id: d.id, contentType: d.contentType, status: d.status })).sort(byId)).toEqual([
      { id: fileId, contentType: 'application/pdf', status: 'available' },
      { id: responseId, contentType: 'application/pdf', status: 'available' },
    ].sort(byId));
    expect(filed.find((d) => d.id === fileId)).toMatchObject({ title: expect.stringContaining(': Insurance card'), originalFilename: 'Insurance card.pdf' });

    const other = await assign(w.tenant.id, w.leo.id, await starter(w.tenant.id, 'privacy-acknowledgement'));
    expect(await refusal(uploadAnswerFile(db(), w.mariaForLeo, other.id, { linkId: 'received_copy', file: { bytes: Buffer.from(PDF_BYTES), name: 'x.pdf' } }))).toBeInstanceOf(NotFoundError);
    const again = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const html = await refusal(uploadAnswerFile(db(), w.mariaForLeo, again.id, { linkId: 'card', file: { bytes: Buffer.from('<html>hi</html>'), name: 'card.pdf' } }));
    expect(html).toMatchObject({ code: 'unsupported_type' });
  });
});

describe('who can see and fill a form', () => {
  it('a parent sees and fills the child’s forms; the list shows open forms and completed ones', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate, { dueOn: '2030-01-15' });
    const phq = await assign(w.tenant.id, w.leo.id, await starter(w.tenant.id, 'phq-9'));
    await submitForm(db(), w.mariaForLeo, phq.id, { revision: 0, answers: phq9Answers('0'), signatures: phqSign });
    const list = await listPortalForms(db(), w.mariaForLeo);
    expect(list.open.map((f) => ({ id: f.assignmentId, title: f.title, dueOn: f.dueOn, status: f.status }))).toEqual([
      { id: a.id, title: 'Contact update', dueOn: '2030-01-15', status: 'assigned' },
    ]);
    expect(list.completed).toMatchObject([{ assignmentId: phq.id, status: 'submitted', documentId: null }]);
    // The home page's card: one open form, read with the (here: no) upcoming visits.
    expect(await portalDashboard(db(), w.mariaForLeo)).toMatchObject({ upcoming: [], openForms: 1 });
    // Counted only while the link opens Forms, and still when it does not open Bookings.
    const withAreas = (areas: PortalArea[]) => ({ ...w.mariaForLeo, patient: { ...w.mariaForLeo.patient, areas } });
    expect(await portalDashboard(db(), withAreas(['bookings']))).toMatchObject({ upcoming: [], openForms: 0 });
    expect(await portalDashboard(db(), withAreas(['forms']))).toMatchObject({ upcoming: [], openForms: 1 });
    // Maria's own record has none of Leo's forms.
    expect(await listPortalForms(db(), w.mariaForSelf)).toEqual({ open: [], completed: [] });
  });

  it('an account not linked to the patient, and another clinic, get not-found for everything', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const other = await createTestTenant();
    const otherClinic = portalContext(other, w.maria.account.id, w.leo.id, { relationship: 'parent' });
    for (const ctx of [w.stanForLeo, w.stanForSelf, otherClinic]) {
      expect(await refusal(loadFormForFilling(db(), ctx, a.id))).toBeInstanceOf(NotFoundError);
      expect(await refusal(saveAnswers(db(), ctx, a.id, { revision: 0, answers: { city: 'X' } }))).toBeInstanceOf(NotFoundError);
      expect(await refusal(submitForm(db(), ctx, a.id, { revision: 0, answers: { email: 'a@b.test', smokes: false }, signatures: sign }))).toBeInstanceOf(NotFoundError);
      expect(await refusal(uploadAnswerFile(db(), ctx, a.id, { linkId: 'card', file: { bytes: Buffer.from(PDF_BYTES), name: 'x.pdf' } }))).toBeInstanceOf(NotFoundError);
    }
    expect(await refusal(listPortalForms(db(), w.stanForLeo))).toBeInstanceOf(NotFoundError);
    expect((await listPortalForms(db(), w.stanForSelf)).open).toEqual([]);
    expect(await refusal(loadFormForFilling(db(), w.mariaForLeo, 'not-a-uuid'))).toBeInstanceOf(NotFoundError);
    expect(await responsesOf(a.id)).toHaveLength(0);
    expect(CONTACT_FORM.fields.length).toBeGreaterThan(0);
  });
});
