import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ActivityDayGrid } from '@/components/clinic-forms/activities/activity-day-grid';
import { getDb } from '@/db/client';
import type { AssignmentStatus } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listPatientActivities } from '@/lib/clinic-forms/home-activities';
import { messagingZone } from '@/lib/conversations/staff-display';
import { formatters } from '@/lib/i18n/core';
import { getTenantProfile } from '@/lib/tenancy/request-tenant';

export const metadata: Metadata = { title: 'Activities' };

const STATUS: Record<AssignmentStatus, string> = {
  assigned: 'Not started',
  in_progress: 'In progress',
  submitted: 'Completed',
  reviewed: 'Completed',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** The chart's home activities (seed 003): each one the patient was given, and the days they marked done. */
export default async function PatientActivitiesTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const list = await listPatientActivities(getDb(), ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const profile = await getTenantProfile(ctx.tenant.id);
  const zone = messagingZone(profile ?? { locations: [] });
  const fmt = formatters('en');
  return (
    <section aria-labelledby="activities-heading" className="space-y-4">
      <div className="rounded-xl border border-line bg-surface p-5">
        <h2 id="activities-heading" className="text-lg font-semibold">Home activities</h2>
        <p className="mt-1 text-sm text-fg-muted">
          Exercises and instructions given to the patient, and the days the patient (or someone acting for them in the portal) marked done.
          Home activities are assigned from the Forms tab.
        </p>
      </div>
      {list.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line bg-surface p-5 text-sm text-fg-muted">No home activities have been assigned to this patient.</p>
      ) : (
        <ul className="space-y-4">
          {list.map((activity) => {
            const { plan } = activity;
            const rate = plan.daysSoFar > 0 ? Math.round((plan.daysDone / plan.daysSoFar) * 100) : 0;
            return (
              <li key={activity.assignmentId}>
                <article aria-labelledby={`activity-${activity.assignmentId}`} className="rounded-xl border border-line bg-surface p-5">
                  <h3 id={`activity-${activity.assignmentId}`} className="break-words font-semibold">
                    {activity.title}
                    <span className="ml-2 rounded-full bg-surface-muted px-2 py-0.5 text-xs font-medium text-fg">{STATUS[activity.status]}</span>
                  </h3>
                  <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
                    <div className="flex flex-wrap gap-x-1">
                      <dt className="text-fg-muted">Adherence:</dt>
                      <dd className="font-medium">
                        {plan.plannedDays ? `${plan.daysDone} of ${plan.plannedDays} days` : `${plan.daysDone} days`}
                        <span className="font-normal text-fg-muted"> ({plan.daysDone} of {plan.daysSoFar} days so far, {rate}%)</span>
                      </dd>
                    </div>
                    {activity.frequency ? (
                      <div className="flex flex-wrap gap-x-1">
                        <dt className="text-fg-muted">How often:</dt>
                        <dd>{activity.frequency}</dd>
                      </div>
                    ) : null}
                    <div className="flex flex-wrap gap-x-1">
                      <dt className="text-fg-muted">Plan:</dt>
                      <dd>{fmt.calendarDate(plan.start)}{plan.end ? ` to ${fmt.calendarDate(plan.end)}` : ' onwards (no set number of days)'}</dd>
                    </div>
                    <div className="flex flex-wrap gap-x-1">
                      <dt className="text-fg-muted">Last marked:</dt>
                      <dd>{activity.lastMarkedAt ? fmt.dateTime(activity.lastMarkedAt, zone) : 'Never'}</dd>
                    </div>
                  </dl>
                  <ActivityDayGrid days={plan.grid} label={`Days of “${activity.title}”`} />
                </article>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
