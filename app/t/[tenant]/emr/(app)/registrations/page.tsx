import type { Metadata } from 'next';
import Link from 'next/link';
import { ApproveRegistrationForm, RejectRegistrationForm } from '@/components/emr/registration-decision-forms';
import { Page } from '@/components/ui/page';
import { getDb } from '@/db/client';
import { hasPermission } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { formatDateOfBirth } from '@/lib/patients/display';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { listPendingRegistrations } from '@/lib/portal-access/registration-review';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { approveRegistrationAction, rejectRegistrationAction } from './actions';

export const metadata: Metadata = { title: 'Registrations' };

const linkClass = 'link';

const SETTING_WORDS = {
  off: 'Self-registration is off (CRM → Portal settings): no new registrations arrive. Those already waiting can still be decided.',
  open: 'Self-registration is open (CRM → Portal settings): new patients can sign in at once; nothing waits here unless the setting was “needs approval” when they registered.',
  approval: 'Self-registration needs approval (CRM → Portal settings): each new account waits here until someone approves it.',
} as const;

/**
 * /emr/registrations (portal_admin.view): patients who registered in the portal and wait for the
 * clinic, oldest first, with the record a registration may repeat. Approving or rejecting also
 * needs patients.edit (lib/portal-access/registration-review.ts); without it the list says so.
 */
/** What a decision did, shown after the action loads the list again (a closed set: nothing from the URL is echoed). */
const DONE_WORDS: Record<string, string> = {
  approved: 'Approved: the patient can sign in now, and has been told.',
  rejected: 'Rejected: the account cannot sign in, and the person has been told (without the reason).',
  'already-approved': 'This registration was already approved.',
  'already-rejected': 'This registration was already rejected.',
};

export default async function RegistrationsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { done } = await searchParams;
  const doneWords = typeof done === 'string' && Object.hasOwn(DONE_WORDS, done) ? DONE_WORDS[done] : null;
  const { profile } = await getPageTenant(params);
  const ctx = await requireStaff('emr', 'portal_admin.view');
  const db = getDb();
  const [rows, zone] = await Promise.all([listPendingRegistrations(db, ctx), clinicTimeZone(db, ctx.tenant.id)]);
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  const canDecide = hasPermission(ctx, 'patients.edit');

  return (
    <Page
      title="Registrations"
      description="Patients who created their own portal account and wait for the clinic to confirm it. Compare a possible duplicate before deciding."
    >
      {doneWords ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">{doneWords}</p> : null}
      <p className="text-sm text-fg-muted">{SETTING_WORDS[profile.portal.selfRegistration]}</p>
      {!canDecide && rows.length > 0 ? (
        <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">
          You can see these registrations; approving or rejecting them needs permission to edit patients.
        </p>
      ) : null}
      <section aria-labelledby="pending-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="pending-heading" className="text-lg font-semibold">Waiting for a decision ({rows.length})</h2>
        {rows.length === 0 ? (
          <p className="mt-3 text-fg-muted">Nobody is waiting.</p>
        ) : (
          <ul className="mt-3 space-y-4">
            {rows.map((r) => {
              const name = `${r.firstName} ${r.lastName}`;
              return (
                <li key={r.id}>
                  <article aria-labelledby={`reg-${r.id}`} className="rounded-lg border border-line p-4">
                    <h3 id={`reg-${r.id}`} className="text-base font-semibold">
                      <Link href={`/emr/patients/${r.patientId}`} className={linkClass}>{name}</Link>{' '}
                      <span className="font-normal text-fg-muted">{r.recordNumber}</span>
                    </h3>
                    <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                      <dt className="font-medium">Date of birth</dt><dd>{formatDateOfBirth(r.dateOfBirth)}</dd>
                      <dt className="font-medium">Signs in with</dt><dd>{r.email ?? r.maskedNationalId ?? '—'}</dd>
                      <dt className="font-medium">Mobile (confirmed by SMS)</dt><dd>{formatPhoneForDisplay(r.phone)}</dd>
                      <dt className="font-medium">Registered</dt><dd><time dateTime={r.createdAt.toISOString()}>{when.format(r.createdAt)}</time></dd>
                      <dt className="font-medium">Possible duplicate</dt>
                      <dd>
                        {r.possibleDuplicate ? (
                          <>
                            <Link href={`/emr/patients/${r.possibleDuplicate.id}`} className={linkClass}>
                              {r.possibleDuplicate.firstName} {r.possibleDuplicate.lastName}
                            </Link>{' '}
                            <span className="text-fg-muted">{r.possibleDuplicate.recordNumber} (a task to compare and merge is open in Tasks)</span>
                          </>
                        ) : 'None found'}
                      </dd>
                    </dl>
                    {canDecide ? (
                      <div className="mt-4 grid gap-4 sm:grid-cols-2">
                        <ApproveRegistrationForm action={approveRegistrationAction} registrationId={r.id} label={`Approve ${name}`} />
                        <RejectRegistrationForm action={rejectRegistrationAction} registrationId={r.id} name={name} />
                      </div>
                    ) : null}
                  </article>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </Page>
  );
}
