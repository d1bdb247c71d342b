import Link from 'next/link';
import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import type { OpenSlot } from '@/lib/scheduling/find-slots';
import { DAY_PARTS, type DayPart } from '@/lib/scheduling/month-grid';

/**
 * One day's free times, one part of the day at a time (the parts are links, each with its count;
 * a part with none is plain text). Each time is a submit button of a GET form, so choosing it
 * puts `slot` in the URL next to the earlier choices; its accessible name carries the date.
 */
export function DayTimes({
  day, parts, part, zone, action, hidden, partHref, t, fmt,
}: {
  /** The location's date whose times these are. */
  day: string;
  parts: Record<DayPart, OpenSlot[]>;
  part: DayPart;
  /** The zone the times are shown in (the patient's, else the location's). */
  zone: string;
  action: string;
  hidden: Record<string, string | null | undefined>;
  partHref: (part: DayPart) => string;
  t: Translate<BookingsMessages>;
  fmt: Formatters;
}) {
  const slots = parts[part];
  return (
    <section id="day-times" aria-labelledby="day-times-heading" className="space-y-3 rounded-xl border border-line bg-surface p-4">
      <h3 id="day-times-heading" className="font-semibold">{t('timesOn', { day: fmt.calendarDay(day) })}</h3>
      <nav aria-label={t('dayParts')}>
        <ul className="grid grid-cols-3 gap-2">
          {DAY_PARTS.map((p) => {
            const label = t('partCount', { part: t(p), count: parts[p].length });
            const box = 'flex min-h-11 items-center justify-center rounded-lg px-2 py-2 text-center text-sm font-medium';
            return (
              <li key={p}>
                {parts[p].length === 0 ? (
                  <span className={`${box} border border-dashed border-line text-fg-muted`}>{label}</span>
                ) : (
                  <Link
                    href={partHref(p)}
                    aria-current={p === part ? 'true' : undefined}
                    className={`${box} ${p === part ? 'bg-brand text-brand-contrast' : 'border border-line bg-surface-muted text-fg hover:border-brand-accent'}`}
                  >
                    {label}
                  </Link>
                )}
              </li>
            );
          })}
        </ul>
      </nav>
      {slots.length === 0 ? (
        <p className="text-sm text-fg-muted">{t('noSlotsDay')}</p>
      ) : (
        <form method="get" action={action}>
          {Object.entries(hidden).map(([key, value]) => (value ? <input key={key} type="hidden" name={key} value={value} /> : null))}
          <ul className="grid grid-cols-3 gap-2 sm:grid-cols-4 lg:grid-cols-6">
            {slots.map((slot) => {
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
        </form>
      )}
    </section>
  );
}
