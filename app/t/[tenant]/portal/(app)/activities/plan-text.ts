import 'server-only';
import type { ActivitySummary } from '@/lib/clinic-forms/home-activities';
import type { Formatters, Translate } from '@/lib/i18n/core';
import type { activities } from '@/lib/i18n/messages/activities';

type ActivitiesT = Translate<(typeof activities)['en']>;

/** The words the list and the activity page both show about an activity's plan and progress. */
export function planText(activity: ActivitySummary, t: ActivitiesT, fmt: Formatters) {
  const { plan } = activity;
  return {
    dates: plan.end
      ? t('planDates', { start: fmt.calendarDate(plan.start), end: fmt.calendarDate(plan.end) })
      : t('planFrom', { start: fmt.calendarDate(plan.start) }),
    progress: plan.plannedDays ? t('progress', { done: plan.daysDone, planned: plan.plannedDays }) : t('progressOpen', { done: plan.daysDone }),
    /** Why days can no longer be marked, if they cannot. */
    closed: activity.status === 'assigned' || activity.status === 'in_progress'
      ? (plan.end !== null && plan.end < plan.today ? t('statusEnded') : null)
      : t('statusClosed'),
  };
}
