import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { PortalSignInForm } from '@/components/auth/portal-sign-in-form';
import { LocationCard } from '@/components/locations/location-card';
import { identifierFieldLabel, sessionEndMessage } from '@/lib/auth/messages';
import { getPortalSession } from '@/lib/auth/portal-session';
import { messagesFor } from '@/lib/i18n/core';
import { authenticatorSignIn } from '@/lib/i18n/messages/authenticator';
import { passkeys, pickPasskeySignInMessages } from '@/lib/i18n/messages/passkeys';
import { pickSignInFormMessages, portalSignIn } from '@/lib/i18n/messages/portal-sign-in';
import { getPublicPortalI18n } from '@/lib/i18n/portal';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { portalSignInAction } from './actions';

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPublicPortalI18n(portalSignIn);
  return { title: t('metaTitle') };
}

const linkClass = 'link';

export default async function PortalSignInPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<{ reason?: string }>;
}) {
  const { profile } = await getPageTenant(params);
  if ((await getPortalSession()).status === 'signed-in') redirect('/portal');
  const { t, locale } = await getPublicPortalI18n(portalSignIn);
  const { reason } = await searchParams;
  const notice = sessionEndMessage(reason, locale);
  const { displayName } = profile.branding;
  const label = identifierFieldLabel(profile.portal.identificationMode, profile.portal.nationalIdLabel, locale);

  // Phone first: welcome, then sign-in, then locations; on wide screens sign-in sits beside them.
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_26rem] lg:items-start lg:gap-8">
      <section className="rounded-2xl bg-brand px-6 py-6 text-brand-contrast sm:px-10 sm:py-12 lg:col-start-1 lg:row-start-1">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('welcome', { clinic: displayName })}</h1>
        <p className="mt-3 max-w-xl text-base leading-7 opacity-95">{t('welcomeIntro')}</p>
      </section>
      <section aria-labelledby="sign-in-heading" className="rounded-2xl border border-line bg-surface p-6 shadow-sm lg:col-start-2 lg:row-span-2 lg:row-start-1">
        <h2 id="sign-in-heading" className="text-xl font-semibold">{t('heading')}</h2>
        {notice ? (
          <p role="status" className="mt-3 rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">
            {notice}
          </p>
        ) : null}
        {profile.portal.enabled ? (
          <>
            <PortalSignInForm
              action={portalSignInAction}
              identifierLabel={label}
              identifierType={profile.portal.identificationMode === 'email' ? 'email' : 'text'}
              messages={pickSignInFormMessages(messagesFor(portalSignIn, locale))}
              appMessages={profile.portal.totpAllowed ? messagesFor(authenticatorSignIn, locale) : undefined}
              passkeyMessages={profile.portal.passkeysAllowed ? pickPasskeySignInMessages(messagesFor(passkeys, locale)) : undefined}
            />
            <div className="mt-6 space-y-2 border-t border-line pt-4 text-sm">
              <p>
                <Link className={linkClass} href="/portal/forgot-password">
                  {t('forgotPassword')}
                </Link>
              </p>
              <p className="text-fg-muted">
                {t('portalIdPrompt')}{' '}
                <Link className={linkClass} href="/portal/activate">
                  {t('activateAccount')}
                </Link>
              </p>
              {profile.portal.accessMode === 'automatic' ? (
                <p className="text-fg-muted">
                  {t('firstTimePrompt')}{' '}
                  <Link className={linkClass} href="/portal/claim">
                    {t('setUpAccount')}
                  </Link>
                </p>
              ) : null}
              {profile.portal.selfRegistration !== 'off' ? (
                <p className="text-fg-muted">
                  {t('registerPrompt')}{' '}
                  <Link className={linkClass} href="/portal/register">
                    {t('registerLink')}
                  </Link>
                </p>
              ) : null}
            </div>
          </>
        ) : (
          <p className="mt-3 text-fg-muted">{t('portalUnavailable')}</p>
        )}
      </section>
      {/* A clinic still setting up has no locations yet: no heading with nothing under it. */}
      {profile.locations.length > 0 ? (
        <section aria-labelledby="locations-heading" className="lg:col-start-1 lg:row-start-2">
          <h2 id="locations-heading" className="text-lg font-semibold">
            {profile.locations.length === 1 ? t('ourLocation') : t('ourLocations')}
          </h2>
          <ul className="mt-3 grid gap-3 sm:grid-cols-2">
            {profile.locations.map((location) => (
              <LocationCard key={location.id} location={location} clinicName={displayName} language={locale} defaultLanguage={profile.portal.defaultLanguage} />
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
