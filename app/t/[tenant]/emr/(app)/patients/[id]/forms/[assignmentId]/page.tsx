import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AssignmentButton, CorrectionForm } from '@/components/clinic-forms/emr/assignment-buttons';
import { AssignmentStatusBadge } from '@/components/clinic-forms/emr/assignment-status';
import { ResponseAnswers } from '@/components/clinic-forms/emr/response-answers';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone, clinicToday } from '@/lib/clinic-forms/reminders';
import { getResponseView } from '@/lib/clinic-forms/review';
import { clinicDateTimeSeconds } from '@/lib/intl/clinic-time';
import { formatDateOfBirth } from '@/lib/patients/display';
import { markReviewedAction, requestCorrectionAction } from '../actions';

export const metadata: Metadata = { title: 'Form answers' };

const ROLE = { patient: 'The patient', guardian: 'Parent or guardian', representative: 'Representative' } as const;

/** One submitted response, read with its version's definition; reading it is audited in lib. */
export default async function FormResponsePage({ params, searchParams }: {
  params: Promise<{ id: string; assignmentId: string }>;
  searchParams: Promise<{ response?: string | string[] }>;
}) {
  const ctx = await requireStaff('emr', 'documents.view');
  const { id, assignmentId } = await params;
  const { response } = await searchParams;
  const db = getDb();
  const [view, today, zone] = await Promise.all([
    getResponseView(db, ctx, { patientId: id, assignmentId, responseId: typeof response === 'string' ? response : undefined }),
    clinicToday(db, ctx.tenant.id),
    clinicTimeZone(db, ctx.tenant.id),
  ]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const dateTime = clinicDateTimeSeconds(zone);
  const { assignment, definition, score } = view;
  const canAct = ctx.actor.permissions.has('forms.assign') && view.response.current;
  return (
    <div className="space-y-4">
      <nav aria-label="Back" className="text-sm">
        <Link href={`/emr/patients/${id}/forms`} className="link">All forms of this patient</Link>
      </nav>
      <section aria-labelledby="response-heading" className="space-y-4 rounded-xl border border-line bg-surface p-5">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h2 id="response-heading" className="text-lg font-semibold">{assignment.title}</h2>
            <p className="mt-1 text-sm text-fg-muted">
              Version {assignment.version} · sent {dateTime.format(view.response.submittedAt)}
              {view.response.submittedBy ? ` by ${view.response.submittedBy}` : ''}
              {view.response.amendsResponseId ? ' · a correction of an earlier response' : ''}
              {assignment.dueOn ? ` · due ${formatDateOfBirth(assignment.dueOn)}` : ''}
            </p>
          </div>
          <AssignmentStatusBadge status={assignment.status} />
        </div>
        {!view.response.current ? (
          <p role="note" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">This response was corrected later; you are reading an earlier one.</p>
        ) : null}
        {view.correctionOpen ? (
          <p role="note" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">A correction was asked for; the patient has not sent it yet. These are the answers as last sent.</p>
        ) : null}
        {assignment.reviewedAt ? (
          <p className="text-sm text-fg-muted">Reviewed {dateTime.format(assignment.reviewedAt)}{assignment.reviewedByName ? ` by ${assignment.reviewedByName}` : ''}.</p>
        ) : null}
        {score ? (
          <div className="rounded-lg border border-line p-3">
            <p className="text-sm font-medium">Score</p>
            <p className="text-2xl font-semibold">{score.score}{score.band ? <span className="ml-2 text-base font-medium">{score.band}</span> : null}</p>
            {score.unanswered > 0 ? <p className="text-sm text-fg-muted">{score.unanswered} scored question{score.unanswered === 1 ? '' : 's'} not answered: the score is partial.</p> : null}
          </div>
        ) : null}
        <ResponseAnswers definition={definition} answers={view.answers} visible={view.visible} />
      </section>

      {view.signatures.length > 0 ? (
        <section aria-labelledby="signatures-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="signatures-heading" className="text-lg font-semibold">Signatures</h2>
          <ul className="mt-3 space-y-4">
            {view.signatures.map((s) => (
              <li key={s.linkId} className="space-y-2 rounded-lg border border-line p-3">
                <p className="text-sm whitespace-pre-wrap">{s.consentText}</p>
                {s.drawingPng ? (
                  // eslint-disable-next-line @next/next/no-img-element -- a data URL from the record, not an optimisable asset
                  <img src={`data:image/png;base64,${s.drawingPng}`} alt={`Drawn signature of ${s.signerName}`} className="max-h-32 rounded border border-line bg-white" />
                ) : null}
                <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
                  <dt className="font-medium">Signed by</dt><dd>{s.signerName} ({ROLE[s.signerRole]}){s.signedBy && s.signedBy !== s.signerName ? `, from the account of ${s.signedBy}` : ''}</dd>
                  <dt className="font-medium">Method</dt><dd>{s.method === 'drawn' ? 'Typed name and drawn signature' : 'Typed name'}</dd>
                  <dt className="font-medium">Time</dt><dd>{dateTime.format(s.signedAt)}</dd>
                  <dt className="font-medium">IP address</dt><dd>{s.ipAddress ?? '—'}</dd>
                  <dt className="font-medium">Browser</dt><dd className="break-all">{s.userAgent ?? '—'}</dd>
                  <dt className="font-medium">SHA-256 of the text and answers signed</dt><dd className="font-mono text-xs break-all">{s.contentSha256}</dd>
                </dl>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {view.submissions.length > 1 ? (
        <section aria-labelledby="history-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="history-heading" className="text-lg font-semibold">Responses sent</h2>
          <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm">
            {view.submissions.map((s, i) => (
              <li key={s.id}>
                {s.id === view.response.id ? <span aria-current="page" className="font-medium">{dateTime.format(s.submittedAt)} (shown)</span> : (
                  <Link href={`/emr/patients/${id}/forms/${assignment.id}?response=${s.id}`} className="text-brand-accent underline underline-offset-2">{dateTime.format(s.submittedAt)}</Link>
                )}
                {i > 0 ? ' · correction' : ''}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {canAct && (assignment.status === 'submitted' || assignment.status === 'reviewed') ? (
        <section aria-labelledby="decide-heading" className="grid gap-4 rounded-xl border border-line bg-surface p-5 md:grid-cols-2">
          <h2 id="decide-heading" className="text-lg font-semibold md:col-span-2">Review</h2>
          <div>
            {assignment.status === 'submitted' ? (
              <AssignmentButton action={markReviewedAction} patientId={id} assignmentId={assignment.id} label="Mark reviewed" pendingLabel="Saving…" tone="primary" />
            ) : <p className="text-sm text-fg-muted">Already reviewed.</p>}
          </div>
          <div>
            <h3 className="text-base font-semibold">Ask for a correction</h3>
            <p className="mt-1 text-sm text-fg-muted">The form opens again in the patient’s portal with their answers filled in. What they sent stays in the record.</p>
            <div className="mt-3"><CorrectionForm action={requestCorrectionAction} patientId={id} assignmentId={assignment.id} today={today} /></div>
          </div>
        </section>
      ) : null}
    </div>
  );
}
