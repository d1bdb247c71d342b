import Link from 'next/link';
import { Ban, CheckCheck, CircleCheck, UserX } from 'lucide-react';
import { CANCELLED_COLOUR, serviceColour } from '@/lib/scheduling/calendar-colours';
import type { ScheduleAppointment } from '@/lib/scheduling/schedule-view';
import { formatTime, visitStatusText, zoneAbbreviation } from '@/lib/scheduling/schedule-format';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { MoveButton } from './schedule-board';
import { STATUS_STYLE } from './status-style';

const STATUS_ICON = { completed: CircleCheck, cancelled: Ban, no_show: UserX, confirmed: CheckCheck } as const;

/**
 * One visit on the calendar: time in its location's zone (named), status in words with an icon,
 * the patient linked to the chart, and, for staff who manage the schedule, the time as the link to
 * the visit's page (Manage) and a Move button.
 * Coloured by service; a cancelled visit is grey, dashed and struck through. A short visit shows
 * what does not fit when hovered or focused (the block grows, see calendar-view.tsx).
 */
export function AppointmentCard({ appointment: a, show, canManage, viewZone }: {
  appointment: ScheduleAppointment;
  /** What the column does not already say. */
  show: { provider: boolean; location: boolean };
  canManage: boolean;
  /** The zone the page names: the block names its zone only when it differs (the names always do). */
  viewZone?: string;
}) {
  const zone = a.location.timeZone;
  const hours = `${formatTime(a.startsAt, zone)} – ${formatTime(a.endsAt, zone)}`;
  const time = `${hours} ${zoneAbbreviation(a.startsAt, zone)}`;
  const cancelled = a.status === 'cancelled';
  const status = visitStatusText(a);
  const iconKey = a.status === 'booked' ? (a.confirmedAt ? 'confirmed' : null) : a.status;
  const Icon = iconKey ? STATUS_ICON[iconKey] : null;
  const movable = canManage && a.status === 'booked';
  return (
    <article
      data-testid="schedule-appointment"
      data-patient={a.patient.name}
      data-status={a.status}
      aria-label={`${time}, ${a.patient.name}, ${status}`}
      className={`h-full overflow-hidden rounded-md border border-l-4 px-1.5 py-0.5 text-xs leading-4 shadow-sm ${cancelled ? CANCELLED_COLOUR : serviceColour(a.service.id)}`}
    >
      <p className="flex flex-wrap items-start justify-between gap-x-1">
        {movable ? (
          // The time opens the visit's page: the first line is always drawn, however short the visit.
          <Link
            href={`/emr/schedule/appointments/${a.id}`}
            aria-label={`Manage visit: ${a.patient.name}, ${time}`}
            draggable={false}
            className="inline-flex min-h-6 items-center font-semibold underline decoration-dotted underline-offset-2 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent"
          >
            {zone === viewZone ? hours : time}
          </Link>
        ) : (
          <span className={`font-semibold ${cancelled ? 'line-through decoration-1' : ''}`}>{zone === viewZone ? hours : time}</span>
        )}
        <span className={`inline-flex items-center gap-0.5 rounded-full border px-1 font-semibold ${STATUS_STYLE[a.status]}`}>
          {Icon ? <Icon aria-hidden="true" className="size-3" /> : null}
          <span>{status}</span>
        </span>
      </p>
      <p>
        <Link href={`/emr/patients/${a.patient.id}`} draggable={false} className="font-medium underline underline-offset-2">
          {a.patient.name}
        </Link>{' '}
        <span className="font-mono">{a.patient.recordNumber}</span>
      </p>
      <p>
        {a.service.name}
        {show.provider ? ` · ${a.provider.name}` : ''}
        {show.location ? ` · ${a.location.name}` : ''}
      </p>
      {a.moved ? (
        <p>
          Moved{a.movedTo ? <>: <Link href={`/emr/schedule/appointments/${a.movedTo.id}`} draggable={false} className="underline underline-offset-2">the new visit</Link></> : null}
        </p>
      ) : a.cancelReason ? <p>Reason: {a.cancelReason}</p> : null}
      {movable ? (
        <p className="mt-0.5">
          <MoveButton visit={{ appointmentId: a.id, patient: a.patient.name, when: time, providerId: a.provider.id, day: zonedDate(a.startsAt, zone) }} />
        </p>
      ) : null}
    </article>
  );
}
