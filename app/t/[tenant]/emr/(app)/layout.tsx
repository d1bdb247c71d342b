import { StaffAccount } from '@/components/shell/staff-account';
import { StaffShell } from '@/components/shell/staff-shell';
import { canUseArea } from '@/lib/access/context';
import { EMR_NAV, visibleNav } from '@/lib/access/navigation';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPageTenant } from '@/lib/tenancy/page-tenant';

/** The signed-in frame. Pages check their own permission too: layouts do not re-run on navigation. */
export default async function EmrAppLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const staff = await requireStaff('emr');
  const other = 'crm';
  return (
    <StaffShell
      area="emr"
      profile={profile}
      nav={visibleNav(EMR_NAV, staff.actor.permissions)}
      otherArea={canUseArea(staff.actor.permissions, other) ? other : undefined}
      account={<StaffAccount context={staff} area="emr" />}
    >
      {children}
    </StaffShell>
  );
}
