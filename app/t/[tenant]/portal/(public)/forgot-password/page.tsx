import type { Metadata } from 'next';
import { AccessCard } from '@/components/portal-access/access-card';
import { ForgotPasswordForm } from '@/components/portal-access/forgot-password-form';
import { identifierFieldLabel, identifierInSentence } from '@/lib/auth/messages';
import { identifierLabel } from '@/lib/auth/identifiers';
import { messagesFor } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { forgotPasswordAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalAccess);
  return { title: t('metaForgot') };
}

export default async function ForgotPasswordPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const { t, locale } = await getPublicPortalI18n(portalAccess);
  const { enabled, identificationMode, nationalIdLabel } = profile.portal;
  return (
    <AccessCard title={t('resetTitle')}>
      {enabled ? (
        <ForgotPasswordForm
          action={forgotPasswordAction}
          identifierLabel={identifierFieldLabel(identificationMode, nationalIdLabel, locale)}
          identifierInSentence={identifierInSentence(identifierLabel(identificationMode, nationalIdLabel), locale)}
          identifierType={identificationMode === 'email' ? 'email' : 'text'}
          offerEmailLink={identificationMode === 'email'}
          messages={messagesFor(portalAccess, locale)}
          codeStep={codeStepLabels(locale)}
        />
      ) : (
        <p className="mt-3 text-fg-muted">{portalSignIn[locale].portalUnavailable}</p>
      )}
    </AccessCard>
  );
}
