import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FILLER_MESSAGE_KEYS } from '@/components/clinic-forms/fill/filler-messages';
import { FormFiller } from '@/components/clinic-forms/fill/form-filler';
import { DocumentLinks } from '@/components/portal/document-links';
import { formatCalendarDate } from '@/components/portal/format-date';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { loadFormForFilling } from '@/lib/clinic-forms/responses';
import { maxUploadBytes } from '@/lib/documents/document-scope';
import { SERVER_ACTION_MAX_BYTES } from '@/lib/documents/file-rules';
import { formatters, pickMessages } from '@/lib/i18n/core';
import { forms as messages } from '@/lib/i18n/messages/forms';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { fillFormAction, saveFormAnswersCall, uploadFormFileCall } from '../actions';

// The form's title can be health information: the tab says only "Forms".
export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(messages);
  return { title: t('title') };
}

/** Issue 15 points 5–6: one form, pinned to the version it was assigned with, filled on a phone first. */
export default async function PortalFillFormPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string; assignmentId: string }>;
  searchParams: Promise<{ sent?: string }>;
}) {
  const { profile } = await getPageTenant(params);
  const { assignmentId } = await params;
  const { sent } = await searchParams;
  const portal = await requirePortalPatient('forms');
  const { t, locale } = await getPortalI18n(messages);
  const db = getDb();
  const form = await loadFormForFilling(db, portal, assignmentId).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const { patient } = portal;
  const { definition } = form;
  const done = form.status === 'submitted' || form.status === 'reviewed';
  const zone = portal.account.timeZone ?? profile.locations[0]?.timeZone ?? 'UTC';
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div>
        <Link href="/portal/forms" className="text-sm link">{t('backToForms')}</Link>
        <h1 className="mt-2 text-2xl font-semibold">{definition.title}</h1>
        {patient.relationship !== 'self' ? <p className="mt-1 font-medium">{t('fillingFor', { name: `${patient.firstName} ${patient.lastName}` })}</p> : null}
        {definition.description ? <p className="mt-1 text-fg-muted">{definition.description}</p> : null}
        {form.dueOn && !done ? <p className="mt-1 text-sm text-fg-muted">{t('dueLine', { date: formatCalendarDate(form.dueOn, locale) })}</p> : null}
      </div>
      {form.message && !done ? (
        <section aria-label={t('fromClinic')} className="whitespace-pre-line rounded-xl border border-line bg-surface-muted p-4 text-sm">
          <p className="font-medium">{t('fromClinic')}</p>
          <p className="mt-1">{form.message}</p>
        </section>
      ) : null}
      {done ? (
        <div className="space-y-3 rounded-xl border border-line bg-surface p-4 sm:p-6">
          {sent === '1' ? <p role="status" className="font-medium">{t('submittedThanks')}</p> : null}
          <p>{t('alreadySubmitted', { date: form.submittedAt ? formatters(locale).dateTime(form.submittedAt, zone) : '' })}</p>
          {form.documentId ? (
            <DocumentLinks id={form.documentId} title={definition.title} contentType="application/pdf" locale={locale} />
          ) : (
            <p className="text-sm text-fg-muted">{t('pdfPending')}</p>
          )}
        </div>
      ) : (
        <FormFiller
          assignmentId={form.assignmentId}
          definition={definition}
          revision={form.revision}
          answers={form.answers}
          consentTexts={form.consentTexts}
          defaultRole={form.defaultSignerRole}
          maxFileBytes={Math.min(await maxUploadBytes(db, portal.tenant.id), SERVER_ACTION_MAX_BYTES)}
          messages={pickMessages(messages, locale, FILLER_MESSAGE_KEYS)}
          actions={{ fill: fillFormAction, save: saveFormAnswersCall, upload: uploadFormFileCall }}
        />
      )}
    </div>
  );
}
