import { Page } from '@/components/ui/page';
import type { StaffContext } from '@/lib/access/context';
import { passkeys } from '@/lib/i18n/messages/passkeys';
import type { PasskeyRow } from '@/lib/identity/passkeys/form-state';
import { PasskeyManager, type PasskeyActions } from './passkey-manager';

/**
 * "Sign-in and security" for the signed-in staff member, the same page in the EMR and the CRM
 * (each area's route hands it that area's actions): who they are, and their passkeys.
 */
export function StaffAccountPage({ staff, rows, host, actions }: {
  staff: StaffContext;
  rows: PasskeyRow[];
  /** The address this page is open on: the host a new passkey will work on. */
  host: string | null;
  actions: PasskeyActions;
}) {
  const section = 'rounded-xl border border-line bg-surface p-4 sm:p-6';
  return (
    <Page title="Sign-in and security" description="How you sign in to this clinic’s EMR and CRM.">
      <section aria-labelledby="account-heading" className={section}>
        <h2 id="account-heading" className="text-lg font-semibold">Your account</h2>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="text-fg-muted">Name</dt>
          <dd>{staff.actor.fullName}</dd>
          <dt className="text-fg-muted">Email</dt>
          <dd className="break-all">{staff.actor.email}</dd>
          <dt className="text-fg-muted">Access level</dt>
          <dd>{staff.actor.accessLevelName}</dd>
        </dl>
      </section>
      <section aria-labelledby="passkeys-heading" className={section}>
        <h2 id="passkeys-heading" className="text-lg font-semibold">Passkeys</h2>
        <p className="mb-4 mt-1 text-sm text-fg-muted">
          After your password, a passkey (your fingerprint, face, device PIN or a security key) can replace the code from your
          authenticator app. A passkey works only on the address where you add it
          {host ? <> (this page is on <strong className="font-medium text-fg">{host}</strong>)</> : null}: if your clinic is also
          reachable on another address, add one there too.
        </p>
        <PasskeyManager rows={rows} currentHost={host ?? ''} canAdd={host !== null} messages={passkeys.en} actions={actions} />
      </section>
    </Page>
  );
}
