import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { WaitlistAddForm } from '@/components/emr/schedule/waitlist-add-form';
import { PatientStep } from '@/components/emr/schedule/patient-step';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { now } from '@/lib/clock';
import { searchPatients } from '@/lib/patients/search';
import { getBookingPatient, loadBookingChoices } from '@/lib/scheduling/schedule-view';
import { loadWaitlistSettings, untilRange } from '@/lib/waitlist/entries';
import { addWaitlistEntryAction } from '../actions';

export const metadata: Metadata = { title: 'Add to the waitlist' };

const query = z.object({
  q: z.string().max(100).catch(''),
  patient: z.uuid().optional().catch(undefined),
  location: z.uuid().optional().catch(undefined),
  service: z.uuid().optional().catch(undefined),
  provider: z.union([z.literal('any'), z.uuid()]).catch('any'),
});

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const control = 'mt-1 block min-h-11 w-full rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent';
const button = 'min-h-11 rounded-lg border border-line bg-surface px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent';
const link = 'link';


/**
 * Put a patient on the waitlist, in steps that work without JavaScript as the book page's do:
 * find the patient, choose location, service and provider (GET, so the choices land in the URL),
 * then say which days and times suit and until when.
 */
export default async function AddToWaitlistPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'schedule.manage');
  const raw = await searchParams;
  const q = query.parse(Object.fromEntries(['q', 'patient', 'location', 'service', 'provider'].map((k) => [k, first(raw[k])])));
  const db = getDb();
  const canSearch = ctx.actor.permissions.has('patients.view');
  const patient = q.patient ? await getBookingPatient(db, ctx, q.patient) : null;
  const results = !patient && canSearch && q.q.trim() ? await searchPatients(db, ctx, { q: q.q, page: 1 }) : null;

  const choices = await loadBookingChoices(db, ctx, { locationId: q.location, serviceId: q.service });
  const location = choices.location ?? choices.locations[0] ?? null;
  const providers = choices.location ? choices.providers : location && choices.service
    ? (await loadBookingChoices(db, ctx, { locationId: location.id, serviceId: choices.service.id })).providers
    : [];
  const provider = providers.some((p) => p.id === q.provider) ? q.provider : 'any';
  const keep = { location: location?.id, service: choices.service?.id, provider };
  // The choice is complete once the GET form below was sent with a service offered at the location.
  const ready = Boolean(patient && location && choices.service && providers.length > 0 && choices.location);
  const settings = ready ? await loadWaitlistSettings(db, ctx.tenant.id) : null;

  return (
    <div className="space-y-4">
      <p><Link href={`/emr/schedule/waitlist${location ? `?location=${location.id}` : ''}`} className={link}>Back to the waitlist</Link></p>
      <h1 className="text-2xl font-semibold">Add to the waitlist</h1>

      <PatientStep path="/emr/schedule/waitlist/new" idPrefix="waitlist" patient={patient} canSearch={canSearch} query={q.q} results={results} keep={keep} />

      {patient ? (
        <section aria-labelledby="what-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
          <h2 id="what-heading" className="text-lg font-semibold">2. Service</h2>
          <form action="/emr/schedule/waitlist/new" className="grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-4">
            <input type="hidden" name="patient" value={patient.id} />
            <div>
              <label htmlFor="waitlist-location" className="block text-sm font-medium">Location</label>
              <select id="waitlist-location" name="location" defaultValue={location?.id} className={control}>
                {choices.locations.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor="waitlist-service" className="block text-sm font-medium">Service</label>
              <select id="waitlist-service" name="service" defaultValue={choices.service?.id ?? ''} className={control}>
                <option value="" disabled>Choose a service</option>
                {choices.services.map((s) => (
                  <option key={s.id} value={s.id}>{s.name} ({s.durationMinutes} min{s.bookableOnline ? '' : ', staff only'})</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="waitlist-provider" className="block text-sm font-medium">Provider</label>
              <select id="waitlist-provider" name="provider" defaultValue={provider} className={control}>
                <option value="any">Any provider</option>
                {providers.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </div>
            <button type="submit" className={button}>Continue</button>
          </form>
          {choices.service && location && providers.length === 0 ? (
            <p className="text-sm text-fg-muted">No provider offers {choices.service.name} at {location.name}. Choose another service or location.</p>
          ) : null}
        </section>
      ) : null}

      {ready && patient && location && choices.service && settings ? (
        <section aria-labelledby="when-heading" className="space-y-3 rounded-xl border border-line bg-surface p-5">
          <h2 id="when-heading" className="text-lg font-semibold">3. When suits</h2>
          <p className="text-sm">
            {choices.service.name} for {patient.firstName} {patient.lastName} at {location.name},{' '}
            {provider === 'any' ? 'any provider' : `with ${providers.find((p) => p.id === provider)?.name}`}.
          </p>
          <WaitlistAddForm
            action={addWaitlistEntryAction}
            hidden={{ patientId: patient.id, locationId: location.id, serviceId: choices.service.id, providerId: provider }}
            until={untilRange(now(), location.timeZone, settings.bookingHorizonDays)}
            zoneNote={`Times at ${location.name}, ${location.timeZone.replace(/_/g, ' ')}.`}
          />
        </section>
      ) : null}
    </div>
  );
}
