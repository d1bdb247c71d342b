import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { FORM_KIND_LABELS } from '@/lib/clinic-forms/definition';
import { ArchiveFormButton, ImportFormForm, NewFormForm } from '@/components/clinic-forms/builder/form-list-forms';
import { Page } from '@/components/ui/page';
import { FormSection, ListSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listTemplates, type TemplateSummary } from '@/lib/clinic-forms/templates';
import { clinicDateTime } from '@/lib/intl/clinic-time';
import { createFormAction, importFormAction, setFormArchivedAction } from './actions';

export const metadata: Metadata = { title: 'Forms' };

const badge = 'ml-2 rounded-full px-2 py-0.5 text-xs font-semibold';

/** Draft / published vN / unpublished changes / archived, as badges. */
function Status({ form }: { form: TemplateSummary }) {
  if (form.archived) return <span className={`${badge} bg-slate-200 text-slate-800`}>archived</span>;
  return (
    <>
      {form.publishedVersion === null ? <span className={`${badge} bg-amber-100 text-amber-900`}>draft, never published</span> : <span className={`${badge} bg-emerald-100 text-emerald-900`}>published v{form.publishedVersion}</span>}
      {form.publishedVersion !== null && form.hasDraft ? <span className={`${badge} bg-sky-100 text-sky-900`}>unpublished changes</span> : null}
    </>
  );
}


export default async function FormsPage() {
  const ctx = await requireStaff('crm', 'forms.manage');
  const [templates, zone] = await Promise.all([listTemplates(getDb(), ctx), clinicTimeZone(getDb(), ctx.tenant.id)]);
  const updated = clinicDateTime(zone);
  return (
    <Page title="Forms" description="Intake, consent, questionnaires and home activities patients fill or read in the portal. Publishing freezes a version: forms already given to patients keep theirs. Archived forms cannot be assigned.">
      <ListSection id="forms-heading" title="All forms" items={templates} empty="No forms yet. Create the first one below, or import a FHIR Questionnaire.">
        {(form) => (
          <li key={form.id} className="flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:justify-between">
            <div>
              <p className="font-medium">
                <Link href={`/crm/forms/${form.id}`} className="underline underline-offset-2">{form.title}</Link>
                <Status form={form} />
              </p>
              <p className="text-sm text-fg-muted">
                {FORM_KIND_LABELS[form.kind]} · updated <time dateTime={form.updatedAt.toISOString()}>{updated.format(form.updatedAt)}</time>
              </p>
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <Link href={`/crm/forms/${form.id}/preview`} className="rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted" aria-label={`Preview ${form.title}`}>Preview</Link>
              <ArchiveFormButton action={setFormArchivedAction} templateId={form.id} title={form.title} archived={form.archived} />
            </div>
          </li>
        )}
      </ListSection>

      <FormSection id="new-form-heading" title="New form" description="Starts as an empty draft; add fields in the builder, then publish.">
        <NewFormForm action={createFormAction} />
      </FormSection>

      <FormSection id="import-heading" title="Import FHIR" description="A FHIR R4 Questionnaire (JSON) becomes a new draft to check and publish.">
        <ImportFormForm action={importFormAction} />
      </FormSection>
    </Page>
  );
}
