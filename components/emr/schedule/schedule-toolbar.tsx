import Link from 'next/link';
import { addDays } from '@/lib/scheduling/zoned-time';
import type { ScheduleView } from '@/lib/scheduling/schedule-view';

export function scheduleUrl(view: Pick<ScheduleView, 'view' | 'by' | 'date' | 'location' | 'provider'>, over: Partial<{ view: string; by: string; date: string; location: string; provider: string }> = {}) {
  const params = new URLSearchParams({ view: view.view, by: view.by, date: view.date });
  if (view.location) params.set('location', view.location.id);
  if (view.provider) params.set('provider', view.provider.id);
  for (const [k, v] of Object.entries(over)) if (v) params.set(k, v);
  if (over.by === 'location') params.delete('provider');
  if (over.by === 'provider') params.delete('location');
  return `/emr/schedule?${params}`;
}

const pill = 'inline-flex min-h-11 items-center px-4 font-medium focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent';

function Toggle({ label, options }: { label: string; options: { href: string; text: string; current: boolean }[] }) {
  return (
    <nav aria-label={label} className="inline-flex overflow-hidden rounded-lg border border-line bg-surface">
      {options.map((o) => (
        <Link key={o.text} href={o.href} aria-current={o.current ? 'page' : undefined}
          className={`${pill} ${o.current ? 'bg-brand text-brand-contrast' : 'hover:bg-surface-muted'}`}>
          {o.text}
        </Link>
      ))}
    </nav>
  );
}

/** View and grouping toggles, the location or provider picker, and day/week navigation; all in the URL. */
export function ScheduleToolbar({ view }: { view: ScheduleView }) {
  const step = view.view === 'week' ? 7 : 1;
  const choices = view.by === 'location' ? view.locations : view.providers;
  const selected = view.by === 'location' ? view.location?.id : view.provider?.id;
  const what = view.by === 'location' ? 'Location' : 'Provider';
  return (
    <div className="flex flex-wrap items-end gap-3">
      <Toggle label="View" options={[
        { href: scheduleUrl(view, { view: 'day' }), text: 'Day', current: view.view === 'day' },
        { href: scheduleUrl(view, { view: 'week' }), text: 'Week', current: view.view === 'week' },
      ]} />
      <Toggle label="Group by" options={[
        { href: scheduleUrl(view, { by: 'location' }), text: 'By location', current: view.by === 'location' },
        { href: scheduleUrl(view, { by: 'provider' }), text: 'By provider', current: view.by === 'provider' },
      ]} />
      <form action="/emr/schedule" className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="view" value={view.view} />
        <input type="hidden" name="by" value={view.by} />
        <div>
          <label htmlFor="schedule-subject" className="block text-sm font-medium">{what}</label>
          <select id="schedule-subject" name={view.by} defaultValue={selected}
            className="mt-1 min-h-11 rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent">
            {choices.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="schedule-date" className="block text-sm font-medium">Date</label>
          <input id="schedule-date" type="date" name="date" defaultValue={view.date}
            className="mt-1 min-h-11 rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent" />
        </div>
        <button type="submit" className="min-h-11 rounded-lg border border-line bg-surface px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
          Show
        </button>
      </form>
      <nav aria-label={view.view === 'week' ? 'Weeks' : 'Days'} className="inline-flex overflow-hidden rounded-lg border border-line bg-surface">
        <Link href={scheduleUrl(view, { date: addDays(view.date, -step) })} className={`${pill} hover:bg-surface-muted`}>
          Previous {view.view}
        </Link>
        <Link href={scheduleUrl(view, { date: view.today })} className={`${pill} border-x border-line hover:bg-surface-muted`}>Today</Link>
        <Link href={scheduleUrl(view, { date: addDays(view.date, step) })} className={`${pill} hover:bg-surface-muted`}>
          Next {view.view}
        </Link>
      </nav>
    </div>
  );
}
