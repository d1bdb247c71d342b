import { and, eq, sql } from 'drizzle-orm';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { documents, documentTypes, formResponses, formSignatures } from '@/db/schema';
import { fileSubmittedForms } from '@/lib/clinic-forms/filing';
import { listPortalForms, submitForm } from '@/lib/clinic-forms/responses';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { listPatientDocuments } from '@/lib/documents/staff-documents';
import { SCHEDULED_JOBS } from '@/lib/jobs/scheduled';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { pdfText } from '../support/pdf-text';
import { createStaffContext } from '../support/staff-context';
import { assign, phqSign, formsClinic, phq9Answers, starter } from './forms-fill-fixtures';

const db = () => getDb();

async function readStored(key: string): Promise<Buffer> {
  const object = await getObjectStore().get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

describe('the filed PDF', () => {
  it('is made once with two runners at the same time, filed in the chart and shown in the portal', async () => {
    const w = await formsClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const longNote = Array.from({ length: 110 }, (_, i) => `Line ${i} of a long answer.`).join(' ');
    const { responseId } = await submitForm(db(), w.mariaForLeo, a.id, {
      revision: 0,
      answers: { email: 'leo.lopez@example.test', city: 'Capital City', smokes: true, packs: 2, notes: longNote },
      signatures: { sign: { name: 'Maria Lopez', role: 'guardian' } },
    });

    const [first, second] = await Promise.all([fileSubmittedForms(db()), fileSubmittedForms(db())]);
    expect(first!.filed + second!.filed).toBe(1);
    expect(await fileSubmittedForms(db())).toEqual({ filed: 0 });

    const filed = await db().select().from(documents).where(and(eq(documents.tenantId, w.tenant.id), eq(documents.patientId, w.leo.id)));
    expect(filed).toHaveLength(1);
    const doc = filed[0]!;
    const [response] = await db().select().from(formResponses).where(eq(formResponses.id, responseId));
    expect(response!.documentId).toBe(doc.id);
    expect(doc).toMatchObject({ title: 'Contact update', contentType: 'application/pdf', status: 'available', visibleToPatient: true, uploadedByKind: 'patient', uploadedById: w.maria.account.id });
    const [type] = await db().select({ name: documentTypes.name }).from(documentTypes).where(eq(documentTypes.id, doc.typeId));
    expect(type!.name).toBe('Forms');

    // The document is set once: the database refuses to change or clear it.
    expect(await db().execute(sql`update form_responses set document_id = null where id = ${responseId}`).then(() => 'updated', () => 'refused')).toBe('refused');

    const bytes = await readStored(doc.storageKey);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(doc.sizeBytes).toBe(bytes.length);
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPageCount()).toBeGreaterThan(1);
    const text = pdfText(bytes);
    const [signature] = await db().select().from(formSignatures).where(eq(formSignatures.responseId, responseId));
    for (const expected of [w.tenant.name, 'Contact update', 'Version 1', 'Patient: Leo Lopez', 'Date of birth: 2016-09-03', 'How to reach you', 'Capital City', 'Packs a day', 'Yes', 'Line 109 of a long answer.', 'I confirm these details are correct.', 'Signed by Maria Lopez (Parent or guardian), typed name', 'from 203.0.113.9', signature!.contentSha256]) {
      expect(text, expected).toContain(expected);
    }

    // Staff see it in the chart; Maria sees it in Leo's documents and beside the form.
    const physician = await createStaffContext(w.tenant, 'physician');
    expect((await listPatientDocuments(db(), physician, w.leo.id)).map((d) => d.id)).toContain(doc.id);
    expect((await listPortalDocuments(db(), w.mariaForLeo)).map((d) => d.id)).toEqual([doc.id]);
    expect((await listPortalForms(db(), w.mariaForLeo)).completed).toMatchObject([{ assignmentId: a.id, documentId: doc.id }]);

    // A clinic that hides the type from the portal keeps it in the chart only.
    await db().update(documentTypes).set({ hiddenFromPortal: true }).where(eq(documentTypes.id, doc.typeId));
    expect(await listPortalDocuments(db(), w.mariaForLeo)).toEqual([]);
    expect((await listPortalForms(db(), w.mariaForLeo)).completed[0]!.documentId).toBeNull();
  });

  it('two runners over several submitted forms file each exactly once (the scheduled job)', async () => {
    const w = await formsClinic();
    const phq9 = await starter(w.tenant.id, 'phq-9');
    const privacy = await starter(w.tenant.id, 'privacy-acknowledgement');
    const ids: string[] = [];
    ids.push((await submitForm(db(), w.mariaForSelf, (await assign(w.tenant.id, w.maria.patient.id, phq9)).id, { revision: 0, answers: phq9Answers('3'), signatures: phqSign })).responseId);
    ids.push((await submitForm(db(), w.mariaForLeo, (await assign(w.tenant.id, w.leo.id, phq9)).id, { revision: 0, answers: phq9Answers('1'), signatures: phqSign })).responseId);
    ids.push((await submitForm(db(), w.mariaForSelf, (await assign(w.tenant.id, w.maria.patient.id, privacy)).id, {
      revision: 0, answers: { received_copy: true }, signatures: { privacy_signature: { name: 'Maria Lopez', role: 'patient' } },
    })).responseId);

    const job = SCHEDULED_JOBS.find((j) => j.name === 'form-filing')!;
    const runs = await Promise.all([job.run(db()), job.run(db())]);
    expect(runs.reduce((sum, r) => sum + (r.formsFiled ?? 0), 0)).toBe(3);
    const rows = await db().select({ id: formResponses.id, documentId: formResponses.documentId }).from(formResponses).where(eq(formResponses.tenantId, w.tenant.id));
    expect(rows.filter((r) => ids.includes(r.id)).every((r) => r.documentId === r.id)).toBe(true);
    const filed = await db().select({ id: documents.id }).from(documents).where(eq(documents.tenantId, w.tenant.id));
    expect(filed.map((d) => d.id).sort()).toEqual([...ids].sort());

    const scored = await readStored((await db().select().from(documents).where(eq(documents.id, ids[0]!)))[0]!.storageKey);
    expect(pdfText(scored)).toContain('Score: 27');
    expect(pdfText(scored)).toContain('Severe depression');
  });
});
