import Link from 'next/link';
import type { ScheduleAppointment } from '@/lib/scheduling/schedule-view';
import { formatTime, visitStatusText, zoneAbbreviation } from '@/lib/scheduling/schedule-format';
import { STATUS_STYLE } from './status-style';

/** One visit: time in its location's zone (named), patient linked to the chart, status as text. */
export function AppointmentCard({ appointment: a, show, canManage }: {
  appointment: ScheduleAppointment;
  /** What the column does not already say. */
  show: { provider: boolean; location: boolean };
  canManage: boolean;
}) {
  const zone = a.location.timeZone;
  const time = `${formatTime(a.startsAt, zone)} – ${formatTime(a.endsAt, zone)} ${zoneAbbreviation(a.startsAt, zone)}`;
  const inactive = a.status === 'cancelled';
  const status = visitStatusText(a);
  return (
    <article
      data-testid="schedule-appointment"
      data-patient={a.patient.name}
      data-status={a.status}
      aria-label={`${time}, ${a.patient.name}, ${status}`}
      className="rounded-lg border border-line bg-surface p-3 text-sm shadow-sm"
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <p className={`font-semibold ${inactive ? 'line-through decoration-1' : ''}`}>{time}</p>
        <span className={`rounded-full border px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[a.status]}`}>{status}</span>
      </div>
      <p className="mt-1">
        <Link href={`/emr/patients/${a.patient.id}`} className="font-medium text-brand-accent underline underline-offset-2">
          {a.patient.name}
        </Link>{' '}
        <span className="font-mono text-xs text-fg-muted">{a.patient.recordNumber}</span>
      </p>
      <p className="text-fg-muted">
        {a.service.name}
        {show.provider ? ` · ${a.provider.name}` : ''}
        {show.location ? ` · ${a.location.name}` : ''}
      </p>
      {a.cancelReason ? <p className="text-fg-muted">Reason: {a.cancelReason}</p> : null}
      {canManage && a.status === 'booked' ? (
        <Link
          href={`/emr/schedule/appointments/${a.id}`}
          aria-label={`Manage visit: ${a.patient.name}, ${time}`}
          className="mt-2 inline-flex min-h-11 items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent"
        >
          Manage
        </Link>
      ) : null}
    </article>
  );
}
