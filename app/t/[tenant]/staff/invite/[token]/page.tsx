import type { Metadata } from 'next';
import { BrandMark } from '@/components/brand/brand-mark';
import { AcceptStaffInviteForm } from '@/components/auth/accept-staff-invite-form';
import { getDb } from '@/db/client';
import { lookupStaffInvite } from '@/lib/staff/staff-users';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { acceptStaffInviteAction } from './actions';

export const metadata: Metadata = { title: 'Accept invitation' };

export default async function AcceptStaffInvitePage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { tenant, profile } = await getPageTenant(params);
  const { token } = await params;
  const invite = await lookupStaffInvite(getDb(), tenant.id, token);
  return (
    <main className="mx-auto flex min-h-dvh max-w-md flex-col justify-center px-4 py-10">
      <BrandMark profile={profile} size={44} subtitle="Staff invitation" />
      <section aria-labelledby="invite-title" className="mt-6 rounded-2xl border border-line bg-surface p-6 shadow-sm">
        {invite.status === 'valid' ? (
          <>
            <h1 id="invite-title" className="text-xl font-semibold">Welcome, {invite.fullName}</h1>
            <p className="mt-2 text-sm text-fg-muted">
              Choose a password for <strong>{invite.email}</strong>. At your first sign-in you’ll set up an authenticator app.
            </p>
            <AcceptStaffInviteForm action={acceptStaffInviteAction} token={token} />
          </>
        ) : (
          <>
            <h1 id="invite-title" className="text-xl font-semibold">
              {invite.status === 'expired' ? 'This invitation has expired' : 'This invitation can’t be used'}
            </h1>
            <p className="mt-2 text-fg-muted">
              {invite.status === 'expired'
                ? 'Invitation links work for 24 hours. Ask your clinic administrator to send a new one.'
                : 'The link has already been used or was replaced by a newer invitation. If you set your password already, sign in; otherwise ask your administrator for a new invitation.'}
            </p>
            <a href="/emr/sign-in" className="mt-4 inline-block link">Go to sign-in</a>
          </>
        )}
      </section>
    </main>
  );
}
