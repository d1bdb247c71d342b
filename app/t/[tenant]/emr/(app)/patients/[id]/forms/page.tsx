import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AssignFormsForm } from '@/components/clinic-forms/emr/assign-forms-form';
import { AssignmentButton } from '@/components/clinic-forms/emr/assignment-buttons';
import { AssignmentStatusBadge, SOURCE_LABELS } from '@/components/clinic-forms/emr/assignment-status';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { listPatientAssignments } from '@/lib/clinic-forms/assignments';
import { clinicTimeZone, clinicToday } from '@/lib/clinic-forms/reminders';
import { listAssignableTemplates } from '@/lib/clinic-forms/templates';
import { clinicDateTime } from '@/lib/intl/clinic-time';
import { formatDateOfBirth } from '@/lib/patients/display';
import { assignFormsAction, cancelAssignmentAction } from './actions';

export const metadata: Metadata = { title: 'Forms' };


/** Chart → Forms: what the patient was given to fill, and "Assign forms" (forms.assign). */
export default async function PatientFormsTab({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const db = getDb();
  const canAssign = ctx.actor.permissions.has('forms.assign');
  const canRead = ctx.actor.permissions.has('documents.view');
  const [assignments, forms, today, zone] = await Promise.all([
    listPatientAssignments(db, ctx, id),
    canAssign ? listAssignableTemplates(db, ctx) : Promise.resolve([]),
    clinicToday(db, ctx.tenant.id),
    clinicTimeZone(db, ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const dateTime = clinicDateTime(zone);
  return (
    <div className="space-y-4">
      <section aria-labelledby="forms-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="forms-heading" className="px-5 pt-5 text-lg font-semibold">Forms</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Forms given to the patient: open ones first, newest first</caption>
            <thead className="border-y border-line text-fg-muted">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">Form</th>
                <th scope="col" className="px-4 py-3 font-medium">Status</th>
                <th scope="col" className="px-4 py-3 font-medium">Due</th>
                <th scope="col" className="px-4 py-3 font-medium">Assigned</th>
                <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {assignments.map((a) => (
                <tr key={a.id} className="align-top">
                  <td className="px-4 py-3">
                    {a.hasSubmission && canRead ? (
                      <Link href={`/emr/patients/${id}/forms/${a.id}`} className="link">{a.title}</Link>
                    ) : <span className="font-medium">{a.title}</span>}
                    <span className="block text-xs text-fg-muted">Version {a.version}</span>
                    {a.message ? <span className="block text-xs text-fg-muted">Message: {a.message}</span> : null}
                  </td>
                  <td className="px-4 py-3">
                    <AssignmentStatusBadge status={a.status} />
                    {a.correctionOpen ? <span className="mt-1 block text-xs text-fg-muted">Correction asked for</span> : null}
                    {a.submittedAt ? <span className="mt-1 block text-xs text-fg-muted">Sent {dateTime.format(a.submittedAt)}</span> : null}
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap">{a.dueOn ? formatDateOfBirth(a.dueOn) : '—'}</td>
                  <td className="px-4 py-3">
                    {dateTime.format(a.assignedAt)}
                    <span className="block text-xs text-fg-muted">{SOURCE_LABELS[a.source]}{a.assignedByName ? ` · ${a.assignedByName}` : ''}</span>
                  </td>
                  <td className="px-4 py-3">
                    <div className="flex flex-wrap gap-2">
                      {a.hasSubmission && canRead ? (
                        <Link href={`/emr/patients/${id}/forms/${a.id}`} className="inline-flex min-h-11 items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted" aria-label={`View the answers to “${a.title}”`}>
                          View answers
                        </Link>
                      ) : null}
                      {canAssign && (a.status === 'assigned' || a.status === 'in_progress') ? (
                        <AssignmentButton action={cancelAssignmentAction} patientId={id} assignmentId={a.id} label="Cancel" pendingLabel="Cancelling…" accessibleLabel={`Cancel “${a.title}”`} />
                      ) : null}
                    </div>
                  </td>
                </tr>
              ))}
              {assignments.length === 0 ? (
                <tr>
                  <td colSpan={5} className="px-4 py-8 text-center text-fg-muted">No forms given to this patient yet.</td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
      {canAssign ? (
        <section aria-labelledby="assign-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="assign-heading" className="text-lg font-semibold">Assign forms</h2>
          <p className="mt-1 text-sm text-fg-muted">Each form is given as its current published version. The patient is told by email, and by SMS if they chose it, without the form’s name.</p>
          <div className="mt-3">
            <AssignFormsForm patientId={id} forms={forms} today={today} action={assignFormsAction} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
