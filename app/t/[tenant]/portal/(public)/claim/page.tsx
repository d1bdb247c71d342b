import type { Metadata } from 'next';
import Link from 'next/link';
import { AccessCard } from '@/components/portal-access/access-card';
import { ClaimForm } from '@/components/portal-access/claim-form';
import { identifierFieldLabel, identifierInSentence } from '@/lib/auth/messages';
import { identifierLabel } from '@/lib/auth/identifiers';
import { messagesFor } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { claimAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalAccess);
  return { title: t('metaClaim') };
}

export default async function ClaimPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const { t, locale } = await getPublicPortalI18n(portalAccess);
  const { enabled, accessMode, identificationMode, nationalIdLabel } = profile.portal;
  return (
    <AccessCard title={t('claimTitle')}>
      {!enabled ? (
        <p className="mt-3 text-fg-muted">{portalSignIn[locale].portalUnavailable}</p>
      ) : accessMode !== 'automatic' ? (
        <div className="mt-3 space-y-3">
          <p className="text-fg-muted">{t('errNotAvailable')}</p>
          <Link href="/portal/activate" className="link">
            {t('activateWithPortalId')}
          </Link>
        </div>
      ) : (
        <ClaimForm
          action={claimAction}
          identifierLabel={identifierFieldLabel(identificationMode, nationalIdLabel, locale)}
          identifierInSentence={identifierInSentence(identifierLabel(identificationMode, nationalIdLabel), locale)}
          identifierType={identificationMode === 'email' ? 'email' : 'text'}
          messages={messagesFor(portalAccess, locale)}
          codeStep={codeStepLabels(locale)}
        />
      )}
    </AccessCard>
  );
}
