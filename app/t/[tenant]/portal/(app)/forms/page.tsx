import type { Metadata } from 'next';
import Link from 'next/link';
import { DocumentLinks } from '@/components/portal/document-links';
import { EmptyState } from '@/components/portal/empty-state';
import { formatCalendarDate } from '@/components/portal/format-date';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalForms, type PortalFormItem } from '@/lib/clinic-forms/responses';
import { formatters } from '@/lib/i18n/core';
import { forms as messages } from '@/lib/i18n/messages/forms';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(messages);
  return { title: t('title') };
}

/** Issue 15 point 5: the selected patient's forms — what is due, and what was sent. */
export default async function PortalFormsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalPatient('forms');
  const { t, locale } = await getPortalI18n(messages);
  const { patient } = portal;
  const { open, completed } = await listPortalForms(getDb(), portal);
  const zone = portal.account.timeZone ?? profile.locations[0]?.timeZone ?? 'UTC';
  const statusLabel = (item: PortalFormItem) =>
    ({ assigned: t('statusAssigned'), in_progress: t('statusInProgress'), submitted: t('statusSubmitted'), reviewed: t('statusReviewed') })[item.status as 'assigned'] ?? '';
  return (
    <div className="mx-auto max-w-3xl space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">
          {patient.relationship === 'self' ? t('intro') : t('introOther', { name: `${patient.firstName} ${patient.lastName}` })}
        </p>
      </div>

      <section aria-labelledby="open-forms" className="space-y-3">
        <h2 id="open-forms" className="text-lg font-semibold">{t('openHeading')}</h2>
        {open.length === 0 ? (
          <EmptyState title={t('noOpen')} />
        ) : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {open.map((item) => {
              const started = item.status === 'in_progress';
              return (
                <li key={item.assignmentId} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
                  <div>
                    <p className="font-medium">{item.title}</p>
                    <p className="text-sm text-fg-muted">
                      {item.dueOn ? t('due', { date: formatCalendarDate(item.dueOn, locale) }) : t('noDueDate')} · {statusLabel(item)}
                    </p>
                  </div>
                  <Link
                    href={`/portal/forms/${item.assignmentId}`}
                    aria-label={started ? t('continueLabel', { title: item.title }) : t('startLabel', { title: item.title })}
                    className="inline-flex min-h-11 items-center justify-center rounded-lg bg-brand px-4 py-2 text-base font-semibold text-brand-contrast"
                  >
                    {started ? t('continue') : t('start')}
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <section aria-labelledby="completed-forms" className="space-y-3">
        <h2 id="completed-forms" className="text-lg font-semibold">{t('completedHeading')}</h2>
        {completed.length === 0 ? (
          <EmptyState title={t('noCompleted')} />
        ) : (
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {completed.map((item) => (
              <li key={item.assignmentId} className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:justify-between">
                <div>
                  <p className="font-medium">{item.title}</p>
                  <p className="text-sm text-fg-muted">
                    {item.submittedAt ? t('submittedOn', { date: formatters(locale).dateTime(item.submittedAt, zone) }) : statusLabel(item)}
                    {item.status === 'reviewed' ? ` · ${statusLabel(item)}` : null}
                  </p>
                </div>
                {item.documentId ? (
                  <DocumentLinks id={item.documentId} title={item.title} contentType="application/pdf" locale={locale} />
                ) : (
                  <p className="text-sm text-fg-muted">{t('pdfPending')}</p>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
