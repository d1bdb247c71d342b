import type { Metadata } from 'next';
import Link from 'next/link';
import { AccessCard } from '@/components/portal-access/access-card';
import { ResetLinkForm } from '@/components/portal-access/reset-link-form';
import { getDb } from '@/db/client';
import { inspectPasswordResetLink } from '@/lib/portal-access/password-reset';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Reset password' };

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/** Opening the link only reads it: the code is sent when the person asks for it. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { profile } = await getPageTenant(params);
  const { token } = await params;
  if (!profile.portal.enabled) {
    return (
      <AccessCard title="Reset your password">
        <p className="mt-3 text-fg-muted">The patient portal is not available for this clinic. Please contact the clinic.</p>
      </AccessCard>
    );
  }
  const link = await inspectPasswordResetLink(getDb(), profile, token);
  if (!link.ok) {
    const title = link.error === 'link-expired' ? 'This link has expired' : link.error === 'link-used' ? 'This link has already been used' : 'This link is not valid';
    return (
      <AccessCard title={title}>
        <div className="mt-3 space-y-3 text-fg-muted">
          <p>
            {link.error === 'link-expired'
              ? 'Reset links work for 1 hour. Ask for a new one, or reset with a code by SMS.'
              : 'Ask for a new reset link, or reset with a code by SMS.'}
          </p>
          <Link href="/portal/forgot-password" className={linkClass}>Forgot password</Link>
        </div>
      </AccessCard>
    );
  }
  return (
    <AccessCard title="Reset your password">
      <ResetLinkForm token={token} maskedPhone={link.maskedPhone} />
    </AccessCard>
  );
}
