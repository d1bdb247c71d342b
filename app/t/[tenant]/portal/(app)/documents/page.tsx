import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { DocumentLinks } from '@/components/portal/document-links';
import { DocumentSearchForm, type DocumentSearchValues } from '@/components/portal/document-search-form';
import { EmptyState } from '@/components/portal/empty-state';
import { formatCalendarDate } from '@/components/portal/format-date';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalDocumentTypes } from '@/lib/documents/portal-document-types';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { formatBytes } from '@/lib/documents/file-rules';
import { interpolateParts } from '@/lib/i18n/core';
import { portalDocuments } from '@/lib/i18n/messages/portal-documents';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';
import { UploadFilesLink } from './upload/upload-link';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(portalDocuments);
  return { title: t('title') };
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)));
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
// Every parameter is optional and a bad one is dropped, never an error page: URLs get mangled.
const searchSchema = z.object({
  q: z.preprocess(first, z.string().trim().max(100).catch('')).default(''),
  type: z.preprocess(first, z.uuid().catch('')).default(''),
  from: z.preprocess(first, isoDate.catch('')).default(''),
  to: z.preprocess(first, isoDate.catch('')).default(''),
});

export default async function PortalDocumentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient('documents');
  const { t, locale } = await getPortalI18n(portalDocuments);
  const profile = await getTenantProfile(portal.tenant.id);
  const values: DocumentSearchValues = searchSchema.parse(await searchParams);
  const db = getDb();
  const [types, documents] = await Promise.all([
    listPortalDocumentTypes(db, portal),
    listPortalDocuments(db, portal, {
      q: values.q || undefined, typeId: values.type || undefined, from: values.from || undefined, to: values.to || undefined,
    }),
  ]);
  const filtered = Boolean(values.q || values.type || values.from || values.to);
  const rangeError = values.from && values.to && values.from > values.to ? t('rangeError') : undefined;
  const count = documents.length;
  const summary = filtered
    ? count === 1 ? t('matchOne') : t('matchOther', { count })
    : count === 1 ? t('countOne') : t('countOther', { count });
  const showAll = (
    <Link key="link" href="/portal/documents" className="font-medium text-brand-accent underline">{t('showAll')}</Link>
  );
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{t('heading')}</h1>
          <p className="mt-1 text-fg-muted">
            {portal.patient.relationship === 'self' ? t('introSelf') : t('introOther', { name: portal.patient.firstName })}
          </p>
        </div>
        {profile?.portal.patientUploadsAllowed ? <UploadFilesLink locale={locale} /> : null}
      </div>
      <DocumentSearchForm values={values} types={types} error={rangeError} locale={locale} />
      <section aria-labelledby="results-heading" className="space-y-3">
        <h2 id="results-heading" className="sr-only">{t('resultsHeading')}</h2>
        <p role="status" className="text-sm text-fg-muted">{summary}</p>
        {documents.length === 0 ? (
          filtered ? (
            <EmptyState title={t('noMatchTitle')}>{interpolateParts(t('noMatchBody'), { link: showAll })}</EmptyState>
          ) : (
            <EmptyState title={t('noneTitle')}>{t('noneBody')}</EmptyState>
          )
        ) : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {documents.map((doc) => (
              <li key={doc.id} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="break-words font-medium">{doc.title}</p>
                  <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-fg-muted">
                    <div className="flex gap-1">
                      <dt>{t('typeTerm')}</dt>
                      <dd>{doc.typeName}</dd>
                    </div>
                    <div className="flex gap-1">
                      <dt>{t('examinedTerm')}</dt>
                      <dd>{formatCalendarDate(doc.examinationDate, locale)}</dd>
                    </div>
                    <div className="flex gap-1">
                      <dt>{t('sizeTerm')}</dt>
                      <dd>{formatBytes(doc.sizeBytes)}</dd>
                    </div>
                  </dl>
                </div>
                <DocumentLinks id={doc.id} title={doc.title} contentType={doc.contentType} locale={locale} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
