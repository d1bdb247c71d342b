import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { LocationActiveButton, LocationForm } from '@/components/crm/location-forms';
import { requireStaff } from '@/lib/auth/staff-session';
import { defaultTimeZone, listLocations } from '@/lib/locations/locations';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { supportedTimeZones } from '@/lib/settings/time-zones';
import { addLocationAction, setLocationActiveAction, updateLocationAction } from './actions';

export const metadata: Metadata = { title: 'Locations' };

export default async function LocationsPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const db = getDb();
  const [locations, zone] = await Promise.all([listLocations(db, ctx), defaultTimeZone(db, ctx)]);
  const timeZones = supportedTimeZones();
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Locations</h1>
        <p className="mt-1 text-fg-muted">
          Where patients visit you. Active locations are listed on the portal’s sign-in page and offered when booking.
          Locations are deactivated rather than deleted, so past visits keep their place.
        </p>
      </header>

      <section aria-labelledby="locations-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="locations-heading" className="sr-only">All locations</h2>
        <ul className="divide-y divide-line">
          {locations.map((l) => (
            <li key={l.id} className="space-y-3 p-4">
              <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
                <div>
                  <p className="font-medium">
                    {l.name}{' '}
                    <span className={`ml-1 rounded-full px-2 py-0.5 text-xs font-semibold ${l.active ? 'bg-emerald-100 text-emerald-900' : 'bg-slate-200 text-slate-800'}`}>
                      {l.active ? 'active' : 'inactive'}
                    </span>
                  </p>
                  <p className="text-sm text-fg-muted">
                    {[l.addressLine1, l.addressLine2, l.city, [l.region, l.postalCode].filter(Boolean).join(' '), l.country].filter(Boolean).join(', ')}
                  </p>
                  <p className="text-sm text-fg-muted">
                    {l.timeZone.replaceAll('_', ' ')}{l.phone ? ` · ${formatPhoneForDisplay(l.phone)}` : ''}
                  </p>
                </div>
                <LocationActiveButton action={setLocationActiveAction} location={l} />
              </div>
              <details className="rounded-lg border border-line">
                <summary className="cursor-pointer px-3 py-2 text-sm font-medium">Edit {l.name}</summary>
                <div className="border-t border-line p-3">
                  <LocationForm action={updateLocationAction} location={l} timeZones={timeZones} defaultTimeZone={zone} />
                </div>
              </details>
            </li>
          ))}
          {locations.length === 0 ? <li className="p-4 text-fg-muted">No locations yet. Add the first one below.</li> : null}
        </ul>
      </section>

      <section aria-labelledby="add-location-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="add-location-heading" className="text-lg font-semibold">Add a location</h2>
        <div className="mt-3">
          <LocationForm action={addLocationAction} timeZones={timeZones} defaultTimeZone={zone} />
        </div>
      </section>
    </div>
  );
}
