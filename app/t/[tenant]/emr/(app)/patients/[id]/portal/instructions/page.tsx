import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { BrandMark } from '@/components/brand/brand-mark';
import { PrintButton } from '@/components/emr/print-button';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { getPatientChart } from '@/lib/patients/chart';
import { getPortalAccessState } from '@/lib/portal-access/staff-admin';
import { identifierLabel } from '@/lib/auth/identifiers';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Portal instructions' };

/** The printable handout of seed 001: portal address, portal ID and the activation steps. */
export default async function PortalInstructions({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const ctx = await requireStaff('emr', 'portal_admin.view');
  const { profile } = await getPageTenant(params);
  const { id } = await params;
  const db = getDb();
  const [patient, state] = await Promise.all([getPatientChart(db, ctx, id), getPortalAccessState(db, ctx, id)]).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const code = state.pendingPortalCode?.code;
  const portalUrl = `${await getRequestOrigin()}/portal`;
  const identifier = identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel);
  return (
    <article className="mx-auto max-w-2xl rounded-xl border border-line bg-surface p-8 print:border-0 print:p-0">
      <div className="no-print mb-6 flex justify-end">
        <PrintButton />
      </div>
      <BrandMark profile={profile} size={48} subtitle="Patient portal" />
      <h2 className="mt-6 text-2xl font-semibold">Your patient portal</h2>
      <p className="mt-2">
        Dear {patient.firstName} {patient.lastName}, you can now see your visits and documents and keep your details up to date online.
      </p>
      {code ? (
        <dl className="mt-6 grid gap-3 rounded-lg border border-line p-4 sm:grid-cols-2">
          <div>
            <dt className="text-sm text-fg-muted">Portal address</dt>
            <dd className="font-mono font-semibold break-all">{portalUrl}</dd>
          </div>
          <div>
            <dt className="text-sm text-fg-muted">Your portal ID</dt>
            <dd className="font-mono text-2xl font-semibold tracking-widest">{code}</dd>
          </div>
        </dl>
      ) : (
        <p className="mt-6 rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">No portal ID is waiting for this patient. Create one on the Patient Portal tab first.</p>
      )}
      <h3 className="mt-6 text-lg font-semibold">How to activate your account</h3>
      <ol className="mt-2 list-decimal space-y-2 pl-6">
        <li>Open the portal address above on your phone or computer and choose <strong>Activate account</strong>.</li>
        <li>Enter your portal ID, the first letter of your first name, the first letter of your last name and your date of birth (MM/DD/YYYY), then choose <strong>Confirm</strong>.</li>
        <li>Enter your {identifier === 'Email' ? 'email address' : identifier} and choose a password: at least 8 characters with an upper-case letter, a lower-case letter and a digit.</li>
        <li>We’ll text a 6-digit code to the mobile number we have on file. Enter it to finish.</li>
        <li>From then on, sign in with your {identifier === 'Email' ? 'email' : identifier}, your password and a new code we text you each time.</li>
      </ol>
      <p className="mt-6 text-sm text-fg-muted">
        The portal ID works once. Keep this sheet private. Questions? Call {profile.branding.displayName}
        {profile.locations[0]?.phone ? ` at ${profile.locations[0].phone}` : ''}.
      </p>
    </article>
  );
}
