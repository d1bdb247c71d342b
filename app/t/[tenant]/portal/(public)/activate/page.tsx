import type { Metadata } from 'next';
import { AccessCard } from '@/components/portal-access/access-card';
import { ActivationForm } from '@/components/portal-access/activation-form';
import { identifierFieldLabel } from '@/lib/auth/messages';
import { messagesFor } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { activationAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalAccess);
  return { title: t('metaActivate') };
}

export default async function ActivatePage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const { t, locale } = await getPublicPortalI18n(portalAccess);
  return (
    <AccessCard title={t('activateTitle')}>
      {profile.portal.enabled ? (
        <ActivationForm
          action={activationAction}
          identifierLabel={identifierFieldLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel, locale)}
          identifierMode={profile.portal.identificationMode}
          messages={messagesFor(portalAccess, locale)}
          codeStep={codeStepLabels(locale)}
        />
      ) : (
        <p className="mt-3 text-fg-muted">{portalSignIn[locale].portalUnavailable}</p>
      )}
    </AccessCard>
  );
}
