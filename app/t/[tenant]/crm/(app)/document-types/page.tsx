import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { AddDocumentTypeForm, DocumentTypeRow, DocumentTypeTranslationsForm } from '@/components/crm/document-type-forms';
import { Page } from '@/components/ui/page';
import { EditDisclosure, FormSection, ListSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { LANGUAGE_NAMES_FOR_STAFF, translationLanguages } from '@/lib/i18n/clinic-text';
import { clinicDefaultLanguage } from '@/lib/i18n/clinic-text-sql';
import { listDocumentTypes } from '@/lib/settings/document-types';
import { addDocumentTypeAction, renameDocumentTypeAction, toggleDocumentTypeAction, translateDocumentTypeAction } from './actions';

export const metadata: Metadata = { title: 'Document types' };

export default async function DocumentTypesPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const db = getDb();
  const [types, defaultLanguage] = await Promise.all([listDocumentTypes(db, ctx), clinicDefaultLanguage(db, ctx.tenant.id)]);
  const languages = translationLanguages(defaultLanguage);
  return (
    <Page title="Document types" description="The kinds of document staff file for patients. Documents of a type hidden from the portal are kept out of the patient portal. Deactivated types are not offered for new documents; filed documents keep theirs.">
      <FormSection id="add-type-heading" title="Add a document type">
        <AddDocumentTypeForm action={addDocumentTypeAction} languages={languages} />
      </FormSection>
      <ListSection id="types-heading" title="All document types" items={types}>
        {(t) => (
          <li key={t.id} className="space-y-3 p-4">
            <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
              <div>
                <p className="font-medium">
                  {t.name}
                  {t.hiddenFromPortal ? <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">hidden from portal</span> : null}
                  {t.active ? null : <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">inactive</span>}
                </p>
                <p className="text-sm text-fg-muted">{t.documentCount === 1 ? '1 document' : `${t.documentCount} documents`}</p>
                {languages.map((l) => t.translations[l]?.name ? <p key={l} className="text-sm text-fg-muted">{LANGUAGE_NAMES_FOR_STAFF[l]}: <span lang={l}>{t.translations[l]!.name}</span></p> : null)}
              </div>
              <DocumentTypeRow type={t} rename={renameDocumentTypeAction} toggle={toggleDocumentTypeAction} />
            </div>
            {languages.length > 0 ? (
              <EditDisclosure summary={`Translations of ${t.name}`}>
                <DocumentTypeTranslationsForm action={translateDocumentTypeAction} type={t} languages={languages} />
              </EditDisclosure>
            ) : null}
          </li>
        )}
      </ListSection>
    </Page>
  );
}
