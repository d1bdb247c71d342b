import type { Metadata } from 'next';
import { ClinicAtAGlance, SetupChecklist } from '@/components/staff-home/crm-sections';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { loadCrmOverview } from '@/lib/staff-home/crm-setup';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

export const metadata: Metadata = { title: 'CRM' };

/**
 * The CRM's first page: a clinic still setting up sees what is left and where to do it; a clinic
 * that is set up sees itself at a glance.
 */
export default async function Home({ params }: { params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const staff = await requireStaff('crm');
  const overview = await loadCrmOverview(getDb(), staff);
  const showSetup = overview.setup && !overview.setup.progress.complete;
  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Welcome, {staff.actor.fullName}</h1>
        <p className="mt-1 text-fg-muted">
          {profile.branding.displayName} CRM · signed in as {staff.actor.accessLevelName}.
        </p>
      </header>
      {showSetup ? (
        <SetupChecklist steps={overview.setup!.steps} progress={overview.setup!.progress} mayOpen={(step) => staff.actor.permissions.has(step.permission)} />
      ) : null}
      {overview.glance ? <ClinicAtAGlance glance={overview.glance} /> : null}
      {overview.setup?.progress.complete ? (
        <p className="text-sm text-fg-muted">Setup is complete: branding, locations, services, providers’ hours, the portal’s address and settings, and your team.</p>
      ) : null}
    </div>
  );
}
