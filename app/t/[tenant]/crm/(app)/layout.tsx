import { StaffIdleWarning } from '@/components/auth/staff-idle-warning';
import { StaffAccount } from '@/components/shell/staff-account';
import { staffSignOutAction } from '@/app/t/[tenant]/staff/actions';
import { StaffShell } from '@/components/shell/staff-shell';
import { canUseArea } from '@/lib/access/context';
import { CRM_NAV, visibleNav } from '@/lib/access/navigation';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { idleSecondsLeftAction, idleSignOutAction, keepAliveAction } from './idle-actions';

/** The signed-in frame. Pages check their own permission too: layouts do not re-run on navigation. */
export default async function CrmAppLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const staff = await requireStaff('crm');
  const other = 'emr';
  return (
    <StaffShell
      area="crm"
      profile={profile}
      nav={visibleNav(CRM_NAV, staff.actor.permissions)}
      otherArea={canUseArea(staff.actor.permissions, other) ? other : undefined}
      account={<StaffAccount context={staff} area="crm" signOutAction={staffSignOutAction} />}
    >
      {children}
      <StaffIdleWarning context={staff} actions={{ secondsLeft: idleSecondsLeftAction, signOut: idleSignOutAction, keepAlive: keepAliveAction }} />
    </StaffShell>
  );
}
