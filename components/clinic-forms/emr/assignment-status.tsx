import type { AssignmentSource, AssignmentStatus } from '@/db/schema';

// How an assignment's status and origin read in the EMR (chart tab, response page, overview).

const STATUS: Record<AssignmentStatus, { label: string; style: string }> = {
  assigned: { label: 'Assigned', style: 'bg-amber-100 text-amber-900' },
  in_progress: { label: 'In progress', style: 'bg-sky-100 text-sky-900' },
  submitted: { label: 'Submitted', style: 'bg-emerald-100 text-emerald-900' },
  reviewed: { label: 'Reviewed', style: 'bg-slate-200 text-slate-900' },
  cancelled: { label: 'Cancelled', style: 'bg-slate-200 text-slate-900' },
  expired: { label: 'Expired', style: 'bg-red-100 text-red-900' },
};

export const SOURCE_LABELS: Record<AssignmentSource, string> = {
  chart: 'From the chart',
  invite: 'With the portal invitation',
  booking: 'Required by a booked service',
  order: 'Required by an order',
};

export function AssignmentStatusBadge({ status }: { status: AssignmentStatus }) {
  const { label, style } = STATUS[status];
  return <span className={`inline-block rounded-full px-2.5 py-1 text-xs font-semibold ${style}`}>{label}</span>;
}
