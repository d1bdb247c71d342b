import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { FORM_KIND_LABELS } from '@/lib/clinic-forms/definition';
import { FormBuilder } from '@/components/clinic-forms/builder/form-builder';
import { ArchiveFormButton } from '@/components/clinic-forms/builder/form-list-forms';
import { FormMessage } from '@/components/ui/form-controls';
import { Page } from '@/components/ui/page';
import { CardSection } from '@/components/ui/sections';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { getTemplate } from '@/lib/clinic-forms/templates';
import { clinicDateTime } from '@/lib/intl/clinic-time';
import { discardFormDraftAction, publishFormAction, saveFormDraftAction, setFormArchivedAction } from '../actions';

export const metadata: Metadata = { title: 'Form builder' };


export default async function FormBuilderPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('crm', 'forms.manage');
  const { id } = await params;
  const { published: justPublished, discarded } = await searchParams;
  let template;
  try {
    template = await getTemplate(getDb(), ctx, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const published = clinicDateTime(await clinicTimeZone(getDb(), ctx.tenant.id));
  return (
    <Page
      title={template.title}
      above={<p className="text-sm"><Link href="/crm/forms" className="underline underline-offset-2">Forms</Link></p>}
      description={`${FORM_KIND_LABELS[template.kind]} form. Changes are a draft until published; patients keep the version they were given.`}
    >
      {/* After a publish or discard (the action redirects here), as long as the page still shows that state. */}
      {justPublished === String(template.publishedVersion) && !template.hasDraft ? (
        <FormMessage tone="info" message={`Version ${template.publishedVersion} published. New assignments get it; forms already given keep their version.`} />
      ) : null}
      {discarded === '1' && !template.hasDraft ? <FormMessage tone="info" message="Changes discarded: the form is as last published." /> : null}
      {template.archived ? (
        <CardSection id="archived-heading" title="This form is archived" description="It cannot be changed or assigned. Restore it to edit it again.">
          <div className="mt-3">
            <ArchiveFormButton action={setFormArchivedAction} templateId={template.id} title={template.title} archived />
          </div>
        </CardSection>
      ) : null}
      {/* A publish or discard changes the saved form: the builder starts again from it. */}
      <FormBuilder
        key={`${template.publishedVersion}:${template.draftRevision}:${template.archived}`}
        templateId={template.id}
        definition={template.definition}
        revision={template.draftRevision}
        publishedVersion={template.publishedVersion}
        hasDraft={template.hasDraft}
        archived={template.archived}
        save={saveFormDraftAction}
        publish={publishFormAction}
        discard={discardFormDraftAction}
      />
      <CardSection id="versions-heading" title="Versions" description="Published versions never change. Export any of them as a FHIR R4 Questionnaire.">
        <ul className="mt-3 divide-y divide-line">
          {template.versions.map((v) => (
            <li key={v.version} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                Version {v.version}
                {v.version === template.publishedVersion ? ' (current)' : ''} · published <time dateTime={v.publishedAt.toISOString()}>{published.format(v.publishedAt)}</time>
              </span>
              <a href={`/crm/forms/${template.id}/export?version=${v.version}`} download className="text-sm underline underline-offset-2">
                Export FHIR JSON<span className="sr-only"> of version {v.version}</span>
              </a>
            </li>
          ))}
          {template.versions.length === 0 ? (
            <li className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="text-fg-muted">Not published yet.</span>
              <a href={`/crm/forms/${template.id}/export`} download className="text-sm underline underline-offset-2">Export the saved draft as FHIR JSON</a>
            </li>
          ) : null}
        </ul>
      </CardSection>
    </Page>
  );
}
