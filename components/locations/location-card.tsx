import { localized } from '@/lib/i18n/clinic-text';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { formatPhoneForDisplay } from '@/lib/phone/format';

type Location = TenantProfile['locations'][number];

/**
 * A location as the portal lists it: name, address, phone and what to know before coming, the
 * name and notes in the reader's `language` when the clinic translated them.
 */
export function LocationCard({ location, clinicName, language, defaultLanguage }: { location: Location; clinicName: string; language: string; defaultLanguage: string }) {
  const name = localized(location, 'name', language, defaultLanguage);
  const notes = localized(location, 'notes', language, defaultLanguage);
  const cityLine = [location.city, [location.region, location.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return (
    <li className="rounded-xl border border-line bg-surface p-4">
      <h3 className="font-semibold">{name}</h3>
      <address className="mt-1 text-sm not-italic leading-6 text-fg-muted">
        {clinicName}
        <br />
        {location.addressLine1}
        {location.addressLine2 ? (
          <>
            <br />
            {location.addressLine2}
          </>
        ) : null}
        <br />
        {cityLine}
      </address>
      {location.phone ? (
        <p className="mt-2 text-sm">
          <a className="link" href={`tel:${location.phone}`}>
            {formatPhoneForDisplay(location.phone)}
          </a>
        </p>
      ) : null}
      {notes ? <p className="mt-2 whitespace-pre-line text-sm">{notes}</p> : null}
    </li>
  );
}
