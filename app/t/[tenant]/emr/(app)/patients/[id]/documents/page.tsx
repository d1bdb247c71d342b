import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DocumentRowActions } from '@/components/documents/document-row-actions';
import { DocumentUploadForm } from '@/components/documents/document-upload-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { requireStaff } from '@/lib/auth/staff-session';
import { maxUploadBytes } from '@/lib/documents/document-scope';
import { listActiveDocumentTypes, listPatientDocuments } from '@/lib/documents/staff-documents';
import { formatBytes } from '@/lib/documents/upload-rules';
import { clinicDateTime } from '@/lib/intl/clinic-time';
import { formatDateOfBirth } from '@/lib/patients/display';
import { confirmUploadAction, createUploadIntentAction, deleteDocumentAction, updateDocumentAction, uploadDocumentAction } from './actions';

export const metadata: Metadata = { title: 'Documents' };

const KIND: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG', 'image/png': 'PNG' };

export default async function PatientDocumentsTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'documents.view');
  const { id } = await params;
  const db = getDb();
  const canUpload = ctx.actor.permissions.has('documents.upload');
  const [documents, types, maxBytes, zone] = await Promise.all([
    listPatientDocuments(db, ctx, id),
    listActiveDocumentTypes(db, ctx),
    maxUploadBytes(db, ctx.tenant.id),
    clinicTimeZone(db, ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const uploadedAt = clinicDateTime(zone);
  return (
    <div className="space-y-4">
      <section aria-labelledby="documents-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="documents-heading" className="px-5 pt-5 text-lg font-semibold">Documents</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">The patient’s documents, newest examination first</caption>
            <thead className="border-y border-line text-fg-muted">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">Type</th>
                <th scope="col" className="px-4 py-3 font-medium">Title</th>
                <th scope="col" className="px-4 py-3 font-medium">Examination date</th>
                <th scope="col" className="px-4 py-3 font-medium">Visible to patient</th>
                <th scope="col" className="px-4 py-3 font-medium">Uploaded</th>
                <th scope="col" className="px-4 py-3 font-medium">Size</th>
                <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {documents.map((d) => (
                <tr key={d.id} className="align-top">
                  <td className="px-4 py-3">{d.typeName}</td>
                  <td className="px-4 py-3">
                    <a href={`/api/documents/${d.id}/download?view=1`} target="_blank" rel="noopener" className="link">
                      {d.title}
                    </a>
                    <span className="block text-xs text-fg-muted">{KIND[d.contentType]} · {d.originalFilename}</span>
                  </td>
                  <td className="px-4 py-3">{d.examinationDate ? formatDateOfBirth(d.examinationDate) : '—'}</td>
                  <td className="px-4 py-3">
                    {d.visibleToPatient ? 'Yes' : 'No'}
                    {d.visibleToPatient && d.typeHiddenFromPortal ? <span className="block text-xs text-fg-muted">(type hidden from the portal)</span> : null}
                    {d.visibleToPatient && d.hiddenFromProxies ? <span className="block text-xs text-fg-muted">(patient’s own account only)</span> : null}
                  </td>
                  <td className="px-4 py-3">
                    {d.uploadedByName ?? '—'}
                    <span className="block text-xs text-fg-muted">{uploadedAt.format(d.uploadedAt)}</span>
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap">{formatBytes(d.sizeBytes)}</td>
                  <td className="px-4 py-3">
                    <div className="flex flex-wrap gap-2">
                      <a
                        href={`/api/documents/${d.id}/download`}
                        className="inline-flex min-h-11 items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted"
                        aria-label={`Download “${d.title}”`}
                      >
                        Download
                      </a>
                      {canUpload ? (
                        <DocumentRowActions
                          patientId={id}
                          documentId={d.id}
                          title={d.title}
                          types={types}
                          values={{ typeId: d.typeId, title: d.title, examinationDate: d.examinationDate ?? '', visibleToPatient: d.visibleToPatient, hiddenFromProxies: d.hiddenFromProxies }}
                          actions={{ update: updateDocumentAction, remove: deleteDocumentAction }}
                        />
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
              {documents.length === 0 ? (
                <tr>
                  <td colSpan={7} className="px-4 py-8 text-center text-fg-muted">No documents yet.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
      {canUpload ? (
        <section aria-labelledby="upload-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="upload-heading" className="text-lg font-semibold">Upload a document</h2>
          <div className="mt-3 max-w-xl">
            <DocumentUploadForm
              patientId={id}
              types={types}
              maxBytes={maxBytes}
              actions={{ upload: uploadDocumentAction, createIntent: createUploadIntentAction, confirm: confirmUploadAction }}
            />
          </div>
        </section>
      ) : null}
    </div>
  );
}
