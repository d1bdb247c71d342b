import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ActivityContent } from '@/components/clinic-forms/activities/activity-content';
import { MarkDayForm } from '@/components/clinic-forms/activities/mark-day-form';
import { PrintButton } from '@/components/clinic-forms/activities/print-button';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { CHECKLIST_DAYS } from '@/lib/clinic-forms/activity-plan';
import { getActivity } from '@/lib/clinic-forms/home-activities';
import { activities } from '@/lib/i18n/messages/activities';
import { getPortalI18n } from '@/lib/i18n/portal';
import { markActivityDayAction } from '../actions';
import { planText } from '../plan-text';
import { Check, Square, SquareCheck } from 'lucide-react';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(activities);
  return { title: t('title') };
}

const ERROR_KEYS = ['activityNotFound', 'errDay'] as const;

/**
 * One home activity: the clinic's text (printable), how often, and the checklist of days. Marking
 * a day is a plain form per day, so it works without JavaScript. Any id that is not one of the
 * selected patient's activities is a 404.
 */
export default async function PortalActivityPage({ params }: { params: Promise<{ id: string }> }) {
  const portal = await requirePortalPatient('forms');
  const { t, fmt } = await getPortalI18n(activities);
  const { id } = await params;
  const activity = await getActivity(getDb(), portal, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const words = planText(activity, t, fmt);
  const errors = Object.fromEntries(ERROR_KEYS.map((key) => [key, t(key)]));
  const { plan } = activity;
  const form = { action: markActivityDayAction, assignmentId: activity.assignmentId, pendingLabel: t('saving'), errors };
  return (
    <article aria-labelledby="activity-title" className="mx-auto max-w-2xl space-y-6">
      <Link href="/portal/activities" className="inline-flex min-h-11 items-center link print:hidden">
        {t('backToActivities')}
      </Link>
      <header className="space-y-2">
        <h1 id="activity-title" className="break-words text-2xl font-semibold">{activity.title}</h1>
        {activity.description ? <p className="whitespace-pre-wrap break-words text-fg-muted">{activity.description}</p> : null}
        <dl className="grid gap-1">
          {activity.frequency ? (
            <div className="flex flex-wrap gap-x-1">
              <dt className="text-fg-muted">{t('frequencyTerm')}</dt>
              <dd className="font-medium">{activity.frequency}</dd>
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
        </dl>
        {words.closed ? <p className="rounded-lg border border-line bg-surface-muted px-3 py-2 text-sm">{words.closed}</p> : null}
      </header>

      {plan.todayMarkable ? (
        <section aria-labelledby="today-heading" className="rounded-xl border border-line bg-surface p-4 print:hidden">
          <h2 id="today-heading" className="text-lg font-semibold">{t('markTodayHeading')}</h2>
          {/* One form whichever way today stands, so the button keeps the focus after it is pressed. */}
          <div className="mt-3 space-y-2">
            {plan.todayDone ? <p className="font-medium"><Check aria-hidden className="inline size-4 align-[-0.125em]" />{' '}{t('todayMarked')}</p> : null}
            <MarkDayForm
              {...form} day={plan.today} done={!plan.todayDone}
              label={plan.todayDone ? t('undoToday') : t('markToday')} variant={plan.todayDone ? 'secondary' : 'primary'}
            />
          </div>
        </section>
      ) : null}

      {activity.message ? (
        <section aria-labelledby="message-heading" className="rounded-xl border border-line bg-brand-soft p-4">
          <h2 id="message-heading" className="font-semibold">{t('messageHeading')}</h2>
          <p className="mt-1 whitespace-pre-wrap break-words">{activity.message}</p>
        </section>
      ) : null}

      <section aria-labelledby="instructions-heading" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="instructions-heading" className="text-xl font-semibold">{t('instructionsHeading')}</h2>
          <PrintButton label={t('print')} />
        </div>
        <ActivityContent
          fields={activity.fields}
          words={{ watchVideoOn: t('watchVideoOn'), opensNewTab: t('opensNewTab') }}
        />
      </section>

      {activity.checklist.length > 0 ? (
        <section aria-labelledby="checklist-heading" className="space-y-3 print:break-inside-avoid">
          <h2 id="checklist-heading" className="text-xl font-semibold">{t('checklistHeading')}</h2>
          <p className="text-sm text-fg-muted print:hidden">{t('checklistIntro', { count: CHECKLIST_DAYS })}</p>
          <ul className="divide-y divide-line rounded-xl border border-line bg-surface">
            {activity.checklist.map((day) => {
              const label = fmt.calendarDay(day.day);
              return (
                <li key={day.day} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
                  <p className="min-w-0">
                    {day.done ? <SquareCheck aria-hidden className="mr-2 inline size-5 align-[-0.25em]" /> : <Square aria-hidden className="mr-2 inline size-5 align-[-0.25em]" />}
                    <span className="font-medium">{label}</span>
                    <span className="text-fg-muted"> — {day.done ? t('dayDone') : t('dayNotDone')}</span>
                  </p>
                  <MarkDayForm
                    {...form} day={day.day} done={!day.done}
                    label={day.done ? t('undoDay') : t('markDay')}
                    accessibleLabel={day.done ? t('undoDayLabel', { day: label }) : t('markDayLabel', { day: label })}
                  />
                </li>
              );
            })}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
