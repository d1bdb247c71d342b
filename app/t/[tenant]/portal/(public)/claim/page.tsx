import type { Metadata } from 'next';
import Link from 'next/link';
import { AccessCard } from '@/components/portal-access/access-card';
import { ClaimForm } from '@/components/portal-access/claim-form';
import { identifierLabel } from '@/lib/auth/identifiers';
import { portalAccessMessage } from '@/lib/portal-access/messages';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Set up your account' };

export default async function ClaimPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const { enabled, accessMode, identificationMode, nationalIdLabel } = profile.portal;
  return (
    <AccessCard title="Set up your portal account">
      {!enabled ? (
        <p className="mt-3 text-fg-muted">The patient portal is not available for this clinic. Please contact the clinic.</p>
      ) : accessMode !== 'automatic' ? (
        <div className="mt-3 space-y-3">
          <p className="text-fg-muted">{portalAccessMessage('not-available')}</p>
          <Link href="/portal/activate" className="font-medium text-brand-accent underline underline-offset-2">
            Activate with a portal ID
          </Link>
        </div>
      ) : (
        <ClaimForm
          identifierLabel={identifierLabel(identificationMode, nationalIdLabel)}
          identifierType={identificationMode === 'email' ? 'email' : 'text'}
        />
      )}
    </AccessCard>
  );
}
