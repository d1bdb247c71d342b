import type { AppointmentStatus } from '@/db/schema';

/** Colour only supports the text label (WCAG 1.4.1). */
export const STATUS_STYLE: Record<AppointmentStatus, string> = {
  booked: 'bg-sky-100 text-sky-900 border-sky-300',
  completed: 'bg-emerald-100 text-emerald-900 border-emerald-300',
  cancelled: 'bg-slate-200 text-slate-800 border-slate-300',
  no_show: 'bg-amber-100 text-amber-900 border-amber-300',
};
