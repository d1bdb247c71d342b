import { ChevronLeft, ChevronRight } from 'lucide-react';
import Link from 'next/link';
import type { Formatters, Translate } from '@/lib/i18n/core';
import { INTL_LOCALE } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { monthWeeks, weekStartFor } from '@/lib/scheduling/month-grid';
import { CalendarKeys } from './calendar-keys';
import { secondaryLink } from './styles';

const noon = (date: string) => new Date(`${date}T12:00:00Z`);

/**
 * A month as a table, a week a row: days with free times are links (a dot, and "has free
 * times" for screen readers), the others plain text that cannot be focused; today is marked
 * and the chosen day is the current one. Previous/next month stay inside the clinic's horizon.
 */
export function MonthCalendar({
  month, freeDays, day, today, previous, next, dayHref, monthHref, t, fmt,
}: {
  month: string;
  freeDays: readonly string[];
  day: string | null;
  today: string;
  previous: string | null;
  next: string | null;
  dayHref: (date: string) => string;
  monthHref: (month: string) => string;
  t: Translate<BookingsMessages>;
  fmt: Formatters;
}) {
  const tag = INTL_LOCALE[fmt.locale];
  const weeks = monthWeeks(month, weekStartFor(tag));
  const free = new Set(freeDays);
  const title = dateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(noon(`${month}-01`));
  const weekday = (style: 'short' | 'long', date: string) => dateTimeFormat(tag, { weekday: style, timeZone: 'UTC' }).format(noon(date));
  return (
    <div className="space-y-2">
      <nav aria-label={t('monthNav')} className="flex items-center justify-between gap-2">
        {previous ? (
          <Link href={monthHref(previous)} className={secondaryLink} aria-label={t('previousMonth')}><ChevronLeft aria-hidden className="size-5" /></Link>
        ) : <span className="min-w-11" />}
        <h3 id="month-heading" className="text-base font-semibold capitalize" aria-live="polite">{title}</h3>
        {next ? (
          <Link href={monthHref(next)} className={secondaryLink} aria-label={t('nextMonth')}><ChevronRight aria-hidden className="size-5" /></Link>
        ) : <span className="min-w-11" />}
      </nav>
      <p id="month-help" className="text-sm text-fg-muted">{t('calendarHelp')}</p>
      <CalendarKeys>
        <table aria-labelledby="month-heading" aria-describedby="month-help" className="w-full table-fixed border-collapse text-center">
          <thead>
            <tr>
              {weeks[0]!.map((date) => (
                <th key={date} scope="col" abbr={weekday('long', date)} className="pb-1 text-xs font-medium text-fg-muted">
                  {weekday('short', date)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week) => (
              <tr key={week[0]}>
                {week.map((date) => {
                  if (date.slice(0, 7) !== month) return <td key={date} />;
                  const number = Number(date.slice(8));
                  const isToday = date === today;
                  const todayText = isToday ? `, ${t('todayMark')}` : '';
                  const todayRing = isToday ? 'underline decoration-2 underline-offset-4' : '';
                  return (
                    <td key={date} className="p-0.5">
                      {free.has(date) ? (
                        <Link
                          href={dayHref(date)}
                          data-day={date}
                          aria-current={date === day ? 'date' : undefined}
                          className={`relative mx-auto flex size-11 flex-col items-center justify-center rounded-full text-base font-semibold ${todayRing} ${
                            date === day ? 'bg-brand text-brand-contrast' : 'border border-line bg-surface text-fg hover:border-brand-accent'
                          }`}
                        >
                          <span aria-hidden>{number}</span>
                          <span aria-hidden className={`absolute bottom-1 size-1.5 rounded-full ${date === day ? 'bg-brand-contrast' : 'bg-brand-accent'}`} />
                          <span className="sr-only">{`${fmt.calendarDay(date)}, ${t('hasFreeTimes')}${todayText}`}</span>
                        </Link>
                      ) : (
                        <span className={`mx-auto flex size-11 items-center justify-center text-base text-fg-muted ${todayRing}`}>
                          <span aria-hidden>{number}</span>
                          <span className="sr-only">{`${fmt.calendarDay(date)}${todayText}`}</span>
                        </span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </CalendarKeys>
    </div>
  );
}
