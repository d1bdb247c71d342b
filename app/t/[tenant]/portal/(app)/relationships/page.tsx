import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DocumentLinks } from '@/components/portal/document-links';
import { formatCalendarDate } from '@/components/portal/format-date';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { notesRelationships } from '@/lib/i18n/messages/notes-relationships';
import { getPortalI18n } from '@/lib/i18n/portal';
import { loadPortalRelationships } from '@/lib/patient-notes/relationships';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(notesRelationships);
  return { title: t('title') };
}

const RELATIONSHIP = {
  self: 'relSelf', parent: 'relParent', guardian: 'relGuardian', caregiver: 'relCaregiver', spouse: 'relSpouse', child: 'relChild', other: 'relOther',
} as const;

const card = 'rounded-xl border border-line bg-surface p-4 sm:p-5';

/**
 * Seed 002 "My relationships", read-only: whom the account acts for, who has portal access to the
 * patient in the session and what that access covers, the contacts on the record, and the
 * documents all of them can see.
 */
export default async function RelationshipsPage() {
  const portal = await requirePortalPatient();
  const { t, fmt, locale } = await getPortalI18n(notesRelationships);
  const data = await loadPortalRelationships(getDb(), portal).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const name = `${portal.patient.firstName} ${portal.patient.lastName}`;
  const first = portal.patient.firstName;
  const can = ['canBookings', 'canDocuments', 'canMessages', 'canHistory', 'canData', 'canNotes'] as const;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{t('intro', { name })}</p>
      </div>

      <section aria-labelledby="acts-for-heading" className={card}>
        <h2 id="acts-for-heading" className="text-lg font-semibold">{t('actsForHeading')}</h2>
        <p className="mt-1 text-sm text-fg-muted">{t('actsForIntro')}</p>
        <ul className="mt-3 divide-y divide-line">
          {data.actsFor.map((p) => (
            <li key={p.id} className="py-3">
              <p className="font-medium">
                {p.firstName} {p.lastName}
                {p.selected ? <span className="ml-2 text-sm font-normal text-fg-muted">({t('actsForCurrent')})</span> : null}
              </p>
              <dl className="mt-1 flex flex-wrap gap-1 text-sm text-fg-muted">
                <dt>{t('youAreTerm')}</dt>
                <dd>{t(RELATIONSHIP[p.relationship])}</dd>
              </dl>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="access-heading" className={card}>
        <h2 id="access-heading" className="text-lg font-semibold">{t('accessHeading', { name: first })}</h2>
        <p className="mt-1 text-sm text-fg-muted">{t('accessIntro', { name: first })}</p>
        <ul className="mt-3 divide-y divide-line">
          {data.accounts.map((a, i) => (
            <li key={i} className="py-3">
              <p className="font-medium">
                {a.fullName}
                {a.isYou ? <span className="ml-2 text-sm font-normal text-fg-muted">{t('you')}</span> : null}
              </p>
              <dl className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-fg-muted">
                <div className="flex gap-1">
                  <dt>{t('relationshipTerm', { name: first })}</dt>
                  <dd>{t(RELATIONSHIP[a.relationship])}</dd>
                </div>
                <div className="flex gap-1">
                  <dt>{t('sinceTerm')}</dt>
                  <dd>{fmt.calendarDate(a.since.toISOString().slice(0, 10))}</dd>
                </div>
              </dl>
              <p className="mt-1 text-sm">{a.relationship === 'self' ? t('selfAccess', { name: first }) : t('linkedAccess', { name: first })}</p>
            </li>
          ))}
        </ul>
        <h3 className="mt-4 font-semibold">{t('canSeeHeading', { name: first })}</h3>
        <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
          {can.map((key) => <li key={key}>{t(key, { name: first })}</li>)}
        </ul>
        <p className="mt-3 text-sm text-fg-muted">{t('notesPrivate')}</p>
      </section>

      <section aria-labelledby="contacts-heading" className={card}>
        <h2 id="contacts-heading" className="text-lg font-semibold">{t('contactsHeading', { name: first })}</h2>
        <p className="mt-1 text-sm text-fg-muted">{t('contactsIntro', { name: first })}</p>
        {data.contacts.length === 0 ? (
          <p className="mt-3 text-sm">{t('contactsNone', { name: first })}</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {data.contacts.map((c) => (
              <li key={c.id} className="py-3">
                <p className="font-medium">{c.name}</p>
                <dl className="mt-1 flex flex-wrap gap-1 text-sm text-fg-muted">
                  <dt>{t('contactRelationshipTerm')}</dt>
                  <dd>{t(RELATIONSHIP[c.relationship])}</dd>
                </dl>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="documents-heading" className={card}>
        <h2 id="documents-heading" className="text-lg font-semibold">{t('documentsHeading')}</h2>
        <p className="mt-1 text-sm text-fg-muted">{t('documentsIntro', { name: first })}</p>
        {data.documents.length === 0 ? (
          <p className="mt-3 text-sm">{t('documentsNone')}</p>
        ) : (
          <ul className="mt-3 divide-y divide-line">
            {data.documents.map((doc) => (
              <li key={doc.id} className="flex flex-col gap-3 py-3 sm:flex-row sm:items-center sm:justify-between">
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
                  </dl>
                </div>
                <DocumentLinks id={doc.id} title={doc.title} contentType={doc.contentType} locale={locale} />
              </li>
            ))}
          </ul>
        )}
        <p className="mt-3">
          <Link href="/portal/documents" className="font-medium text-brand-accent underline underline-offset-2">{t('documentsMore')}</Link>
        </p>
      </section>
    </div>
  );
}
