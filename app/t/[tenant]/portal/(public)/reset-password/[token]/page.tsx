import type { Metadata } from 'next';
import Link from 'next/link';
import { AccessCard } from '@/components/portal-access/access-card';
import { ResetLinkForm } from '@/components/portal-access/reset-link-form';
import { getDb } from '@/db/client';
import { messagesFor } from '@/lib/i18n/core';
import { portalAccess } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { inspectPasswordResetLink } from '@/lib/portal-access/password-reset';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { resetLinkAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalAccess);
  return { title: t('metaReset') };
}

const linkClass = 'link';

/** Opening the link only reads it: the code is sent when the person asks for it. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { profile } = await getPageTenant(params);
  const { token } = await params;
  const { t, locale } = await getPublicPortalI18n(portalAccess);
  if (!profile.portal.enabled) {
    return (
      <AccessCard title={t('resetTitle')}>
        <p className="mt-3 text-fg-muted">{portalSignIn[locale].portalUnavailable}</p>
      </AccessCard>
    );
  }
  const link = await inspectPasswordResetLink(getDb(), profile, token);
  if (!link.ok) {
    const title = link.error === 'link-expired' ? t('linkExpiredTitle') : link.error === 'link-used' ? t('linkUsedTitle') : t('linkInvalidTitle');
    return (
      <AccessCard title={title}>
        <div className="mt-3 space-y-3 text-fg-muted">
          <p>{link.error === 'link-expired' ? t('resetLinkExpiredBody') : t('resetLinkOtherBody')}</p>
          <Link href="/portal/forgot-password" className={linkClass}>{t('forgotPassword')}</Link>
        </div>
      </AccessCard>
    );
  }
  return (
    <AccessCard title={t('resetTitle')}>
      <ResetLinkForm action={resetLinkAction} token={token} maskedPhone={link.maskedPhone} messages={messagesFor(portalAccess, locale)} codeStep={codeStepLabels(locale)} />
    </AccessCard>
  );
}
