import { formatDay } from '@/lib/scheduling/schedule-format';
import type { ScheduleView } from '@/lib/scheduling/schedule-view';
import { AppointmentCard } from './appointment-card';

function Empty({ text }: { text: string }) {
  return <p className="rounded-lg border border-dashed border-line p-3 text-sm text-fg-muted">{text}</p>;
}

/** Day: an agenda per provider (by location) or per location (by provider), side by side on wide screens. */
export function DayView({ view, canManage }: { view: ScheduleView; canManage: boolean }) {
  const byLocation = view.by === 'location';
  if (view.columns.length === 0) {
    return <Empty text={byLocation ? 'No provider works here this day and no visits are booked.' : 'This provider has no hours and no visits this day.'} />;
  }
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
      {view.columns.map((column) => {
        const visits = view.appointments.filter((a) => (byLocation ? a.provider.id : a.location.id) === column.id);
        const headingId = `column-${column.id}`;
        return (
          <section key={column.id} aria-labelledby={headingId} data-testid="schedule-column" className="rounded-xl border border-line bg-surface-muted p-3">
            <h2 id={headingId} className="mb-2 font-semibold">
              {column.name} <span className="text-sm font-normal text-fg-muted">({visits.length} {visits.length === 1 ? 'visit' : 'visits'})</span>
            </h2>
            {visits.length === 0 ? <Empty text="No visits." /> : (
              <ol className="space-y-2">
                {visits.map((a) => (
                  <li key={a.id}><AppointmentCard appointment={a} canManage={canManage} show={{ provider: !byLocation, location: false }} /></li>
                ))}
              </ol>
            )}
          </section>
        );
      })}
    </div>
  );
}

/** Week: seven day columns, Monday first. */
export function WeekView({ view, canManage }: { view: ScheduleView; canManage: boolean }) {
  const byLocation = view.by === 'location';
  return (
    <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4 xl:grid-cols-7">
      {view.days.map((day) => {
        const visits = view.appointments.filter((a) => a.date === day);
        const headingId = `day-${day}`;
        return (
          <section key={day} aria-labelledby={headingId} data-testid="schedule-day" data-date={day}
            className={`min-w-0 rounded-xl border bg-surface-muted p-2 ${day === view.today ? 'border-brand-accent border-2' : 'border-line'}`}>
            <h2 id={headingId} className="mb-2 text-sm font-semibold">
              {formatDay(day, 'short')}
              {day === view.today ? <span className="ml-1 rounded bg-brand px-1.5 text-xs text-brand-contrast">Today</span> : null}
            </h2>
            {visits.length === 0 ? <p className="text-sm text-fg-muted">No visits.</p> : (
              <ol className="space-y-2">
                {visits.map((a) => (
                  <li key={a.id}><AppointmentCard appointment={a} canManage={canManage} show={{ provider: byLocation, location: !byLocation }} /></li>
                ))}
              </ol>
            )}
          </section>
        );
      })}
    </div>
  );
}
