import type { Metadata } from 'next';
import { requirePortalPatient } from '@/lib/auth/portal-session';
import { formatDateOfBirth, relationshipLabel } from '@/lib/portal/display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Home' };

export default async function PortalDashboard({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalPatient();
  const { patient } = portal;
  const actingForSomeoneElse = patient.relationship !== 'self';
  return (
    <div className="space-y-6">
      <section className="rounded-2xl bg-brand px-6 py-8 text-brand-contrast sm:px-10">
        <p className="text-sm font-medium opacity-90">{profile.branding.displayName}</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight sm:text-3xl">
          {actingForSomeoneElse ? `${patient.firstName} ${patient.lastName}` : `Hello, ${patient.firstName}`}
        </h1>
        {actingForSomeoneElse ? (
          <p className="mt-2 text-base opacity-95">You are acting as {relationshipLabel(patient.relationship).toLowerCase()} of {patient.firstName}.</p>
        ) : null}
      </section>
      <section aria-labelledby="profile-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="profile-heading" className="text-lg font-semibold">Profile</h2>
        <dl className="mt-3 grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-fg-muted">Name</dt>
            <dd className="font-medium">{patient.firstName} {patient.lastName}</dd>
          </div>
          <div>
            <dt className="text-fg-muted">Date of birth</dt>
            <dd className="font-medium">{formatDateOfBirth(patient.dateOfBirth)}</dd>
          </div>
          <div>
            <dt className="text-fg-muted">Signed in as</dt>
            <dd className="font-medium">{portal.account.fullName}</dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
