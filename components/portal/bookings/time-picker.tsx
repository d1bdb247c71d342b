import Link from 'next/link';
import type { Formatters, Translate } from '@/lib/i18n/core';
import type { BookingsMessages } from '@/lib/i18n/messages/bookings';
import type { OpenSlot } from '@/lib/scheduling/find-slots';
import { DAY_PARTS, groupByDayPart, type DayPart } from '@/lib/scheduling/month-grid';
import type { BookingMonth } from '@/lib/scheduling/online-booking';
import { zonedDate, zonedTime } from '@/lib/scheduling/zoned-time';
import { DayTimes } from './day-times';
import { MonthCalendar } from './month-calendar';
import { secondaryLink } from './styles';

/**
 * The time step of booking (and of moving a visit): "next available" first, then a month of free
 * days and the chosen day's times, one part of the day at a time, so a phone shows a short page
 * and the keyboard a short tab order (fewer than 30 stops). Every control is a link or a GET
 * form: it works without JavaScript and with the back button.
 */
export function TimePicker({
  month, zone, part, path, here, href, providerId, waitlistHref, t, fmt,
}: {
  month: BookingMonth;
  /** The zone the times are shown in (the patient's, else the location's). */
  zone: string;
  part: DayPart | undefined;
  path: string;
  /** The choices the URL carries besides the day (location, service, provider…), for the times' form. */
  here: Record<string, string | undefined>;
  /** This step's address with `here` and these values changed (a hash appended). */
  href: (values: Record<string, string | undefined>, hash?: string) => string;
  providerId: string | 'any';
  waitlistHref: string | null;
  t: Translate<BookingsMessages>;
  fmt: Formatters;
}) {
  const slotHref = (slot: OpenSlot, provider?: string) =>
    href({ provider, day: zonedDate(slot.startsAt, month.timeZone), slot: slot.startsAt.toISOString() });
  const parts = groupByDayPart(month.slots, (slot) => zonedTime(slot.startsAt, zone));
  const shownPart = part && parts[part].length > 0 ? part : DAY_PARTS.find((p) => parts[p].length > 0) ?? 'morning';
  const sample = month.slots[0]?.startsAt ?? new Date(`${month.month}-15T12:00:00Z`);
  const when = (slot: OpenSlot) => fmt.dateTime(slot.startsAt, zone);
  const { nextAvailable: anyone, nextWithChosen: chosen } = month;
  // With one provider chosen, anyone's earlier time is offered too, booked with whoever is free then.
  const anyoneEarlier = providerId !== 'any' && anyone && (!chosen || anyone.startsAt < chosen.startsAt) ? anyone : null;

  return (
    <section aria-labelledby="times-heading" className="space-y-4">
      <div>
        <h2 id="times-heading" className="text-lg font-semibold">{t('stepTime')}</h2>
        <p className="text-sm text-fg-muted">
          {t('timesIn', { zone: fmt.zoneName(sample, zone) })}
          {zone === month.timeZone ? null : ` ${t('locationZoneNote', { zone: fmt.zoneName(sample, month.timeZone) })}`}
        </p>
      </div>
      {chosen || anyoneEarlier ? (
        <ul className="space-y-2">
          {chosen ? (
            <li>
              <Link href={slotHref(chosen)} className={`${secondaryLink} w-full justify-start text-left`}>
                {t('nextAvailable', { when: when(chosen), name: chosen.providers[0]!.name })}
              </Link>
            </li>
          ) : null}
          {anyoneEarlier ? (
            <li>
              <Link href={slotHref(anyoneEarlier, anyoneEarlier.providers[0]!.id)} className={`${secondaryLink} w-full justify-start text-left`}>
                {t('nextAvailableAny', { when: when(anyoneEarlier), name: anyoneEarlier.providers[0]!.name })}
              </Link>
            </li>
          ) : null}
        </ul>
      ) : null}
      <MonthCalendar
        month={month.month} freeDays={month.freeDays} day={month.day} today={month.today} previous={month.previous} next={month.next}
        dayHref={(date) => href({ day: date }, '#day-times')} monthHref={(m) => href({ month: m })} t={t} fmt={fmt}
      />
      {month.day ? (
        <DayTimes
          day={month.day} parts={parts} part={shownPart} zone={zone} action={path} hidden={{ ...here, day: month.day }}
          partHref={(p) => href({ day: month.day!, part: p }, '#day-times')} t={t} fmt={fmt}
        />
      ) : (
        <p className="rounded-xl border border-dashed border-line bg-surface p-4">{t('noSlotsMonth')}</p>
      )}
      {waitlistHref ? (
        <div className="space-y-2 rounded-xl border border-dashed border-line bg-surface p-4">
          <p className="font-medium">{t('noTimeSuits')}</p>
          <p className="text-sm text-fg-muted">{t('waitlistHint')}</p>
          <Link href={waitlistHref} className={secondaryLink}>{t('joinWaitlist')}</Link>
        </div>
      ) : null}
    </section>
  );
}
