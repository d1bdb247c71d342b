import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { NavLink } from '@/components/shell/nav-link';
import { getPatientChart } from '@/lib/patients/chart';
import { formatDateOfBirth } from '@/lib/patients/display';

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
  const tabs = [
    { href: `/emr/patients/${id}`, label: 'Details', show: true, exact: true },
    { href: `/emr/patients/${id}/contacts`, label: 'Contacts', show: true, exact: false },
    { href: `/emr/patients/${id}/appointments`, label: 'Appointments', show: true, exact: false },
    { href: `/emr/patients/${id}/portal`, label: 'Patient Portal', show: ctx.actor.permissions.has('portal_admin.view'), exact: false },
    { href: `/emr/patients/${id}/documents`, label: 'Documents', show: ctx.actor.permissions.has('documents.view'), exact: false },
    { href: `/emr/patients/${id}/forms`, label: 'Forms', show: true, exact: false },
    { href: `/emr/patients/${id}/notes`, label: 'Notes', show: true, exact: false },
    { href: `/emr/patients/${id}/activities`, label: 'Home activities', show: true, exact: false },
    { href: `/emr/patients/${id}/messages`, label: 'Messages', show: ctx.actor.permissions.has('messages.view'), exact: false },
    { href: `/emr/patients/${id}/billing`, label: 'Billing', show: ctx.actor.permissions.has('billing.view'), exact: false },
    { href: `/emr/patients/${id}/orders`, label: 'Orders', show: ctx.actor.permissions.has('orders.view'), exact: false },
    { href: `/emr/patients/${id}/tasks`, label: 'Tasks', show: ctx.actor.permissions.has('tasks.manage'), exact: false },
    { href: `/emr/patients/${id}/care-team`, label: 'Care team', show: true, exact: false },
    { href: `/emr/patients/${id}/consent`, label: 'Consent', show: true, exact: false },
    { href: `/emr/patients/${id}/automations`, label: 'Automations', show: true, exact: false },
    { href: `/emr/patients/${id}/activity`, label: 'Activity', show: ctx.actor.permissions.has('audit.view'), exact: false },
  ].filter((t) => t.show);
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm print:hidden">
        <Link href="/emr/patients" className="link">Patients</Link>
      </nav>
      <header className="rounded-xl border border-line bg-surface p-5 print:hidden">
        <h1 className="text-2xl font-semibold">{patient.firstName} {patient.lastName}</h1>
        <p className="mt-1 text-sm text-fg-muted">
          {patient.recordNumber} · born {formatDateOfBirth(patient.dateOfBirth)} · {patient.sex}
        </p>
      </header>
      <nav aria-label="Chart sections" className="border-b border-line print:hidden">
        <ul className="flex flex-wrap gap-x-1">
          {tabs.map((t) => (
            <li key={t.href}>
              <NavLink href={t.href} exact={t.exact} variant="tab">
                {t.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </div>
  );
}
