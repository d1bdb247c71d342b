import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { demoClinicLinks } from '@/lib/platform/demo-clinics';

export const metadata: Metadata = { title: 'Carebridge — patient portal, EMR and CRM for clinics' };
export const dynamic = 'force-dynamic';

const FEATURES = [
  { title: 'Patient portal', body: 'Sign-in with an SMS code, bookings, documents, personal data and messages, on the clinic’s own domain.' },
  { title: 'EMR', body: 'Patient database and charts, document management, schedule and secure messages for the clinic team.' },
  { title: 'CRM', body: 'Branding, domains, portal rules, locations, services, users and access levels, with a full audit log.' },
];

export default async function PlatformLanding() {
  const demos = await demoClinicLinks(getDb());
  return (
    <main className="mx-auto max-w-4xl px-6 py-16">
      <p className="text-sm font-semibold uppercase tracking-wider text-slate-600">Carebridge</p>
      <h1 className="mt-3 text-4xl font-semibold tracking-tight text-slate-900">
        One platform for every clinic’s portal, records and configuration.
      </h1>
      <p className="mt-4 max-w-2xl text-lg leading-8 text-slate-700">
        Each clinic gets its own branded patient portal, an EMR for daily work and a CRM for setup, isolated
        from every other clinic.
      </p>
      <ul className="mt-10 grid gap-4 sm:grid-cols-3">
        {FEATURES.map((f) => (
          <li key={f.title} className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 className="font-semibold text-slate-900">{f.title}</h2>
            <p className="mt-2 text-sm leading-6 text-slate-700">{f.body}</p>
          </li>
        ))}
      </ul>
      <p className="mt-10 text-sm text-slate-700">
        Operating Carebridge?{' '}
        <a href="/console" className="font-medium text-slate-900 underline underline-offset-2">Open the platform console</a>
      </p>
      {demos.length > 0 ? (
        <section aria-labelledby="demo-heading" className="mt-12 rounded-xl border border-amber-300 bg-amber-50 p-5">
          <h2 id="demo-heading" className="font-semibold text-amber-950">Demo clinics (development only)</h2>
          <ul className="mt-3 space-y-2 text-sm">
            {demos.map((d) => (
              <li key={d.host} className="text-amber-950">
                {d.name}:{' '}
                <DemoLink host={d.host} path="/portal" /> · <DemoLink host={d.host} path="/emr" /> ·{' '}
                <DemoLink host={d.host} path="/crm" />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}

function DemoLink({ host, path }: { host: string; path: string }) {
  const port = process.env.PORT ?? '3000';
  return (
    <a className="font-medium text-amber-950 underline underline-offset-2" href={`http://${host}:${port}${path}`}>
      {host}
      {path}
    </a>
  );
}
