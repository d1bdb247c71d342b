import Link from 'next/link';
import { STATUS_STYLE } from '@/components/emr/schedule/status-style';
import { formatDay, formatTime, visitStatusText, zoneAbbreviation } from '@/lib/scheduling/schedule-format';
import type { HomeSchedule, HomeVisit } from '@/lib/staff-home/emr-overview';
import { homeLinkClass, plural } from './home-card';

/**
 * Today's visits on the EMR overview: a provider's own (at every location) or one location's,
 * each time in its location's zone with the zone named, its status in words, and the visit to get
 * ready for marked "Next up" (or "Now" while under way) in text as well as colour.
 */
export function TodaySchedule({ schedule: s, staffId, canBook, chooseAction }: {
  schedule: HomeSchedule;
  staffId: string;
  canBook: boolean;
  chooseAction: (form: FormData) => Promise<void>;
}) {
  const mine = s.mode === 'mine';
  const where = mine ? 'Your visits' : s.location ? `Visits at ${s.location.name}` : 'Visits';
  const fullSchedule = mine
    ? `/emr/schedule?${new URLSearchParams({ by: 'provider', provider: staffId })}`
    : `/emr/schedule?${new URLSearchParams(s.location ? { location: s.location.id } : {})}`;
  const bookHref = `/emr/schedule/book?${new URLSearchParams({ ...(s.location ? { location: s.location.id } : {}), day: s.today })}`;
  const active = s.visits.filter((v) => v.status !== 'cancelled').length;
  const selected = mine ? 'mine' : s.location?.id ?? '';
  const choices = [...(s.isProvider ? [{ value: 'mine', label: 'My visits' }] : []), ...s.locations.map((l) => ({ value: l.id, label: l.name }))];
  return (
    <section aria-labelledby="today-heading" className="rounded-xl border border-line bg-surface p-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="today-heading" className="text-lg font-semibold">Today · {formatDay(s.today)}</h2>
          <p className="text-sm text-fg-muted">
            {where}: {plural(active, 'visit', 'visits')}
            {s.visits.length > active ? `, ${s.visits.length - active} cancelled` : ''}.{' '}
            {mine ? 'Each time is in its location’s zone.' : `Times in ${s.timeZone.replace(/_/g, ' ')} (${zoneAbbreviation(new Date(`${s.today}T12:00:00Z`), s.timeZone)}).`}
          </p>
        </div>
        {choices.length > 1 ? (
          <form action={chooseAction} className="flex items-end gap-2">
            <div className="flex flex-col">
              <label htmlFor="home-schedule" className="text-sm font-medium">Show</label>
              <select id="home-schedule" name="schedule" defaultValue={selected} className="min-h-11 rounded-lg border border-line bg-surface px-3">
                {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
              </select>
            </div>
            <button type="submit" className="min-h-11 rounded-lg border border-line px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
              Show day
            </button>
          </form>
        ) : null}
      </div>

      {s.visits.length > 0 ? (
        <ol aria-label={`${where} today`} className="mt-4 divide-y divide-line border-y border-line">
          {s.visits.map((v) => <VisitRow key={v.id} visit={v} mine={mine} nextUp={s.nextUp?.id === v.id ? s.nextUp : null} />)}
        </ol>
      ) : (
        <div className="mt-4 rounded-lg border border-dashed border-line p-4 text-sm">
          <EmptyDay schedule={s} canBook={canBook} bookHref={bookHref} />
        </div>
      )}
      <p className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        <Link href={fullSchedule} className={homeLinkClass}>Open the schedule</Link>
        {canBook && s.location ? <Link href={bookHref} className={homeLinkClass}>Book a visit</Link> : null}
      </p>
    </section>
  );
}

function EmptyDay({ schedule: s, canBook, bookHref }: { schedule: HomeSchedule; canBook: boolean; bookHref: string }) {
  if (s.locations.length === 0) {
    return <p>The clinic has no locations yet, so there is no schedule. An admin adds them in CRM → Locations.</p>;
  }
  if (s.mode === 'mine') {
    return <p>No visits for you today. Patients can book your free times; to see a location’s day, choose it above.</p>;
  }
  return (
    <p>
      No visits at {s.location?.name} today.{' '}
      {canBook ? <>Book one from <Link href={bookHref} className={homeLinkClass}>Book a visit</Link>, or choose another location above.</> : 'Choose another location above to see its day.'}
    </p>
  );
}

function VisitRow({ visit: v, mine, nextUp }: { visit: HomeVisit; mine: boolean; nextUp: { underway: boolean } | null }) {
  const zone = v.location.timeZone;
  const time = `${formatTime(v.startsAt, zone)} – ${formatTime(v.endsAt, zone)} ${zoneAbbreviation(v.startsAt, zone)}`;
  const status = visitStatusText(v);
  const cancelled = v.status === 'cancelled';
  const marker = nextUp ? (nextUp.underway ? 'Now' : 'Next up') : null;
  return (
    <li
      data-testid="home-visit"
      data-status={v.status}
      aria-current={marker ? 'true' : undefined}
      className={`flex flex-col gap-1 py-3 sm:flex-row sm:items-center sm:gap-4 ${marker ? '-mx-2 rounded-lg border-l-4 border-brand-accent bg-brand-soft px-2' : ''}`}
    >
      <p className={`w-44 shrink-0 font-semibold tabular-nums ${cancelled ? 'line-through decoration-1' : ''}`}>{time}</p>
      <div className="min-w-0 flex-1">
        <p>
          {marker ? <span className="mr-2 rounded-full bg-brand px-2 py-0.5 text-xs font-semibold text-brand-contrast">{marker}</span> : null}
          <Link href={`/emr/schedule/appointments/${v.id}`} className={homeLinkClass} aria-label={`${v.patient.name}, ${time}, ${status}`}>
            {v.patient.name}
          </Link>
        </p>
        <p className="text-sm text-fg-muted">{v.service} · {mine ? v.location.name : v.provider.name}</p>
      </div>
      <span className={`self-start rounded-full border px-2 py-0.5 text-xs font-semibold sm:self-center ${STATUS_STYLE[v.status]}`}>{status}</span>
    </li>
  );
}
