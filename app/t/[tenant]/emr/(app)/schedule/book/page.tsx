import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { PatientStep } from '@/components/emr/schedule/patient-step';
import { getDb } from '@/db/client';
import { formatDay, formatTime, zoneAbbreviation } from '@/lib/scheduling/schedule-format';
import { SlotPickerForm } from '@/components/emr/schedule/slot-picker-form';
import { requireStaff } from '@/lib/auth/staff-session';
import { now } from '@/lib/clock';
import { searchPatients } from '@/lib/patients/search';
import { bookingSlots, getBookingPatient, loadBookingChoices } from '@/lib/scheduling/schedule-view';
import { zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { bookAction } from '../actions';

export const metadata: Metadata = { title: 'Book a visit' };

const query = z.object({
  q: z.string().max(100).catch(''),
  patient: z.uuid().optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
  service: z.uuid().optional().catch(undefined),
  provider: z.union([z.literal('any'), z.uuid()]).catch('any'),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(new Date(`${d}T12:00:00Z`).getTime())).optional().catch(undefined),
  /** A free cell chosen on the calendar (HH:MM at the location): preselected when still free. */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).optional().catch(undefined),
});

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const control = 'mt-1 block min-h-11 w-full rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent';
const button = 'min-h-11 rounded-lg border border-line bg-surface px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent';


export default async function BookVisitPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const raw = await searchParams;
  const q = query.parse(Object.fromEntries(['q', 'patient', 'location', 'service', 'provider', 'day', 'time'].map((k) => [k, first(raw[k])])));
  const db = getDb();
  const canSearch = ctx.actor.permissions.has('patients.view');
  const patient = q.patient ? await getBookingPatient(db, ctx, q.patient) : null;
  const results = !patient && canSearch && q.q.trim() ? await searchPatients(db, ctx, { q: q.q, page: 1 }) : null;

  const choices = await loadBookingChoices(db, ctx, { locationId: q.location, serviceId: q.service });
  const location = choices.location ?? choices.locations[0] ?? null;
  const providers = choices.location ? choices.providers : location && choices.service
    ? (await loadBookingChoices(db, ctx, { locationId: location.id, serviceId: choices.service.id })).providers
    : [];
  // Until a service is chosen the offering providers are unknown: a provider chosen on the calendar is kept as asked.
  const provider = providers.some((p) => p.id === q.provider) ? q.provider : choices.service ? 'any' : q.provider;
  const zone = location?.timeZone ?? 'UTC';
  const day = q.day ?? zonedDate(now(), zone);
  const picked = patient && location && choices.service
    ? await bookingSlots(db, ctx, { serviceId: choices.service.id, locationId: location.id, providerId: provider, day, time: q.time })
    : null;
  const slots = patient && location && choices.service ? (picked?.slots ?? []) : null;
  const keep = { location: location?.id, service: choices.service?.id, provider, day, time: q.time };
  const askedTime = q.time ? formatTime(zonedInstant(day, q.time, zone), zone) : null;
  const askedWho = provider !== 'any' ? (providers.find((p) => p.id === provider)?.name ?? null) : null;

  return (
    <div className="space-y-4">
      <p><Link href="/emr/schedule" className="link">Back to the schedule</Link></p>
      <h1 className="text-2xl font-semibold">Book a visit</h1>

      <PatientStep path="/emr/schedule/book" idPrefix="book" patient={patient} canSearch={canSearch} query={q.q} results={results} keep={keep} />

      {patient ? (
        <section aria-labelledby="visit-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
          <h2 id="visit-heading" className="text-lg font-semibold">2. Visit</h2>
          <form action="/emr/schedule/book" className="grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-5">
            <input type="hidden" name="patient" value={patient.id} />
            <div>
              <label htmlFor="book-location" className="block text-sm font-medium">Location</label>
              <select id="book-location" name="location" defaultValue={location?.id} className={control}>
                {choices.locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor="book-service" className="block text-sm font-medium">Service</label>
              <select id="book-service" name="service" defaultValue={choices.service?.id ?? ''} className={control}>
                <option value="" disabled>Choose a service</option>
                {choices.services.map((s) => (
                  <option key={s.id} value={s.id}>{s.name} ({s.durationMinutes} min{s.bookableOnline ? '' : ', staff only'})</option>
                ))}
              </select>
            </div>
            {!choices.service && provider !== 'any' ? <input type="hidden" name="provider" value={provider} /> : (
              <div>
                <label htmlFor="book-provider" className="block text-sm font-medium">Provider</label>
                <select id="book-provider" name="provider" defaultValue={provider} className={control}>
                  <option value="any">Any provider</option>
                  {providers.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
                </select>
              </div>
            )}
            {q.time ? <input type="hidden" name="time" value={q.time} /> : null}
            <div>
              <label htmlFor="book-day" className="block text-sm font-medium">Day</label>
              <input id="book-day" type="date" name="day" defaultValue={day} className={control} />
            </div>
            <button type="submit" className={button}>Show free times</button>
          </form>
          {askedTime && !choices.service ? (
            <p className="text-sm">Chosen on the calendar: {askedTime} on {formatDay(day)}. Choose the service to see whether it fits.</p>
          ) : null}
          {choices.service && location && providers.length === 0 ? (
            <p className="text-sm text-fg-muted">No provider offers {choices.service.name} at {location.name}. Choose another service or location.</p>
          ) : null}
        </section>
      ) : null}

      {patient && location && choices.service && slots ? (
        <section aria-labelledby="time-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
          <h2 id="time-heading" className="text-lg font-semibold">3. Time and confirm</h2>
          {picked?.missed && askedTime ? (
            <p role="status" className="rounded-lg border border-amber-600 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50">
              {askedTime}{askedWho ? ` with ${askedWho}` : ''} is no longer free for {choices.service.name}. Pick one of the day’s free times.
            </p>
          ) : null}
          <SlotPickerForm
            action={bookAction}
            defaultValue={picked?.chosen ?? undefined}
            hidden={{ patientId: patient.id, locationId: location.id, serviceId: choices.service.id, providerChoice: provider, day }}
            slots={slots}
            legend={`Free times on ${formatDay(day)} (${zoneAbbreviation(new Date(`${day}T12:00:00Z`), zone)}, ${zone.replace(/_/g, ' ')})`}
            summary={`${choices.service.name} for ${patient.firstName} ${patient.lastName} at ${location.name}.`}
            submitLabel="Book visit"
          />
        </section>
      ) : null}
    </div>
  );
}
