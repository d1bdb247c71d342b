import Link from 'next/link';
import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import type { BookingWeek } from '@/lib/scheduling/online-booking';
import { secondaryLink } from './styles';

/**
 * A week of free times, one day per group. Each time is a submit button of a GET form, so
 * choosing it puts `slot` in the URL next to the earlier choices; its accessible name carries the
 * date, which the visible text leaves to the day heading. Days without times say so.
 */
export function WeekSlots({
  week, zone, action, hidden, weekHref, t, fmt,
}: {
  week: BookingWeek;
  /** The zone the times are shown in (the patient's, else the location's). */
  zone: string;
  action: string;
  hidden: Record<string, string | null | undefined>;
  weekHref: (start: string) => string;
  t: Translate<BookingsMessages>;
  fmt: Formatters;
}) {
  const total = week.days.reduce((n, d) => n + d.slots.length, 0);
  const lastDay = week.days.at(-1)?.date ?? week.start;
  const sample = week.days.flatMap((d) => d.slots)[0]?.startsAt ?? new Date(`${week.start}T12:00:00Z`);
  return (
    <section aria-labelledby="times-heading" className="space-y-4">
      <div>
        <h2 id="times-heading" className="text-lg font-semibold">{t('stepTime')}</h2>
        <p className="text-sm text-fg-muted">
          {t('timesIn', { zone: fmt.zoneName(sample, zone) })}
          {zone === week.timeZone ? null : ` ${t('locationZoneNote', { zone: fmt.zoneName(sample, week.timeZone) })}`}
        </p>
      </div>
      <nav aria-label={t('weekNav')} className="flex flex-wrap items-center justify-between gap-2">
        {week.previous ? <Link href={weekHref(week.previous)} className={secondaryLink}>← {t('previousWeek')}</Link> : <span />}
        <p className="text-sm font-medium" aria-live="polite">
          {t('weekRange', { from: fmt.calendarDate(week.start), to: fmt.calendarDate(lastDay) })}
        </p>
        {week.next ? <Link href={weekHref(week.next)} className={secondaryLink}>{t('nextWeek')} →</Link> : <span />}
      </nav>
      {total === 0 ? <p className="rounded-xl border border-dashed border-line bg-surface p-4">{t('noSlotsWeek')}</p> : null}
      <form method="get" action={action}>
        {Object.entries(hidden).map(([key, value]) => (value ? <input key={key} type="hidden" name={key} value={value} /> : null))}
        <ul className="space-y-3">
          {week.days.map((day) => (
            <li key={day.date} className="rounded-xl border border-line bg-surface p-4">
              <h3 className="font-semibold">{fmt.calendarDay(day.date)}</h3>
              {day.slots.length === 0 ? (
                <p className="mt-1 text-sm text-fg-muted">{t('noSlotsDay')}</p>
              ) : (
                <ul className="mt-2 grid grid-cols-3 gap-2 sm:grid-cols-5 lg:grid-cols-6">
                  {day.slots.map((slot) => {
                    const time = fmt.time(slot.startsAt, zone);
                    return (
                      <li key={slot.startsAt.toISOString()}>
                        <button
                          type="submit"
                          name="slot"
                          value={slot.startsAt.toISOString()}
                          aria-label={t('slotLabel', { day: fmt.day(slot.startsAt, zone), time })}
                          className="min-h-11 w-full rounded-lg border border-line bg-surface-muted px-2 py-2 text-base font-medium hover:border-brand-accent"
                        >
                          {time}
                        </button>
                      </li>
                    );
                  })}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </form>
    </section>
  );
}
