import type { TenantProfile } from '@/lib/tenancy/profile';
import { formatPhoneForDisplay } from '@/lib/phone/format';

type Location = TenantProfile['locations'][number];

export function LocationCard({ location, clinicName }: { location: Location; clinicName: string }) {
  const cityLine = [location.city, [location.region, location.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return (
    <li className="rounded-xl border border-line bg-surface p-4">
      <h3 className="font-semibold">{location.name}</h3>
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
          <a className="font-medium text-brand-accent underline underline-offset-2" href={`tel:${location.phone}`}>
            {formatPhoneForDisplay(location.phone)}
          </a>
        </p>
      ) : null}
    </li>
  );
}
