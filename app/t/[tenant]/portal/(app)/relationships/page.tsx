import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DocumentLinks } from '@/components/portal/document-links';
import { formatCalendarDate } from '@/components/portal/format-date';
import { ProxyDecisionForm } from '@/components/portal/proxy-decision-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import type { Translate } from '@/lib/i18n/core';
import { notesRelationships } from '@/lib/i18n/messages/notes-relationships';
import { getPortalI18n } from '@/lib/i18n/portal';
import { loadPortalRelationships } from '@/lib/patient-notes/relationships';
import type { ProxyDecision } from '@/lib/portal-access/proxy-decision-schema';
import { PORTAL_AREAS, type PortalArea, type ScopeReason } from '@/lib/portal-access/proxy-scope';
import { decideProxyAccessAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(notesRelationships);
  return { title: t('title') };
}

const RELATIONSHIP = {
  self: 'relSelf', parent: 'relParent', guardian: 'relGuardian', caregiver: 'relCaregiver', spouse: 'relSpouse', child: 'relChild', other: 'relOther',
} as const;

const AREA = {
  bookings: 'areaBookings', messages: 'areaMessages', billing: 'areaBilling', documents: 'areaDocuments', forms: 'areaForms',
  orders: 'areaOrders', records: 'areaRecords', access_log: 'areaAccessLog', export: 'areaExport',
} as const satisfies Record<PortalArea, string>;

const DECISION = {
  'teen-consent': 'teenConsent', 'teen-withdraw': 'teenWithdraw', 'adult-grant': 'adultGrant', 'adult-withdraw': 'adultWithdraw',
} as const satisfies Record<ProxyDecision, string>;

const card = 'rounded-xl border border-line bg-surface p-4 sm:p-5';

type T = Translate<typeof notesRelationships.en>;

/** "appointments, messages, bills and payments" in the account's language; everything / nothing in a word. */
function areasText(t: T, areas: readonly PortalArea[], reason: ScopeReason): string {
  if (areas.length === 0) return t('nothingNow');
  if (reason === 'self' || PORTAL_AREAS.every((a) => areas.includes(a))) return t('everything');
  return PORTAL_AREAS.filter((a) => areas.includes(a)).map((a) => t(AREA[a])).join(', ');
}

/** Why a link opens less than it was given, or nothing, today; null when it opens what it was given. */
function reasonText(
  t: T,
  fmtDate: (iso: string) => string,
  link: { scopeReason: ScopeReason; startsOn: string | null; endsOn: string | null },
  patient: { firstName: string; age: number; adultAge: number },
): string | null {
  switch (link.scopeReason) {
    case 'teen_limited': return t('reasonTeenLimited', { name: patient.firstName, age: patient.age });
    case 'adult_ended': return t('reasonAdultEnded', { name: patient.firstName, age: patient.adultAge });
    case 'not_started': return link.startsOn ? t('reasonNotStarted', { date: fmtDate(link.startsOn) }) : null;
    case 'ended': return link.endsOn ? t('reasonEnded', { date: fmtDate(link.endsOn) }) : null;
    default: return null;
  }
}

/**
 * Seed 002 "My relationships" with issue 19's proxy scopes: whom the account acts for and what it
 * can use of each today (and why not more), who has portal access to the patient in the session
 * and what each can use, the patient's own decisions under the clinic's age rules, the contacts
 * on the record, and the documents the viewer can see.
 */
export default async function RelationshipsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const portal = await requirePortalPatient();
  const { t, fmt, locale } = await getPortalI18n(notesRelationships);
  const data = await loadPortalRelationships(getDb(), portal).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const notice = (await searchParams).done === 'decision' ? t('decisionSaved') : null;
  const name = `${portal.patient.firstName} ${portal.patient.lastName}`;
  const first = portal.patient.firstName;
  const fmtDate = (iso: string) => fmt.calendarDate(iso);
  const own = data.patient;
  const hasProxies = data.accounts.some((a) => a.relationship !== 'self');
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{t('intro', { name })}</p>
      </div>
      {notice ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{notice}</p> : null}

      <section aria-labelledby="acts-for-heading" className={card}>
        <h2 id="acts-for-heading" className="text-lg font-semibold">{t('actsForHeading')}</h2>
        <p className="mt-1 text-sm text-fg-muted">{t('actsForIntro')}</p>
        <ul className="mt-3 divide-y divide-line">
          {data.actsFor.map((p) => {
            const why = reasonText(t, fmtDate, p, { firstName: p.firstName, age: p.age, adultAge: own.rules.adultAge });
            return (
              <li key={p.id} className="py-3">
                <p className="font-medium">
                  {p.firstName} {p.lastName}
                  {p.selected ? <span className="ml-2 text-sm font-normal text-fg-muted">({t('actsForCurrent')})</span> : null}
                </p>
                <dl className="mt-1 space-y-1 text-sm text-fg-muted">
                  <div className="flex flex-wrap gap-1">
                    <dt>{t('youAreTerm')}</dt>
                    <dd>{t(RELATIONSHIP[p.relationship])}</dd>
                  </div>
                  <div className="flex flex-wrap gap-1">
                    <dt>{t('yourAccessTerm')}</dt>
                    <dd className="text-fg">{areasText(t, p.areas, p.scopeReason)}</dd>
                  </div>
                </dl>
                {why ? <p className="mt-1 text-sm">{why}</p> : null}
                {p.areas.length === 0 ? <p className="mt-1 text-sm text-fg-muted">{t('reasonNotShown', { name: p.firstName })}</p> : null}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="access-heading" className={card}>
        <h2 id="access-heading" className="text-lg font-semibold">{t('accessHeading', { name: first })}</h2>
        <p className="mt-1 text-sm text-fg-muted">{t('accessIntro', { name: first })}</p>
        {own.isOwnRecord && hasProxies && own.stage === 'teen' ? <p className="mt-2 text-sm">{t('teenIntro', { age: own.age })}</p> : null}
        {own.isOwnRecord && hasProxies && own.stage === 'adult' ? <p className="mt-2 text-sm">{t('adultIntro', { age: own.age, adultAge: own.rules.adultAge })}</p> : null}
        <ul className="mt-3 divide-y divide-line">
          {data.accounts.map((a, i) => {
            const why = reasonText(t, fmtDate, a, { firstName: first, age: own.age, adultAge: own.rules.adultAge });
            return (
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
                {a.relationship === 'self' ? (
                  <p className="mt-1 text-sm">{t('selfAccess', { name: first })}</p>
                ) : (
                  <p className="mt-1 text-sm">
                    <span className="text-fg-muted">{t('canUseTerm')}</span> {areasText(t, a.areas, a.scopeReason)}
                  </p>
                )}
                {why ? <p className="mt-1 text-sm">{why}</p> : null}
                {a.teenConsentAt && own.stage === 'teen' ? <p className="mt-1 text-sm text-fg-muted">{t('teenConsentedOn', { date: fmt.calendarDate(a.teenConsentAt.toISOString().slice(0, 10)) })}</p> : null}
                {a.adultGrantAt && own.stage === 'adult' ? <p className="mt-1 text-sm text-fg-muted">{t('adultGrantedOn', { date: fmt.calendarDate(a.adultGrantAt.toISOString().slice(0, 10)) })}</p> : null}
                {a.decision && a.accountId ? (
                  <ProxyDecisionForm
                    action={decideProxyAccessAction}
                    accountId={a.accountId}
                    decision={a.decision}
                    label={t(DECISION[a.decision], { name: a.fullName })}
                    pendingLabel={t('decisionSaving')}
                  />
                ) : null}
              </li>
            );
          })}
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

      {data.canSeeDocuments ? (
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
            <Link href="/portal/documents" className="link">{t('documentsMore')}</Link>
          </p>
        </section>
      ) : null}
    </div>
  );
}
