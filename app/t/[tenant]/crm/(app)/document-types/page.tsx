import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { AddDocumentTypeForm, DocumentTypeRow } from '@/components/crm/document-type-forms';
import { requireStaff } from '@/lib/auth/staff-session';
import { listDocumentTypes } from '@/lib/settings/document-types';
import { addDocumentTypeAction, renameDocumentTypeAction, toggleDocumentTypeAction } from './actions';

export const metadata: Metadata = { title: 'Document types' };

export default async function DocumentTypesPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const types = await listDocumentTypes(getDb(), ctx);
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Document types</h1>
        <p className="mt-1 text-fg-muted">
          The kinds of document staff file for patients. Documents of a type hidden from the portal are kept out of the patient portal. Deactivated types are not offered for new documents; filed documents keep theirs.
        </p>
      </header>
      <section aria-labelledby="add-type-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="add-type-heading" className="text-lg font-semibold">Add a document type</h2>
        <div className="mt-3">
          <AddDocumentTypeForm action={addDocumentTypeAction} />
        </div>
      </section>
      <section aria-labelledby="types-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="types-heading" className="sr-only">All document types</h2>
        <ul className="divide-y divide-line">
          {types.map((t) => (
            <li key={t.id} className="flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:justify-between">
              <div>
                <p className="font-medium">
                  {t.name}
                  {t.hiddenFromPortal ? <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">hidden from portal</span> : null}
                  {t.active ? null : <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">inactive</span>}
                </p>
                <p className="text-sm text-fg-muted">{t.documentCount === 1 ? '1 document' : `${t.documentCount} documents`}</p>
              </div>
              <DocumentTypeRow type={t} rename={renameDocumentTypeAction} toggle={toggleDocumentTypeAction} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
