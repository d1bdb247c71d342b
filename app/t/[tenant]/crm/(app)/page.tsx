import type { Metadata } from 'next';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'CRM' };

export default async function Home({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const staff = await requireStaff('crm');
  return (
    <section className="rounded-xl border border-line bg-surface p-6">
      <h1 className="text-xl font-semibold">Welcome, {staff.actor.fullName}</h1>
      <p className="mt-2 text-fg-muted">
        {profile.branding.displayName} CRM · signed in as {staff.actor.accessLevelName}.
      </p>
    </section>
  );
}
