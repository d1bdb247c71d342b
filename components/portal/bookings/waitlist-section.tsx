import Link from 'next/link';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { INTL_LOCALE, type Formatters, type Locale, type Translate } from '@/lib/i18n/core';
import type { waitlist } from '@/lib/i18n/messages/waitlist';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import type { PatientWaitlistEntry } from '@/lib/waitlist/entries';
import { timeOfDayOf, WEEKDAY_VALUES } from '@/lib/waitlist/forms';
import { EmptyState } from '../empty-state';
import { textLink } from './styles';
import { WaitlistLeaveButton } from './waitlist-leave-button';

type WaitlistText = Translate<(typeof waitlist)['en']>;

/** Weekday names in the page's language, Monday first, by their posted value (0 = Sunday). */
export function weekdayNames(locale: Locale, style: 'long' | 'short' = 'long'): { value: string; label: string }[] {
  const format = dateTimeFormat(INTL_LOCALE[locale], { weekday: style, timeZone: 'UTC' });
  // 2024-01-07 was a Sunday: day d of that week is weekday d.
  return WEEKDAY_VALUES.map((value) => ({ value, label: format.format(new Date(Date.UTC(2024, 0, 7 + Number(value), 12))) }));
}

function daysText(days: number[], t: WaitlistText, locale: Locale): string {
  if (days.length === 7) return t('everyDay');
  const names = weekdayNames(locale, 'short');
  return names.filter((n) => days.includes(Number(n.value))).map((n) => n.label).join(', ');
}

function timesText(entry: PatientWaitlistEntry, t: WaitlistText): string {
  const part = timeOfDayOf(entry.earliestTime, entry.latestTime);
  return part ? t(`time_${part}`) : t('entryTimesOther', { from: entry.earliestTime, to: entry.latestTime });
}

function offerText(entry: PatientWaitlistEntry, t: WaitlistText, fmt: Formatters): string | null {
  const offer = entry.latestOffer;
  if (!offer) return null;
  const zone = entry.location.timeZone;
  return t(`offer_${offer.status}`, { time: fmt.dateTime(offer.startsAt, zone), expires: fmt.time(offer.expiresAt, zone) });
}

/**
 * The patient's waitlist entries, each with what happened to it (its latest offer) and, while it
 * waits, "Leave the waitlist". Used on the waitlist page and, when there is something to show,
 * on Bookings with a link to the waitlist page (`manageHref`).
 */
export function WaitlistSection({
  entries, t, fmt, leaveAction, manageHref, hideWhenEmpty = false,
}: {
  entries: PatientWaitlistEntry[];
  t: WaitlistText;
  fmt: Formatters;
  leaveAction: FormAction<ActionState>;
  manageHref?: string;
  hideWhenEmpty?: boolean;
}) {
  if (hideWhenEmpty && entries.length === 0) return null;
  return (
    <section aria-labelledby="waitlist-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h2 id="waitlist-heading" className="text-lg font-semibold">{t('listHeading')}</h2>
        {manageHref ? <Link href={manageHref} className={`text-sm ${textLink}`}>{t('manageLink')}</Link> : null}
      </div>
      {entries.length === 0 ? (
        <EmptyState title={t('listEmpty')} />
      ) : (
        <ul className="space-y-3">
          {entries.map((entry) => {
            const title = t('entryTitle', { service: entry.service.name, location: entry.location.name });
            const offer = offerText(entry, t, fmt);
            return (
              <li key={entry.id} className="space-y-3 rounded-xl border border-line bg-surface p-4">
                <h3 className="font-semibold">{title}</h3>
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                  <dt className="text-fg-muted">{t('entryStatus')}</dt>
                  <dd className="font-medium">{t(`status_${entry.status}`)}</dd>
                  <dt className="text-fg-muted">{t('entryProvider')}</dt>
                  <dd>{entry.provider?.name ?? t('anyProvider')}</dd>
                  <dt className="text-fg-muted">{t('entryDays')}</dt>
                  <dd>{daysText(entry.weekdays, t, fmt.locale)}</dd>
                  <dt className="text-fg-muted">{t('entryTimes')}</dt>
                  <dd>{timesText(entry, t)}</dd>
                  <dt className="text-fg-muted">{t('entryUntil')}</dt>
                  <dd>{fmt.calendarDate(entry.untilOn)}</dd>
                  {offer ? (
                    <>
                      <dt className="text-fg-muted">{t('latestOffer')}</dt>
                      <dd>{offer}</dd>
                    </>
                  ) : null}
                </dl>
                {entry.status === 'waiting' ? (
                  <WaitlistLeaveButton
                    action={leaveAction} entryId={entry.id} label={t('leaveButton')} pendingLabel={t('leaving')}
                    accessibleLabel={t('leaveLabel', { service: entry.service.name, location: entry.location.name })}
                  />
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
