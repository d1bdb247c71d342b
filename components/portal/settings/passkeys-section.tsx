import { PasskeyManager, type PasskeyActions } from '@/components/passkeys/passkey-manager';
import type { PortalAccountContext } from '@/lib/access/context';
import { messagesFor, translator, type Locale } from '@/lib/i18n/core';
import { passkeys } from '@/lib/i18n/messages/passkeys';
import { portalPasskeysView } from '@/lib/identity/passkeys/account-answers';

/**
 * Settings → "Passkeys" (issue 19): where the clinic lets patients finish signing in with a
 * passkey instead of the SMS code ("SMS code or a passkey"). A clinic that turned passkeys off
 * still lists the patient's passkeys so they can be removed, but offers no new one.
 */
export async function PasskeysSection({ portal, clinicName, timeZone, locale, actions }: {
  portal: PortalAccountContext;
  clinicName: string;
  /** The zone dates are written in (the account's, else the clinic's). */
  timeZone: string;
  locale: Locale;
  actions: PasskeyActions;
}) {
  const { allowed, rows, host } = await portalPasskeysView(portal, clinicName, timeZone);
  if (!allowed && rows.length === 0) return null;
  const t = translator(passkeys, locale);
  return (
    <section id="passkeys" aria-labelledby="passkeys-heading" className="rounded-xl border border-line bg-surface p-4 sm:p-6">
      <h2 id="passkeys-heading" className="text-lg font-semibold">{t('heading')}</h2>
      <p className="mb-4 mt-1 text-sm text-fg-muted">{allowed ? t('portalIntro') : t('portalNotAllowed')}</p>
      <PasskeyManager rows={rows} currentHost={host ?? ''} canAdd={allowed && host !== null} messages={messagesFor(passkeys, locale)} actions={actions} />
    </section>
  );
}
