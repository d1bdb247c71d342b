import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { AddDocumentTypeForm, DocumentTypeRow } from '@/components/crm/document-type-forms';
import { Page } from '@/components/ui/page';
import { FormSection, ListSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { listDocumentTypes } from '@/lib/settings/document-types';
import { addDocumentTypeAction, renameDocumentTypeAction, toggleDocumentTypeAction } from './actions';

export const metadata: Metadata = { title: 'Document types' };

export default async function DocumentTypesPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const types = await listDocumentTypes(getDb(), ctx);
  return (
    <Page title="Document types" description="The kinds of document staff file for patients. Documents of a type hidden from the portal are kept out of the patient portal. Deactivated types are not offered for new documents; filed documents keep theirs.">
      <FormSection id="add-type-heading" title="Add a document type">
        <AddDocumentTypeForm action={addDocumentTypeAction} />
      </FormSection>
      <ListSection id="types-heading" title="All document types" items={types}>
        {(t) => (
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
        )}
      </ListSection>
    </Page>
  );
}
