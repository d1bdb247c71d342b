import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { ServiceForm } from '@/components/crm/service-form';
import { requireStaff } from '@/lib/auth/staff-session';
import { addServiceAction, updateServiceAction } from './actions';
import { clinicCurrency, formatServicePrice, listServices } from '@/lib/services/services';

export const metadata: Metadata = { title: 'Services' };

export default async function ServicesPage() {
  const ctx = await requireStaff('crm', 'settings.manage');
  const db = getDb();
  const [services, currency] = await Promise.all([listServices(db, ctx), clinicCurrency(db, ctx)]);
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Services</h1>
        <p className="mt-1 text-fg-muted">
          What patients can book: how long a visit takes and what it costs. Services that are not bookable online are booked by staff only.
          Inactive services are not offered for new bookings; past visits keep theirs.
        </p>
      </header>

      <section aria-labelledby="services-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="services-heading" className="sr-only">All services</h2>
        <ul className="divide-y divide-line">
          {services.map((s) => (
            <li key={s.id} className="space-y-3 p-4">
              <div>
                <p className="font-medium">
                  {s.name}
                  {s.active ? null : <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">inactive</span>}
                  {s.isVideo ? <span className="ml-2 rounded-full bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900">video</span> : null}
                  {s.bookableOnline ? null : <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">staff booking only</span>}
                </p>
                <p className="text-sm text-fg-muted">
                  {s.durationMinutes} min · {formatServicePrice(s.priceCents, s.currency) ?? 'no price shown'}
                </p>
                {s.description ? <p className="text-sm text-fg-muted">{s.description}</p> : null}
              </div>
              <details className="rounded-lg border border-line">
                <summary className="cursor-pointer px-3 py-2 text-sm font-medium">Edit {s.name}</summary>
                <div className="border-t border-line p-3">
                  <ServiceForm action={updateServiceAction} service={s} currency={s.currency} />
                </div>
              </details>
            </li>
          ))}
          {services.length === 0 ? <li className="p-4 text-fg-muted">No services yet. Add the first one below.</li> : null}
        </ul>
      </section>

      <section aria-labelledby="add-service-heading" className="rounded-xl border border-line bg-surface p-5">
        <h2 id="add-service-heading" className="text-lg font-semibold">Add a service</h2>
        <div className="mt-3">
          <ServiceForm action={addServiceAction} currency={currency} />
        </div>
      </section>
    </div>
  );
}
