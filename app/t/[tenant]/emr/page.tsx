import type { Metadata } from 'next';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'EMR' };

export default async function EmrHome({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  return (
    <section className="rounded-xl border border-line bg-surface p-6">
      <h1 className="text-xl font-semibold">{profile.branding.displayName} EMR</h1>
      <p className="mt-2 text-fg-muted">Patients, documents, schedule and messages for the clinic team.</p>
    </section>
  );
}
