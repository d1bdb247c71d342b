import type { Metadata } from 'next';
import Link from 'next/link';
import { AccessCard } from '@/components/portal-access/access-card';
import { InviteAcceptForm } from '@/components/portal-access/invite-accept-form';
import { getDb } from '@/db/client';
import { identifierLabel } from '@/lib/auth/identifiers';
import { messagesFor, type Locale, type Translate } from '@/lib/i18n/core';
import { portalAccess, type PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import { codeStepLabels, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { inspectPortalInvite, type InviteLinkProblem } from '@/lib/portal-access/invite-accept';
import { portalAccessMessage } from '@/lib/portal-access/messages';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { inviteAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalAccess);
  return { title: t('metaInvite') };
}

const linkClass = 'link';

/** Opening the link only reads it: mail scanners that fetch links spend nothing. */
export default async function InvitePage({ params }: { params: Promise<{ tenant: string; token: string }> }) {
  const { profile } = await getPageTenant(params);
  const { token } = await params;
  const { t, locale } = await getPublicPortalI18n(portalAccess);
  if (!profile.portal.enabled) {
    return (
      <AccessCard title={t('inviteTitle')}>
        <p className="mt-3 text-fg-muted">{portalSignIn[locale].portalUnavailable}</p>
      </AccessCard>
    );
  }
  const invite = await inspectPortalInvite(getDb(), profile, token);
  if (!invite.ok) {
    const label = identifierLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel);
    return <InviteProblem problem={invite.error} label={label} t={t} locale={locale} />;
  }
  return (
    <AccessCard title={invite.mode === 'existing' ? t('inviteExistingTitle') : t('claimTitle')}>
      <InviteAcceptForm
        action={inviteAction}
        token={token}
        mode={invite.mode}
        email={invite.email}
        maskedPhone={invite.maskedPhone}
        messages={messagesFor(portalAccess, locale)}
        codeStep={codeStepLabels(locale)}
      />
    </AccessCard>
  );
}

function InviteProblem({ problem, label, t, locale }: { problem: InviteLinkProblem; label: string; t: Translate<PortalAccessMessages>; locale: Locale }) {
  if (problem === 'link-expired') {
    return (
      <AccessCard title={t('inviteExpiredTitle')}>
        <div className="mt-3 space-y-3 text-fg-muted">
          <p>{t('inviteExpiredBody')}</p>
          <p>{t('inviteExpiredContact')}</p>
          <p className="flex flex-wrap gap-x-4 gap-y-2">
            <Link href="/portal/forgot-password" className={linkClass}>{t('forgotPassword')}</Link>
            <Link href="/portal/sign-in" className={linkClass}>{t('goToSignIn')}</Link>
          </p>
        </div>
      </AccessCard>
    );
  }
  if (problem === 'link-used') {
    return (
      <AccessCard title={t('linkUsedTitle')}>
        <div className="mt-3 space-y-3 text-fg-muted">
          <p>{t('inviteUsedBody')}</p>
          <Link href="/portal/sign-in" className={linkClass}>{t('goToSignIn')}</Link>
        </div>
      </AccessCard>
    );
  }
  const title = problem === 'link-invalid' ? t('linkInvalidTitle') : t('contactClinicTitle');
  return (
    <AccessCard title={title}>
      <div className="mt-3 space-y-3 text-fg-muted">
        <p>{portalAccessMessage(problem, { identifierLabel: label }, locale)}</p>
        <Link href="/portal/sign-in" className={linkClass}>{t('goToSignIn')}</Link>
      </div>
    </AccessCard>
  );
}
