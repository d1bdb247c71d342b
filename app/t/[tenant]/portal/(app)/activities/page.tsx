import type { Metadata } from 'next';
import Link from 'next/link';
import { EmptyState } from '@/components/portal/empty-state';
import { getDb } from '@/db/client';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { listPortalActivities } from '@/lib/clinic-forms/home-activities';
import { activities } from '@/lib/i18n/messages/activities';
import { getPortalI18n } from '@/lib/i18n/portal';
import { planText } from './plan-text';
import { Check } from 'lucide-react';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(activities);
  return { title: t('title') };
}

const rowLink = 'inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted';

/** Seed 003 "Home Activities": what the clinic gave the selected patient to do at home, and how far they got. */
export default async function PortalActivitiesPage() {
  const portal = await requirePortalPatient('forms');
  const { t, fmt } = await getPortalI18n(activities);
  const list = await listPortalActivities(getDb(), portal);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">
          {portal.patient.relationship === 'self' ? t('introSelf') : t('introOther', { name: portal.patient.firstName })}
        </p>
      </div>
      {list.length === 0 ? (
        <EmptyState title={t('noneTitle')}>{t('noneBody')}</EmptyState>
      ) : (
        <ul className="space-y-3">
          {list.map((activity) => {
            const words = planText(activity, t, fmt);
            return (
              <li key={activity.assignmentId}>
                <article aria-labelledby={`activity-${activity.assignmentId}`} className="rounded-xl border border-line bg-surface p-4">
                  <h2 id={`activity-${activity.assignmentId}`} className="break-words text-lg font-semibold">{activity.title}</h2>
                  <dl className="mt-2 grid gap-1 text-sm">
                    {activity.frequency ? (
                      <div className="flex flex-wrap gap-x-1">
                        <dt className="text-fg-muted">{t('frequencyTerm')}</dt>
                        <dd>{activity.frequency}</dd>
                      </div>
                    ) : null}
                    <div className="flex flex-wrap gap-x-1">
                      <dt className="text-fg-muted">{t('planTerm')}</dt>
                      <dd>{words.dates}</dd>
                    </div>
                    <div className="flex flex-wrap gap-x-1">
                      <dt className="text-fg-muted">{t('progressTerm')}</dt>
                      <dd>{words.progress}</dd>
                    </div>
                    {activity.plan.todayMarkable ? (
                      <div className="flex flex-wrap gap-x-1">
                        <dt className="text-fg-muted">{t('todayTerm')}</dt>
                        <dd className={activity.plan.todayDone ? 'font-medium' : undefined}>
                          {activity.plan.todayDone ? <><Check aria-hidden className="inline size-4 align-[-0.125em]" />{' '}{t('todayDone')}</> : t('todayNotYet')}
                        </dd>
                      </div>
                    ) : null}
                  </dl>
                  {words.closed ? <p className="mt-2 text-sm text-fg-muted">{words.closed}</p> : null}
                  <div className="mt-3">
                    <Link href={`/portal/activities/${activity.assignmentId}`} className={rowLink} aria-label={t('openLabel', { title: activity.title })}>
                      {t('open')}
                    </Link>
                  </div>
                </article>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
