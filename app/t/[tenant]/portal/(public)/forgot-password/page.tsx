import type { Metadata } from 'next';
import { AccessCard } from '@/components/portal-access/access-card';
import { ForgotPasswordForm } from '@/components/portal-access/forgot-password-form';
import { identifierLabel } from '@/lib/auth/identifiers';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Forgot password' };

export default async function ForgotPasswordPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const { enabled, identificationMode, nationalIdLabel } = profile.portal;
  return (
    <AccessCard title="Reset your password">
      {enabled ? (
        <ForgotPasswordForm
          identifierLabel={identifierLabel(identificationMode, nationalIdLabel)}
          identifierType={identificationMode === 'email' ? 'email' : 'text'}
          offerEmailLink={identificationMode === 'email'}
        />
      ) : (
        <p className="mt-3 text-fg-muted">The patient portal is not available for this clinic. Please contact the clinic.</p>
      )}
    </AccessCard>
  );
}
