import type { AppointmentStatus } from '@/db/schema';
import type { Locale } from '@/lib/i18n/core';
import { visitStatusLabel } from '@/lib/scheduling/visit-display';

// Text carries the meaning; the colour only supports it (WCAG 1.4.1). All pairs meet 4.5:1.
const TONES: Record<AppointmentStatus, string> = {
  booked: 'border-line bg-brand-soft text-fg',
  completed: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  no_show: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  cancelled: 'border-line bg-surface-muted text-fg',
};

/** A visit's status in words; `moved` names a visit a reschedule cancelled "Moved", not "Cancelled". */
export function VisitStatusBadge({ status, endsAt, at, locale, moved = false }: { status: AppointmentStatus; endsAt: Date; at: Date; locale: Locale; moved?: boolean }) {
  return (
    <span className={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-sm font-medium ${TONES[status]}`}>
      {visitStatusLabel({ status, endsAt, moved }, at, locale)}
    </span>
  );
}
