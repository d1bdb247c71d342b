import type { Metadata } from 'next';
import { requirePortalAccount } from '@/lib/auth/portal-session';
import { choosePatientAction } from '../actions';
import { formatDateOfBirth, relationshipLabel } from '@/lib/portal/display';

export const metadata: Metadata = { title: 'Choose a profile' };

export default async function SelectPatientPage() {
  const portal = await requirePortalAccount();
  return (
    <section aria-labelledby="choose-heading" className="mx-auto max-w-lg">
      <h1 id="choose-heading" className="text-2xl font-semibold">Who are you acting for?</h1>
      <p className="mt-2 text-fg-muted">
        Your account can reach several profiles. Pick one; you can switch at any time from the selector at the top.
      </p>
      {portal.patients.length === 0 ? (
        <p className="mt-6 rounded-lg border border-line bg-surface p-4">
          No profiles are linked to your account yet. Please contact the clinic.
        </p>
      ) : (
        <ul className="mt-6 space-y-3">
          {portal.patients.map((p) => (
            <li key={p.id}>
              <form action={choosePatientAction}>
                <input type="hidden" name="patientId" value={p.id} />
                <button
                  type="submit"
                  className="flex w-full items-center justify-between rounded-xl border border-line bg-surface p-4 text-left hover:border-brand-accent"
                >
                  <span>
                    <span className="block font-semibold">
                      {p.firstName} {p.lastName}
                    </span>
                    <span className="block text-sm text-fg-muted">
                      {relationshipLabel(p.relationship)} · born {formatDateOfBirth(p.dateOfBirth)}
                    </span>
                  </span>
                  <span aria-hidden className="text-brand-accent">→</span>
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
