import type { Metadata } from 'next';
import Link from 'next/link';
import { RecordChangeDecision } from '@/components/clinic-forms/emr/record-change-decision';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { listPendingRecordChanges, RECORD_FIELD_LABELS } from '@/lib/clinic-forms/review';
import { clinicDateTime } from '@/lib/intl/clinic-time';
import { decideRecordChangeAction } from './actions';

export const metadata: Metadata = { title: 'Forms to review' };


/**
 * Forms → To review: answers that would change a patient's record, waiting for staff. Nothing
 * is applied until someone accepts it; each change is decided once.
 */
export default async function FormsReviewPage({ searchParams }: { searchParams: Promise<{ decided?: string; field?: string }> }) {
  const { decided, field: decidedField } = await searchParams;
  const decidedLabel = decidedField && Object.hasOwn(RECORD_FIELD_LABELS, decidedField)
    ? RECORD_FIELD_LABELS[decidedField as keyof typeof RECORD_FIELD_LABELS].toLowerCase()
    : null;
  const outcome = !decidedLabel ? null
    : decided === 'accepted' ? `Accepted: the ${decidedLabel} is now in the record.`
    : decided === 'rejected' ? `Rejected: the ${decidedLabel} in the record stays as it was.`
    : null;
  const ctx = await requireStaff('emr', 'forms.assign');
  const [changes, zone] = await Promise.all([listPendingRecordChanges(getDb(), ctx), clinicTimeZone(getDb(), ctx.tenant.id)]);
  const dateTime = clinicDateTime(zone);
  return (
    <Page
      title="Forms to review"
      above={<nav aria-label="Breadcrumb" className="mb-1 text-sm"><Link href="/emr/forms" className="link">Forms</Link></nav>}
      description="Patients’ answers that would change their record. Accept to copy the value into the record (audited), or reject to keep the record as it is."
    >
      {outcome ? <p role="status" className="mb-4 rounded-md border border-line bg-surface-muted px-4 py-3 text-sm font-medium">{outcome}</p> : null}
      <section aria-labelledby="pending-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="pending-heading" className="px-5 pt-5 text-lg font-semibold">Proposed changes ({changes.length})</h2>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Proposed changes to patients’ records, oldest first</caption>
            <thead className="border-y border-line text-fg-muted">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">Patient</th>
                <th scope="col" className="px-4 py-3 font-medium">Field</th>
                <th scope="col" className="px-4 py-3 font-medium">In the record</th>
                <th scope="col" className="px-4 py-3 font-medium">Proposed</th>
                <th scope="col" className="px-4 py-3 font-medium">Form</th>
                <th scope="col" className="px-4 py-3 font-medium"><span className="sr-only">Decision</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {changes.map((c) => {
                const field = RECORD_FIELD_LABELS[c.field];
                return (
                  <tr key={c.id} className="align-top">
                    <td className="px-4 py-3">
                      <Link href={`/emr/patients/${c.patientId}`} className="link">{c.patientName}</Link>
                      <span className="block text-xs text-fg-muted">{c.recordNumber}</span>
                    </td>
                    <td className="px-4 py-3">{field}</td>
                    <td className="px-4 py-3 break-words">{c.currentValue ?? <span className="text-fg-muted">Empty</span>}</td>
                    <td className="px-4 py-3 font-medium break-words">{c.proposedValue}</td>
                    <td className="px-4 py-3">
                      <Link href={`/emr/patients/${c.patientId}/forms/${c.assignmentId}`} className="text-brand-accent underline underline-offset-2">{c.formTitle}</Link>
                      <span className="block text-xs text-fg-muted">{dateTime.format(c.createdAt)}</span>
                    </td>
                    <td className="px-4 py-3">
                      <RecordChangeDecision action={decideRecordChangeAction} changeId={c.id} description={`the new ${field.toLowerCase()} of ${c.patientName}`} />
                    </td>
                  </tr>
                );
              })}
              {changes.length === 0 ? (
                <tr><td colSpan={6} className="px-4 py-8 text-center text-fg-muted">Nothing to review.</td></tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
    </Page>
  );
}
