import { PortalIdleWarning } from '@/components/auth/portal-idle-warning';
import { PatientSelector } from '@/components/portal/patient-selector';
import { PortalShell } from '@/components/shell/portal-shell';
import { requirePortalAccount } from '@/lib/auth/portal-session';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { signOutAction } from './actions';

const NAV = [
  { href: '/portal', label: 'Home', exact: true },
  { href: '/portal/documents', label: 'Documents' },
  { href: '/portal/history', label: 'History' },
];

/** Signed-in portal frame. Each page re-checks the session itself: layouts do not re-run on navigation. */
export default async function PortalAppLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { profile } = await getPageTenant(params);
  const portal = await requirePortalAccount();
  const headerEnd = (
    <div className="flex flex-wrap items-center gap-3">
      {portal.patients.length > 1 ? <PatientSelector patients={portal.patients} selectedId={portal.patient?.id ?? null} /> : null}
      <form action={signOutAction}>
        <button type="submit" className="rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
          Sign out
        </button>
      </form>
    </div>
  );
  return (
    <PortalShell profile={profile} nav={NAV} headerEnd={headerEnd}>
      {children}
      <PortalIdleWarning idleSeconds={portal.idleTimeoutSeconds} warnSeconds={AUTH_POLICY.idleWarningSeconds} />
    </PortalShell>
  );
}
