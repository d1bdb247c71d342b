import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { formatDay, zoneAbbreviation } from '@/lib/scheduling/schedule-format';
import { ScheduleBoard } from '@/components/emr/schedule/schedule-board';
import { ScheduleCalendar } from '@/components/emr/schedule/schedule-grid';
import { ScheduleToolbar } from '@/components/emr/schedule/schedule-toolbar';
import { requireStaff } from '@/lib/auth/staff-session';
import { now } from '@/lib/clock';
import { loadSchedule, parseScheduleParams } from '@/lib/scheduling/schedule-view';
import { moveAppointmentAction, moveTimesCall } from './actions';

export const metadata: Metadata = { title: 'Schedule' };

const NOTICES = {
  booked: 'Visit booked. The patient is notified.',
  rescheduled: 'Visit moved. The patient is notified of the new time.',
  cancelled: 'Visit cancelled. The patient is notified.',
  completed: 'Visit marked completed.',
  no_show: 'Visit marked no-show.',
} as const;

export default async function SchedulePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'schedule.view');
  const params = parseScheduleParams(await searchParams);
  const view = await loadSchedule(getDb(), ctx, params);
  const canManage = ctx.actor.permissions.has('schedule.manage');
  const subject = view.location?.name ?? view.provider?.name ?? 'No locations or providers yet';
  const range = view.view === 'day' ? formatDay(view.date) : `Week of ${formatDay(view.days[0]!)}`;
  const bookHref = `/emr/schedule/book?${new URLSearchParams({ ...(view.location ? { location: view.location.id } : {}), day: view.date })}`;
  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Schedule</h1>
          <p className="text-fg-muted">
            <span className="font-medium text-fg">{subject}</span> · {range}
          </p>
          <p className="text-sm text-fg-muted">
            Times in {view.timeZone.replace(/_/g, ' ')} ({zoneAbbreviation(view.from, view.timeZone)}){view.by === 'provider' ? '; each visit shows its location’s zone' : ''}.
          </p>
        </div>
        {canManage ? (
          <Link href={bookHref} className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
            Book a visit
          </Link>
        ) : null}
      </header>
      {params.notice ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{NOTICES[params.notice]}</p> : null}
      <ScheduleToolbar view={view} />
      <p className="text-sm text-fg-muted">
        White: working hours. Grey: outside hours. Hatched: time off. Red line: now.
        {canManage ? ' Choose a free time to book it. Drag a visit to move it, or use its Move button.' : ''}
      </p>
      {canManage ? (
        <ScheduleBoard moveAction={moveAppointmentAction} timesAction={moveTimesCall}>
          <ScheduleCalendar view={view} canManage now={now()} />
        </ScheduleBoard>
      ) : <ScheduleCalendar view={view} canManage={false} now={now()} />}
    </div>
  );
}
