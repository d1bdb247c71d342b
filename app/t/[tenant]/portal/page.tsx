import type { Metadata } from 'next';
import { LocationCard } from '@/components/locations/location-card';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'Patient portal' };

export default async function PortalHome({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const { displayName } = profile.branding;
  return (
    <div className="space-y-8">
      <section className="rounded-2xl bg-brand px-6 py-8 text-brand-contrast sm:px-10 sm:py-12">
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">Welcome to {displayName}</h1>
        <p className="mt-3 max-w-xl text-base leading-7 opacity-95">
          Book and manage your visits, read your documents and keep your details up to date, from any
          device.
        </p>
      </section>

      <section aria-labelledby="locations-heading">
        <h2 id="locations-heading" className="text-lg font-semibold">
          {profile.locations.length === 1 ? 'Our location' : 'Our locations'}
        </h2>
        <ul className="mt-3 grid gap-3 sm:grid-cols-2">
          {profile.locations.map((location) => (
            <LocationCard key={location.id} location={location} clinicName={displayName} />
          ))}
        </ul>
      </section>
    </div>
  );
}
