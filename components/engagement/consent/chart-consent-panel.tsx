import 'server-only';
import type { ConsentSource, SuppressionReason } from '@/db/schema';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { PatientConsents } from '@/lib/engagement/consent';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { ChartConsentForm, type ChartConsentRow } from './chart-consent-form';

const CHANNEL: Record<'email' | 'sms', string> = { email: 'Email', sms: 'SMS' };
const PURPOSE: Record<'care' | 'marketing', string> = { care: 'Care messages', marketing: 'Marketing' };
const SOURCE: Record<ConsentSource, string> = {
  portal: 'Patient portal', staff: 'Staff', signup: 'Sign-up', unsubscribe_link: 'Unsubscribe link', sms_keyword: 'SMS reply', import: 'Import', seed: 'Demo data',
};
const SUPPRESSION: Record<SuppressionReason, string> = {
  unsubscribed: 'unsubscribed from marketing (email link)',
  stopped: 'replied STOP: no texts at all until START',
  bounced: 'bounced: nothing is delivered',
  complained: 'marked as spam: nothing is delivered',
};

/**
 * The chart's consent panel (issue 18): the answer in force per channel and purpose with its
 * source, who recorded it and when (in the clinic's zone), and each address's suppression. With
 * `action` (patients.edit) the answers are a form.
 */
export function ChartConsentPanel({ consents, timeZone, action }: { consents: PatientConsents; timeZone: string; action: FormAction<ActionState> | null }) {
  const when = dateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const rows: ChartConsentRow[] = consents.answers.map((a) => ({
    field: `${a.channel}${a.purpose === 'care' ? 'Care' : 'Marketing'}`,
    label: `${CHANNEL[a.channel]} · ${PURPOSE[a.purpose]}`,
    granted: a.granted,
    source: a.source ? `${SOURCE[a.source]}${a.recordedBy ? ` (${a.recordedBy})` : ''}` : `Default (${a.purpose === 'care' ? 'allowed' : 'not allowed until the patient agrees'})`,
    recordedAt: a.recordedAt ? when.format(a.recordedAt) : null,
    recordedAtIso: a.recordedAt ? a.recordedAt.toISOString() : null,
  }));
  const addresses = (['email', 'sms'] as const).map((channel) => {
    const address = consents.addresses[channel];
    const shown = !address ? 'none on file' : channel === 'sms' ? formatPhoneForDisplay(address) : address;
    const reason = consents.suppressed[channel];
    return { channel: CHANNEL[channel], address: shown, suppression: reason ? SUPPRESSION[reason] : null };
  });
  return (
    <section aria-labelledby="consent-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="consent-heading" className="text-lg font-semibold">Consent to be contacted</h2>
      <p className="mt-1 text-sm text-fg-muted">
        Care messages (reminders, notices) are allowed unless the patient says no; marketing needs the patient’s yes. Each change is kept with its source and time.
      </p>
      <dl className="mt-4 grid gap-3 sm:grid-cols-2">
        {addresses.map((a) => (
          <div key={a.channel}>
            <dt className="text-sm text-fg-muted">{a.channel} address</dt>
            <dd className="font-medium">{a.address}</dd>
            {a.suppression ? <dd className="text-sm text-red-800 dark:text-red-300">Suppressed: {a.suppression}</dd> : null}
          </div>
        ))}
      </dl>
      <ChartConsentForm patientId={consents.patientId} rows={rows} action={action} />
    </section>
  );
}
