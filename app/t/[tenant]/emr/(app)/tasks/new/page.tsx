import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { NewTaskForm } from '@/components/engagement/tasks/task-forms';
import { Page } from '@/components/ui/page';
import { CardSection, FormSection } from '@/components/ui/sections';
import { getDb } from '@/db/client';
import { hasPermission, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { taskFormOptions, taskPatient } from '@/lib/engagement/task-queries';
import { formatDateOfBirth } from '@/lib/patients/display';
import { searchPatients } from '@/lib/patients/search';
import { createTaskAction } from '../actions';

export const metadata: Metadata = { title: 'New task' };

const linkClass = 'link';
const control = 'mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5 text-base';
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * /emr/tasks/new (tasks.manage), optionally ?patient=… (the chart's "New task" link) or ?q=…
 * (finding the patient here, a GET form: no JavaScript needed). Linking a patient needs
 * patients.view; another clinic's patient is not found.
 */
export default async function NewTaskPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'tasks.manage');
  const params = await searchParams;
  const patientId = first(params.patient);
  const q = (first(params.q) ?? '').trim().slice(0, 100);
  const seesPatients = hasPermission(ctx, 'patients.view');
  const db = getDb();
  const [options, today, patient, found] = await Promise.all([
    taskFormOptions(db, ctx),
    clinicToday(db, ctx.tenant.id),
    seesPatients && patientId ? taskPatient(db, ctx, patientId) : null,
    seesPatients && !patientId && q ? searchPatients(db, ctx, { q, page: 1 }) : null,
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const me = options.staff.find((s) => s.id === ctx.actor.id) ?? null;
  const patientLabel = patient ? `${patient.firstName} ${patient.lastName} (${patient.recordNumber})` : null;
  const back = (
    <nav aria-label="Breadcrumb" className="mb-2 flex flex-wrap gap-x-2 text-sm">
      <Link href="/emr/tasks" className={linkClass}>Tasks</Link>
      {patient ? <><span aria-hidden>›</span><Link href={`/emr/patients/${patient.id}/tasks`} className={linkClass}>{patient.firstName} {patient.lastName}’s tasks</Link></> : null}
    </nav>
  );

  return (
    <Page title="New task" above={back} description="Something for a person or a team of the clinic to do, optionally about a patient and by a day.">
      {seesPatients ? (
        <CardSection id="patient-heading" title="Patient (optional)" description={patient ? undefined : 'Leave this for a task that is not about one patient.'}>
          {patient ? (
            <p className="mt-2 text-sm">
              About <span className="font-semibold">{patientLabel}</span> · <Link href="/emr/tasks/new" className={linkClass}>Choose another patient or none</Link>
            </p>
          ) : (
            <>
              <form method="get" action="/emr/tasks/new" role="search" className="mt-3 flex flex-wrap items-end gap-3">
                <div className="min-w-64 flex-1">
                  <label htmlFor="patient-q" className="block text-sm font-medium">Find the patient</label>
                  <input id="patient-q" name="q" type="search" defaultValue={q} maxLength={100} autoComplete="off" placeholder="Name, record number, date of birth, email or phone" className={control} />
                </div>
                <button type="submit" className="inline-flex min-h-11 items-center rounded-lg border border-line px-4 font-medium hover:bg-surface-muted">Search</button>
              </form>
              {found ? (
                found.rows.length === 0 ? <p className="mt-3 text-sm text-fg-muted" role="status">No patient matches “{q}”.</p> : (
                  <ul className="mt-3 divide-y divide-line" aria-label="Matching patients">
                    {found.rows.map((p) => (
                      <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                        <span>
                          <span className="font-medium">{p.lastName}, {p.firstName}</span>{' '}
                          <span className="text-fg-muted">· born {formatDateOfBirth(p.dateOfBirth)} · <span className="font-mono">{p.recordNumber}</span></span>
                        </span>
                        <Link href={`/emr/tasks/new?patient=${p.id}`} className={`${linkClass} inline-flex min-h-11 items-center`}>
                          Choose<span className="sr-only"> {p.firstName} {p.lastName}</span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                )
              ) : null}
            </>
          )}
        </CardSection>
      ) : null}

      <FormSection id="task-heading" title="Task">
        <NewTaskForm action={createTaskAction} staff={options.staff} teams={options.teams} me={me} today={today} patient={patient ? { id: patient.id, label: patientLabel! } : null} />
      </FormSection>
    </Page>
  );
}
