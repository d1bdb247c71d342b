import type { AppointmentStatus } from '@/db/schema';
import type { Locale } from '@/lib/i18n/core';
import { visitStatusLabel } from '@/lib/scheduling/visit-display';

// Text carries the meaning; the colour only supports it (WCAG 1.4.1). All pairs meet 4.5:1.
const TONES: Record<AppointmentStatus, string> = {
  booked: 'border-line bg-brand-soft text-fg',
  completed: 'tone-good',
  no_show: 'tone-wait',
  cancelled: 'border-line bg-surface-muted text-fg',
};

/** A visit's status in words; `moved` names a visit a reschedule cancelled "Moved", not "Cancelled". */
export function VisitStatusBadge({ status, endsAt, at, locale, moved = false }: { status: AppointmentStatus; endsAt: Date; at: Date; locale: Locale; moved?: boolean }) {
  return (
    <span className={`pill ${TONES[status]}`}>
      {visitStatusLabel({ status, endsAt, moved }, at, locale)}
    </span>
  );
}
