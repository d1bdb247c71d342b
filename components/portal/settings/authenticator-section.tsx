import { formatters, messagesFor, translator, type Locale } from '@/lib/i18n/core';
import { authenticatorSettings } from '@/lib/i18n/messages/authenticator';
import type { AuthenticatorStatus } from '@/lib/portal-access/authenticator';
import { AuthenticatorForms, type AuthenticatorActions, type AuthenticatorView } from './authenticator-forms';

/**
 * Settings → "Authenticator app" (seed 002 "Activate MFA"). Shown where the clinic allows the app,
 * or where the patient still has one the clinic no longer offers (it can be removed).
 */
export function AuthenticatorSection({ status, locale, timeZone, actions }: {
  status: AuthenticatorStatus;
  locale: Locale;
  /** The zone the date it was set up is written in. */
  timeZone: string;
  actions: AuthenticatorActions;
}) {
  if (!status.allowed && status.state !== 'on') return null;
  const t = translator(authenticatorSettings, locale);
  const view: AuthenticatorView = status.state === 'pending'
    ? { state: 'pending', allowed: status.allowed, secret: status.secret, qrSvg: status.qrSvg }
    : { state: status.state, allowed: status.allowed };
  return (
    <section id="authenticator" aria-labelledby="authenticator-heading" className="rounded-xl border border-line bg-surface p-4 sm:p-6">
      <h2 id="authenticator-heading" className="text-lg font-semibold">{t('heading')}</h2>
      <p className="mt-1 text-sm text-fg-muted">{t('intro')}</p>
      <div className="mb-4 mt-3 space-y-1 text-sm">
        {status.state === 'on' ? (
          <>
            <p className="font-medium">{t('statusOn', { date: formatters(locale).dateTime(status.enrolledAt, timeZone) })}</p>
            <p>
              {status.recoveryCodesLeft === 0
                ? t('codesNoneLeft')
                : t(status.recoveryCodesLeft === 1 ? 'codesLeftOne' : 'codesLeftOther', { n: status.recoveryCodesLeft })}
            </p>
            {status.allowed ? null : <p>{t('notOffered')}</p>}
          </>
        ) : status.state === 'off' ? (
          <p>{t('statusOff')}</p>
        ) : null}
      </div>
      <AuthenticatorForms view={view} messages={messagesFor(authenticatorSettings, locale)} actions={actions} />
    </section>
  );
}
