import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatVisitTime, listPatientAppointments, type ChartAppointment } from '@/lib/scheduling/patient-appointments';

export const metadata: Metadata = { title: 'Appointments' };

const STATUS: Record<ChartAppointment['status'], { label: string; style: string }> = {
  booked: { label: 'Booked', style: 'bg-sky-100 text-sky-900' },
  completed: { label: 'Completed', style: 'bg-emerald-100 text-emerald-900' },
  cancelled: { label: 'Cancelled', style: 'bg-slate-200 text-slate-800' },
  no_show: { label: 'No-show', style: 'bg-amber-100 text-amber-900' },
};

function VisitList({ visits, empty }: { visits: ChartAppointment[]; empty: string }) {
  if (visits.length === 0) return <p className="px-5 pb-5 text-sm text-fg-muted">{empty}</p>;
  return (
    <ul className="divide-y divide-line">
      {visits.map((v) => (
        <li key={v.id} className="flex flex-wrap items-start justify-between gap-3 px-5 py-3">
          <div>
            <p className="font-medium">{formatVisitTime(v.startsAt, v.timeZone)}</p>
            <p className="text-sm text-fg-muted">{v.service} with {v.provider} · {v.location}</p>
            <ChangeNote visit={v} />
          </div>
          <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS[v.status].style}`}>
            {v.change?.kind === 'moved' ? 'Moved' : STATUS[v.status].label}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A moved visit names its new time (a link to it); a cancelled one the reason given. Visits moved before the link was kept say only "Moved". */
function ChangeNote({ visit }: { visit: ChartAppointment }) {
  const change = visit.change;
  if (change?.kind === 'cancelled' && change.reason) return <p className="text-sm text-fg-muted">Reason: {change.reason}</p>;
  if (change?.kind !== 'moved' || !change.to) return null;
  return (
    <p className="text-sm text-fg-muted">
      Moved to{' '}
      <Link href={`/emr/schedule/appointments/${change.to.id}`} className="font-medium text-fg underline underline-offset-2">
        {formatVisitTime(change.to.startsAt, change.to.timeZone)}
      </Link>
    </p>
  );
}

export default async function AppointmentsTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const { upcoming, past } = await listPatientAppointments(getDb(), ctx, id);
  return (
    <div className="space-y-4">
      <section aria-labelledby="upcoming-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="upcoming-heading" className="px-5 pt-5 pb-2 text-lg font-semibold">Upcoming</h2>
        <VisitList visits={upcoming} empty="No upcoming visits." />
      </section>
      <section aria-labelledby="past-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="past-heading" className="px-5 pt-5 pb-2 text-lg font-semibold">Past</h2>
        <VisitList visits={past} empty="No past visits." />
      </section>
    </div>
  );
}
