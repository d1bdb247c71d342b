import 'server-only';
import type { SuppressionReason } from '@/db/schema';
import type { LinkedPatient } from '@/lib/access/context';
import { FormMessage } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { PatientConsents } from '@/lib/engagement/consent';
import { formatters, translator, type Locale, type Translate } from '@/lib/i18n/core';
import { consent, type ConsentMessages } from '@/lib/i18n/messages/consent';
import { PortalMessageChoices, type PortalChannelChoice } from './portal-message-choices';

/**
 * The "Messages from the clinic" section of /portal/settings: for each patient the account may
 * act for, marketing by email and by text, with what stands in the way of each (no address,
 * an unsubscribe, a STOP). Care messages are not offered as a choice: they are part of the care.
 */
export function PortalMessagesSection({ patients, consents, locale, clinic, timeZone, action, saved }: {
  /** The patients the account may act for, and what each has said (lib/engagement/consent.ts consentsForAccount). */
  patients: readonly LinkedPatient[];
  consents: readonly PatientConsents[];
  locale: Locale;
  clinic: string;
  /** For "last changed": the account's zone, else the clinic's. */
  timeZone: string;
  action: FormAction;
  saved: boolean;
}) {
  const everyone = consents.flatMap((c) => {
    const patient = patients.find((p) => p.id === c.patientId);
    return patient ? [{ patient, consents: c }] : [];
  });
  if (everyone.length === 0) return null;
  const t = translator(consent, locale);
  const fmt = formatters(locale);
  const several = everyone.length > 1;
  return (
    <section aria-labelledby="messages-heading" className="rounded-xl border border-line bg-surface p-4 sm:p-6">
      <h2 id="messages-heading" className="text-lg font-semibold">{t('messagesHeading')}</h2>
      <p className="mb-4 mt-1 text-sm text-fg-muted">{t('messagesIntro', { clinic })}</p>
      {saved ? <div className="mb-4"><FormMessage tone="info" message={t('messagesSaved')} /></div> : null}
      <div className="space-y-6">
        {everyone.map(({ patient, consents }) => {
          const marketing = consents.answers.filter((a) => a.purpose === 'marketing');
          const last = marketing.map((a) => a.recordedAt).filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0];
          return (
            <PortalMessageChoices
              key={patient.id}
              action={action}
              locale={locale}
              patientId={patient.id}
              patientName={several ? `${patient.firstName} ${patient.lastName}` : null}
              email={choiceOf(consents, 'email', t)}
              sms={choiceOf(consents, 'sms', t)}
              lastChanged={last ? fmt.dateTime(last, timeZone) : null}
            />
          );
        })}
      </div>
    </section>
  );
}

function choiceOf(consents: PatientConsents, channel: 'email' | 'sms', t: Translate<ConsentMessages>): PortalChannelChoice {
  const granted = consents.answers.find((a) => a.channel === channel && a.purpose === 'marketing')?.granted ?? false;
  return { granted, note: noteFor(channel, consents.addresses[channel], consents.suppressed[channel], t) };
}

function noteFor(channel: 'email' | 'sms', address: string | null, suppressed: SuppressionReason | null, t: Translate<ConsentMessages>): string | null {
  if (!address) return channel === 'email' ? t('noEmailOnFile') : t('noPhoneOnFile');
  if (suppressed === 'unsubscribed' && channel === 'email') return t('emailUnsubscribed');
  if (suppressed === 'stopped') return t('smsStopped');
  return suppressed ? t('addressBlocked') : null;
}
