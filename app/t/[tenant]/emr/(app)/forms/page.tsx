import type { Metadata } from 'next';
import Link from 'next/link';
import { AssignmentStatusBadge } from '@/components/clinic-forms/emr/assignment-status';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { countPendingRecordChanges, listRecentSubmissions } from '@/lib/clinic-forms/review';
import { clinicDateTime } from '@/lib/intl/clinic-time';

export const metadata: Metadata = { title: 'Forms' };


/** EMR → Forms: recently submitted forms across patients, and the way to the review list. */
export default async function FormsOverviewPage() {
  const ctx = await requireStaff('emr', 'forms.assign');
  const db = getDb();
  const [recent, pending, zone] = await Promise.all([listRecentSubmissions(db, ctx), countPendingRecordChanges(db, ctx), clinicTimeZone(db, ctx.tenant.id)]);
  const dateTime = clinicDateTime(zone);
  const canRead = ctx.actor.permissions.has('documents.view');
  return (
    <Page title="Forms" description="Forms patients sent recently. Forms are assigned from a patient’s chart (Forms tab).">
      <section aria-labelledby="review-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="review-heading" className="text-lg font-semibold">To review</h2>
        <p className="mt-1 text-sm">
          {pending === 0 ? 'No proposed record changes are waiting.' : `${pending} proposed change${pending === 1 ? '' : 's'} to patients’ records waiting.`}{' '}
          <Link href="/emr/forms/review" className="link">Open the review list</Link>
        </p>
      </section>
      <section aria-labelledby="recent-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="recent-heading" className="px-5 pt-5 text-lg font-semibold">Recently submitted</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Submitted forms, newest first</caption>
            <thead className="border-y border-line text-fg-muted">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">Patient</th>
                <th scope="col" className="px-4 py-3 font-medium">Form</th>
                <th scope="col" className="px-4 py-3 font-medium">Status</th>
                <th scope="col" className="px-4 py-3 font-medium">Sent</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {recent.map((r) => (
                <tr key={r.assignmentId}>
                  <td className="px-4 py-3">
                    <Link href={`/emr/patients/${r.patientId}/forms`} className="link">{r.patientName}</Link>
                    <span className="block text-xs text-fg-muted">{r.recordNumber}</span>
                  </td>
                  <td className="px-4 py-3">
                    {canRead ? <Link href={`/emr/patients/${r.patientId}/forms/${r.assignmentId}`} className="text-brand-accent underline underline-offset-2">{r.title}</Link> : r.title}
                  </td>
                  <td className="px-4 py-3"><AssignmentStatusBadge status={r.status} /></td>
                  <td className="px-4 py-3 whitespace-nowrap">{dateTime.format(r.submittedAt)}</td>
                </tr>
              ))}
              {recent.length === 0 ? <tr><td colSpan={4} className="px-4 py-8 text-center text-fg-muted">No forms submitted yet.</td></tr> : null}
            </tbody>
          </table>
        </div>
      </section>
    </Page>
  );
}
