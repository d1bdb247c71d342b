import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { WaitlistRemoveForm } from '@/components/emr/schedule/waitlist-remove-form';
import { getDb } from '@/db/client';
import type { WaitlistOfferStatus } from '@/db/schema';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatDay, formatTime, formatWhen, zoneAbbreviation } from '@/lib/scheduling/schedule-format';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { listClinicWaitlist, WAITLIST_PAGE_SIZE, WAITLIST_STATUS_FILTERS, type ClinicWaitlistEntry } from '@/lib/waitlist/entries';
import { timeOfDayOf } from '@/lib/waitlist/forms';
import { removeWaitlistEntryAction } from './actions';

export const metadata: Metadata = { title: 'Waitlist' };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const query = z.object({
  location: z.uuid().optional().catch(undefined),
  status: z.enum(WAITLIST_STATUS_FILTERS).catch('waiting'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  notice: z.enum(['added']).optional().catch(undefined),
});

const STATUS_LABEL: Record<(typeof WAITLIST_STATUS_FILTERS)[number], string> = {
  waiting: 'Waiting', booked: 'Booked', removed: 'Removed', expired: 'Ended (past its last day)', all: 'All',
};
const OFFER_LABEL: Record<WaitlistOfferStatus, string> = {
  offered: 'Open', accepted: 'Accepted', expired: 'Lapsed', gone: 'Taken by another', declined: 'Withdrawn',
};
const DAY_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const TIME_LABEL = { any: 'any time', morning: 'mornings', afternoon: 'afternoons', evening: 'evenings' } as const;

const control = 'mt-1 block min-h-11 rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent';
const button = 'min-h-11 rounded-lg border border-line bg-surface px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent';
const link = 'link';

function whenSuits(entry: ClinicWaitlistEntry): string {
  const days = entry.weekdays.length === 7 ? 'Every day' : [1, 2, 3, 4, 5, 6, 0].filter((d) => entry.weekdays.includes(d)).map((d) => DAY_SHORT[d]).join(', ');
  const part = timeOfDayOf(entry.earliestTime, entry.latestTime);
  return `${days}; ${part ? TIME_LABEL[part] : `${entry.earliestTime}–${entry.latestTime}`}`;
}

/** When in the location's zone, with the zone's abbreviation: staff times never use the server's zone. */
const at = (instant: Date, zone: string) => `${formatTime(instant, zone)} ${zoneAbbreviation(instant, zone)}`;

function Offers({ entry }: { entry: ClinicWaitlistEntry }) {
  if (entry.offers.length === 0) return <span className="text-fg-muted">None yet</span>;
  const zone = entry.location.timeZone;
  return (
    <ul className="space-y-1">
      {entry.offers.map((o) => (
        <li key={o.id}>
          <span className="font-medium">{formatWhen(o.startsAt, zone)}</span> with {o.providerName}:{' '}
          <span className="font-medium">{OFFER_LABEL[o.status]}</span>
          <span className="block text-xs text-fg-muted">
            Sent {formatDay(zonedDate(o.sentAt, zone), 'short')} {at(o.sentAt, zone)} · expires {at(o.expiresAt, zone)}
            {o.answeredAt ? ` · answered ${at(o.answeredAt, zone)}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The waitlist of one location in the order it is served (the first waiting entry is offered a
 * freed time first), with the offers sent for each entry. Staff who manage the schedule add an
 * entry for a patient and remove one with a reason.
 */
export default async function WaitlistPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'schedule.view');
  const raw = await searchParams;
  const q = query.parse({ location: first(raw.location), status: first(raw.status), page: first(raw.page), notice: first(raw.notice) });
  const list = await listClinicWaitlist(getDb(), ctx, { locationId: q.location, status: q.status, page: q.page });
  const canManage = ctx.actor.permissions.has('schedule.manage');
  const { location } = list;
  const pages = Math.max(1, Math.ceil(list.total / WAITLIST_PAGE_SIZE));
  const pageHref = (page: number) => `/emr/schedule/waitlist?${new URLSearchParams({ ...(location ? { location: location.id } : {}), status: list.status, page: String(page) })}`;
  const addHref = `/emr/schedule/waitlist/new${location ? `?${new URLSearchParams({ location: location.id })}` : ''}`;

  return (
    <div className="space-y-4">
      <p><Link href="/emr/schedule" className={link}>Back to the schedule</Link></p>
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Waitlist</h1>
          <p className="text-fg-muted">
            {location ? <>Patients waiting for a time at <span className="font-medium text-fg">{location.name}</span>, first in line first.</> : 'No locations yet.'}
          </p>
          {location ? <p className="text-sm text-fg-muted">Times in {location.timeZone.replace(/_/g, ' ')}.</p> : null}
        </div>
        {canManage && location ? (
          <Link href={addHref} className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent">
            Add a patient
          </Link>
        ) : null}
      </header>
      {q.notice === 'added' ? <p role="status" className="rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">Added to the waitlist.</p> : null}

      <form action="/emr/schedule/waitlist" className="flex flex-wrap items-end gap-3" aria-label="Filter the waitlist">
        <div>
          <label htmlFor="waitlist-location" className="block text-sm font-medium">Location</label>
          <select id="waitlist-location" name="location" defaultValue={location?.id} className={control}>
            {list.locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="waitlist-status" className="block text-sm font-medium">Status</label>
          <select id="waitlist-status" name="status" defaultValue={list.status} className={control}>
            {WAITLIST_STATUS_FILTERS.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
          </select>
        </div>
        <button type="submit" className={button}>Show</button>
      </form>

      {list.entries.length === 0 ? (
        <p className="rounded-xl border border-dashed border-line bg-surface p-5 text-center">
          {list.status === 'waiting' ? 'Nobody is waiting here.' : 'No entries with this status.'}
        </p>
      ) : (
        // Focusable, so a keyboard can scroll the table sideways on a narrow screen.
        <div role="region" aria-label="Waitlist entries" tabIndex={0} className="overflow-x-auto rounded-xl border border-line bg-surface">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Waitlist{location ? ` at ${location.name}` : ''}, {STATUS_LABEL[list.status].toLowerCase()}, in the order it is served</caption>
            <thead className="border-b border-line bg-surface-muted">
              <tr>
                <th scope="col" className="px-3 py-2">#</th>
                <th scope="col" className="px-3 py-2">Patient</th>
                <th scope="col" className="px-3 py-2">Service and provider</th>
                <th scope="col" className="px-3 py-2">Suits</th>
                <th scope="col" className="px-3 py-2">Until</th>
                <th scope="col" className="px-3 py-2">Joined</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Offers sent</th>
                {canManage ? <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-line">
              {list.entries.map((e) => (
                <tr key={e.id} className="align-top">
                  <td className="px-3 py-2 tabular-nums">{e.position ?? '–'}</td>
                  <td className="px-3 py-2">
                    <Link href={`/emr/patients/${e.patient.id}`} className={link}>{e.patient.name}</Link>
                    <span className="block font-mono text-xs text-fg-muted">{e.patient.recordNumber}</span>
                  </td>
                  <td className="px-3 py-2">{e.service.name}<span className="block text-fg-muted">{e.provider?.name ?? 'Any provider'}</span></td>
                  <td className="px-3 py-2">{whenSuits(e)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDay(e.untilOn, 'short')}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDay(zonedDate(e.createdAt, e.location.timeZone), 'short')}</td>
                  <td className="px-3 py-2">
                    {STATUS_LABEL[e.status]}
                    {e.status === 'removed' && e.removedReason ? <span className="block text-xs text-fg-muted">{e.removedReason}</span> : null}
                  </td>
                  <td className="px-3 py-2"><Offers entry={e} /></td>
                  {canManage ? (
                    <td className="px-3 py-2">
                      {e.status === 'waiting' ? <WaitlistRemoveForm action={removeWaitlistEntryAction} entryId={e.id} patientName={e.patient.name} /> : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {pages > 1 ? (
        <nav aria-label="Waitlist pages" className="flex items-center gap-3">
          {list.page > 1 ? <Link href={pageHref(list.page - 1)} className={button + ' inline-flex items-center'}>Previous</Link> : null}
          <span className="text-sm">Page {list.page} of {pages}</span>
          {list.page < pages ? <Link href={pageHref(list.page + 1)} className={button + ' inline-flex items-center'}>Next</Link> : null}
        </nav>
      ) : null}
    </div>
  );
}
