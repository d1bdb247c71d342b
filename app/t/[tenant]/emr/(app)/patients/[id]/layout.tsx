import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getRequestPath } from '@/lib/http/request-path';
import { getPatientChart } from '@/lib/patients/chart';
import { formatDateOfBirth } from '@/lib/portal/display';

/** The chart's header and tabs. Each tab page checks its own permission as well. */
export default async function PatientChartLayout({ children, params }: { children: React.ReactNode; params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  let patient;
  try {
    patient = await getPatientChart(getDb(), ctx, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  const path = await getRequestPath();
  const tabs = [
    { href: `/emr/patients/${id}`, label: 'Details', show: true, exact: true },
    { href: `/emr/patients/${id}/portal`, label: 'Patient Portal', show: ctx.actor.permissions.has('portal_admin.view'), exact: false },
  ].filter((t) => t.show);
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm print:hidden">
        <Link href="/emr/patients" className="font-medium text-brand-accent underline underline-offset-2">Patients</Link>
      </nav>
      <header className="rounded-xl border border-line bg-surface p-5 print:hidden">
        <h1 className="text-2xl font-semibold">{patient.firstName} {patient.lastName}</h1>
        <p className="mt-1 text-sm text-fg-muted">
          {patient.recordNumber} · born {formatDateOfBirth(patient.dateOfBirth)} · {patient.sex}
        </p>
      </header>
      <nav aria-label="Chart sections" className="border-b border-line print:hidden">
        <ul className="flex gap-1 overflow-x-auto">
          {tabs.map((t) => {
            const current = t.exact ? path === t.href : path.startsWith(t.href);
            return (
              <li key={t.href}>
                <Link
                  href={t.href}
                  aria-current={current ? 'page' : undefined}
                  className={current
                    ? 'block border-b-2 border-brand-accent px-4 py-2 text-sm font-semibold'
                    : 'block border-b-2 border-transparent px-4 py-2 text-sm font-medium text-fg-muted hover:text-fg'}
                >
                  {t.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {children}
    </div>
  );
}
