import type { Metadata } from 'next';
import Link from 'next/link';
import { DocumentLinks } from '@/components/portal/document-links';
import { EmptyState } from '@/components/portal/empty-state';
import { formatCalendarDate } from '@/components/portal/format-date';
import { UpcomingVisitCard } from '@/components/portal/upcoming-visit-card';
import { getDb } from '@/db/client';
import { hasPortalArea } from '@/lib/access/linked-patients';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { interpolateParts, translator } from '@/lib/i18n/core';
import { forms } from '@/lib/i18n/messages/forms';
import { portalAreas } from '@/lib/i18n/messages/portal-areas';
import { portalDashboard as messages } from '@/lib/i18n/messages/portal-dashboard';
import { getPortalI18n } from '@/lib/i18n/portal';
import { relationshipLabel } from '@/lib/patients/display';
import { NEW_DOCUMENT_DAYS, portalDashboard } from '@/lib/patients/portal-dashboard';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(messages);
  return { title: t('title') };
}

export default async function PortalDashboardPage({ params, searchParams }: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalPatient();
  const { t, locale } = await getPortalI18n(messages);
  const { patient } = portal;
  const actingForSomeoneElse = patient.relationship !== 'self';
  // The patient comes from the session only: nothing on this page reads an id from the URL.
  const { upcoming, newDocuments, openForms } = await portalDashboard(getDb(), portal);
  const tf = translator(forms, locale);
  // Only what the link opens is shown (a proxy's scope); a page outside it sent the person here.
  const showVisits = hasPortalArea(patient, 'bookings');
  const showDocuments = hasPortalArea(patient, 'documents');
  const unavailable = (await searchParams).unavailable !== undefined;
  // Keyed: it is rendered inside the array interpolateParts returns.
  const documentsLink = (
    <Link key="link" href="/portal/documents" className="font-medium text-brand-accent underline">{t('earlierDocumentsLink')}</Link>
  );
  return (
    <div className="space-y-6">
      <section className="rounded-2xl bg-brand px-6 py-8 text-brand-contrast sm:px-10">
        <p className="text-sm font-medium opacity-90">{profile.branding.displayName}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight sm:text-3xl">
          {actingForSomeoneElse ? `${patient.firstName} ${patient.lastName}` : t('hello', { name: patient.firstName })}
        </h1>
        {actingForSomeoneElse ? (
          <p className="mt-2 text-base opacity-95">
            {t('actingAs', { relationship: relationshipLabel(patient.relationship, locale).toLocaleLowerCase(locale), name: patient.firstName })}
          </p>
        ) : null}
      </section>

      {unavailable ? (
        <p role="status" className="rounded-xl border border-line bg-surface p-4">
          {translator(portalAreas, locale)('areaUnavailableNotice', { name: patient.firstName })}
        </p>
      ) : null}

      {openForms > 0 ? (
        <section aria-labelledby="forms-heading" className="flex flex-col gap-3 rounded-xl border border-line bg-surface p-4 sm:flex-row sm:items-center sm:justify-between">
          <div>
            <h2 id="forms-heading" className="text-lg font-semibold">{tf('dashboardHeading')}</h2>
            <p className="text-sm text-fg-muted">{openForms === 1 ? tf('dashboardCountOne') : tf('dashboardCount', { count: openForms })}</p>
          </div>
          <Link href="/portal/forms" className="inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2 text-base font-semibold text-brand-contrast">
            {tf('dashboardLink')}
          </Link>
        </section>
      ) : null}

      {showVisits ? (
        <section aria-labelledby="upcoming-heading" className="space-y-3">
          <div className="flex items-baseline justify-between gap-3">
            <h2 id="upcoming-heading" className="text-lg font-semibold">{t('upcomingHeading')}</h2>
            <Link href="/portal/history" className="text-sm font-medium text-brand-accent underline-offset-2 hover:underline">
              {t('pastVisits')}
            </Link>
          </div>
          {upcoming.length === 0 ? (
            <EmptyState title={t('noUpcoming')} />
          ) : (
            <ul className="space-y-3">
              {upcoming.map((visit) => (
                <li key={visit.id}>
                  <UpcomingVisitCard visit={visit} patientZone={portal.account.timeZone} locale={locale} />
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      {showDocuments ? (
        <section aria-labelledby="documents-heading" className="space-y-3">
          <div className="flex items-baseline justify-between gap-3">
            <h2 id="documents-heading" className="text-lg font-semibold">{t('documentsHeading')}</h2>
            <Link href="/portal/documents" className="text-sm font-medium text-brand-accent underline-offset-2 hover:underline">
              {t('allDocuments')}
            </Link>
          </div>
          {newDocuments.length === 0 ? (
            <EmptyState title={t('noNewDocuments', { days: NEW_DOCUMENT_DAYS })}>
              {interpolateParts(t('earlierDocuments'), { link: documentsLink })}
            </EmptyState>
          ) : (
            <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
              {newDocuments.map((doc) => (
                <li key={doc.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
                  <div>
                    <p className="font-medium">{doc.title}</p>
                    <p className="text-sm text-fg-muted">
                      {t('documentLine', { type: doc.typeName, date: formatCalendarDate(doc.examinationDate, locale) })}
                    </p>
                  </div>
                  <DocumentLinks id={doc.id} title={doc.title} contentType={doc.contentType} locale={locale} />
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
