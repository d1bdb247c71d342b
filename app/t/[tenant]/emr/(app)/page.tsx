import type { Metadata } from 'next';
import { FormsCard, MessagesCard, RegistrationsCard, TasksCard } from '@/components/staff-home/emr-sections';
import { TodaySchedule } from '@/components/staff-home/today-schedule';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { loadEmrOverview } from '@/lib/staff-home/emr-overview';
import { readHomeScheduleChoice } from '@/lib/staff-home/home-location';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { chooseHomeScheduleAction } from './actions';

export const metadata: Metadata = { title: 'EMR' };

/**
 * The EMR's first page: the day ahead for the person signed in. Each section shows only when their
 * access level opens its page, and links there.
 */
export default async function Home({ params, searchParams }: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { profile } = await getPageTenant(params);
  const staff = await requireStaff('emr');
  const choice = await readHomeScheduleChoice((await searchParams).schedule);
  const overview = await loadEmrOverview(getDb(), staff, choice);
  const can = (p: Parameters<typeof staff.actor.permissions.has>[0]) => staff.actor.permissions.has(p);
  const cards = [
    overview.messages ? <MessagesCard key="messages" messages={overview.messages} timeZone={overview.timeZone} /> : null,
    overview.forms ? <FormsCard key="forms" forms={overview.forms} timeZone={overview.timeZone} canReadAnswers={can('documents.view')} /> : null,
    overview.tasks ? <TasksCard key="tasks" tasks={overview.tasks} /> : null,
    overview.registrations ? <RegistrationsCard key="registrations" waiting={overview.registrations.waiting} /> : null,
  ].filter(Boolean);
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Welcome, {staff.actor.fullName}</h1>
        <p className="mt-1 text-fg-muted">
          {profile.branding.displayName} EMR · signed in as {staff.actor.accessLevelName}.
        </p>
      </header>
      {overview.schedule ? (
        <TodaySchedule schedule={overview.schedule} staffId={staff.actor.id} canBook={can('schedule.manage')} chooseAction={chooseHomeScheduleAction} />
      ) : null}
      {cards.length > 0 ? <div className="grid gap-6 lg:grid-cols-2">{cards}</div> : null}
      {!overview.schedule && cards.length === 0 ? (
        <p className="rounded-xl border border-line bg-surface p-5">Your access level opens no work lists here: the sections you may use are in the menu.</p>
      ) : null}
    </div>
  );
}
