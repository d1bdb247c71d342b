import type { Metadata } from 'next';
import Link from 'next/link';
import { AccessCard } from '@/components/portal-access/access-card';
import { InviteAcceptForm } from '@/components/portal-access/invite-accept-form';
import { getDb } from '@/db/client';
import { identifierLabel } from '@/lib/auth/identifiers';
import { inspectPortalInvite, type InviteLinkProblem } from '@/lib/portal-access/invite-accept';
import { portalAccessMessage } from '@/lib/portal-access/messages';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Portal invitation' };

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/** Opening the link only reads it: mail scanners that fetch links spend nothing. */
export default async function InvitePage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { profile } = await getPageTenant(params);
  const { token } = await params;
  if (!profile.portal.enabled) {
    return (
      <AccessCard title="Portal invitation">
        <p className="mt-3 text-fg-muted">The patient portal is not available for this clinic. Please contact the clinic.</p>
      </AccessCard>
    );
  }
  const invite = await inspectPortalInvite(getDb(), profile, token);
  if (!invite.ok) return <InviteProblem problem={invite.error} label={identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel)} />;
  return (
    <AccessCard title={invite.mode === 'existing' ? 'Add to your portal account' : 'Set up your portal account'}>
      <InviteAcceptForm token={token} mode={invite.mode} email={invite.email} maskedPhone={invite.maskedPhone} />
    </AccessCard>
  );
}

function InviteProblem({ problem, label }: { problem: InviteLinkProblem; label: string }) {
  if (problem === 'link-expired') {
    return (
      <AccessCard title="This invitation has expired">
        <div className="mt-3 space-y-3 text-fg-muted">
          <p>Invitation links work for 24 hours. If you already have a portal account, use “Forgot password” to get back in.</p>
          <p>Otherwise, please contact the clinic and ask for a new invitation.</p>
          <p className="flex flex-wrap gap-x-4 gap-y-2">
            <Link href="/portal/forgot-password" className={linkClass}>Forgot password</Link>
            <Link href="/portal/sign-in" className={linkClass}>Go to sign-in</Link>
          </p>
        </div>
      </AccessCard>
    );
  }
  if (problem === 'link-used') {
    return (
      <AccessCard title="This link has already been used">
        <div className="mt-3 space-y-3 text-fg-muted">
          <p>If you set up your account with it, sign in. If you didn’t, please contact the clinic for a new invitation.</p>
          <Link href="/portal/sign-in" className={linkClass}>Go to sign-in</Link>
        </div>
      </AccessCard>
    );
  }
  const title = problem === 'link-invalid' ? 'This link is not valid' : 'Please contact the clinic';
  return (
    <AccessCard title={title}>
      <div className="mt-3 space-y-3 text-fg-muted">
        <p>{portalAccessMessage(problem, { identifierLabel: label })}</p>
        <Link href="/portal/sign-in" className={linkClass}>Go to sign-in</Link>
      </div>
    </AccessCard>
  );
}
