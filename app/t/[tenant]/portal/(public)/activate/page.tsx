import type { Metadata } from 'next';
import { AccessCard } from '@/components/portal-access/access-card';
import { ActivationForm } from '@/components/portal-access/activation-form';
import { identifierLabel } from '@/lib/auth/identifiers';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Activate account' };

export default async function ActivatePage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  return (
    <AccessCard title="Activate your account">
      {profile.portal.enabled ? (
        <ActivationForm
          identifierLabel={identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel)}
          identifierMode={profile.portal.identificationMode}
        />
      ) : (
        <p className="mt-3 text-fg-muted">The patient portal is not available for this clinic. Please contact the clinic.</p>
      )}
    </AccessCard>
  );
}
