import type { Metadata } from 'next';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'CRM' };

export default async function CrmHome({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  return (
    <section className="rounded-xl border border-line bg-surface p-6">
      <h1 className="text-xl font-semibold">{profile.branding.displayName} CRM</h1>
      <p className="mt-2 text-fg-muted">Branding, domains, portal settings, users and access levels for clinic administrators.</p>
    </section>
  );
}
