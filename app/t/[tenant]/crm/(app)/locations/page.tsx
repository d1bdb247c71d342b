import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { LocationActiveButton, LocationForm } from '@/components/crm/location-forms';
import { Page } from '@/components/ui/page';
import { FormSection, EditDisclosure, ListSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { LANGUAGE_NAMES_FOR_STAFF, translationLanguages } from '@/lib/i18n/clinic-text';
import { clinicDefaultLanguage } from '@/lib/i18n/clinic-text-sql';
import { defaultTimeZone, listLocations } from '@/lib/locations/locations';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { supportedTimeZones } from '@/lib/settings/time-zones';
import { addLocationAction, setLocationActiveAction, updateLocationAction } from './actions';

export const metadata: Metadata = { title: 'Locations' };

export default async function LocationsPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const db = getDb();
  const [locations, zone, defaultLanguage] = await Promise.all([listLocations(db, ctx), defaultTimeZone(db, ctx), clinicDefaultLanguage(db, ctx.tenant.id)]);
  const languages = translationLanguages(defaultLanguage);
  const timeZones = supportedTimeZones();
  return (
    <Page title="Locations" description="Where patients visit you. Active locations are listed on the portal’s sign-in page and offered when booking. Locations are deactivated rather than deleted, so past visits keep their place.">
      <ListSection id="locations-heading" title="All locations" items={locations} empty="No locations yet. Add the first one below.">
        {(l) => (
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
                {l.notes ? <p className="text-sm text-fg-muted">Notes for patients: {l.notes}</p> : null}
                {languages.map((lang) => l.translations[lang]?.name ? <p key={lang} className="text-sm text-fg-muted">{LANGUAGE_NAMES_FOR_STAFF[lang]}: <span lang={lang}>{l.translations[lang]!.name}</span></p> : null)}
              </div>
              <LocationActiveButton action={setLocationActiveAction} location={l} />
            </div>
            <EditDisclosure summary={`Edit ${l.name}`}>
              <LocationForm action={updateLocationAction} location={l} timeZones={timeZones} defaultTimeZone={zone} languages={languages} />
            </EditDisclosure>
          </li>
        )}
      </ListSection>

      <FormSection id="add-location-heading" title="Add a location">
        <LocationForm action={addLocationAction} timeZones={timeZones} defaultTimeZone={zone} languages={languages} />
      </FormSection>
    </Page>
  );
}
