import type { Metadata } from 'next';
import { PortalMessagesSection } from '@/components/engagement/consent/portal-messages-section';
import { AuthenticatorSection } from '@/components/portal/settings/authenticator-section';
import { PasskeysSection } from '@/components/portal/settings/passkeys-section';
import { DeleteAccountForm } from '@/components/portal/settings/delete-account-form';
import { PasswordForm } from '@/components/portal/settings/password-form';
import { PreferencesForm } from '@/components/portal/settings/preferences-form';
import { getDb } from '@/db/client';
import { requirePortalAccount } from '@/lib/auth/portal-session';
import { consentsForAccount } from '@/lib/engagement/consent';
import { messagesFor } from '@/lib/i18n/core';
import { settings } from '@/lib/i18n/messages/settings';
import { getPortalI18n } from '@/lib/i18n/portal';
import { getAuthenticatorStatus } from '@/lib/portal-access/authenticator';
import { supportedTimeZones } from '@/lib/settings/time-zones';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { changePasswordAction, deleteAccountAction, savePreferencesAction } from './actions';
import { saveMessageChoicesAction } from './message-actions';
import { addPasskeyAction, passkeyOptionsAction, removePasskeyAction, renamePasskeyAction } from './passkey-actions';
import { cancelAuthenticatorAction, confirmAuthenticatorAction, regenerateRecoveryCodesAction, removeAuthenticatorAction, startAuthenticatorAction } from './authenticator-actions';

const authenticatorActions = {
  start: startAuthenticatorAction,
  cancel: cancelAuthenticatorAction,
  confirm: confirmAuthenticatorAction,
  regenerate: regenerateRecoveryCodesAction,
  remove: removeAuthenticatorAction,
};

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getPortalI18n(settings);
  return { title: t('title') };
}

/** Seed 002 "Settings": per account, so it needs no selected patient. */
export default async function PortalSettingsPage({ params, searchParams }: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const portal = await requirePortalAccount();
  const { profile } = await getPageTenant(params);
  const { t, locale } = await getPortalI18n(settings);
  const consents = await consentsForAccount(getDb(), portal);
  const savedParam = (await searchParams).saved;
  const saved = savedParam === 'preferences';
  const messages = messagesFor(settings, locale);
  const section = 'rounded-xl border border-line bg-surface p-4 sm:p-6';
  return (
    <div className="mx-auto max-w-2xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">{t('title')}</h1>
        <p className="mt-1 text-fg-muted">{t('intro')}</p>
      </div>
      <section aria-labelledby="preferences-heading" className={section}>
        <h2 id="preferences-heading" className="mb-4 text-lg font-semibold">{t('preferencesHeading')}</h2>
        <PreferencesForm
          action={savePreferencesAction}
          messages={messages}
          language={portal.account.language}
          timeZone={portal.account.timeZone}
          zones={supportedTimeZones()}
          saved={saved}
        />
      </section>
      <PortalMessagesSection
        patients={portal.patients}
        consents={consents}
        locale={locale}
        clinic={profile.branding.displayName}
        timeZone={portal.account.timeZone ?? profile.locations[0]?.timeZone ?? 'UTC'}
        action={saveMessageChoicesAction}
        saved={savedParam === 'messages'}
      />
      <section aria-labelledby="password-heading" className={section}>
        <h2 id="password-heading" className="text-lg font-semibold">{t('passwordHeading')}</h2>
        <p className="mb-4 mt-1 text-sm text-fg-muted">{t('passwordIntro')}</p>
        <PasswordForm action={changePasswordAction} messages={messages} />
      </section>
      <AuthenticatorSection
        status={await getAuthenticatorStatus(getDb(), portal, profile.branding.displayName)}
        locale={locale}
        timeZone={portal.account.timeZone ?? profile.locations[0]?.timeZone ?? 'UTC'}
        actions={authenticatorActions}
      />
      <PasskeysSection portal={portal} clinicName={profile.branding.displayName} timeZone={portal.account.timeZone ?? profile.locations[0]?.timeZone ?? 'UTC'} locale={locale} actions={{ options: passkeyOptionsAction, add: addPasskeyAction, rename: renamePasskeyAction, remove: removePasskeyAction }} />
      <section aria-labelledby="delete-heading" className="rounded-xl border border-red-300 bg-surface p-4 sm:p-6">
        <h2 id="delete-heading" className="text-lg font-semibold text-red-800 dark:text-red-300">{t('deleteHeading')}</h2>
        <p className="mt-1 text-sm">{t('deleteIntro')}</p>
        <p className="mb-4 mt-2 text-sm text-fg-muted">{t('deleteRecordKept')}</p>
        <DeleteAccountForm action={deleteAccountAction} messages={messages} />
      </section>
    </div>
  );
}
