import { StaffIdleWarning } from '@/components/auth/staff-idle-warning';
import { StaffAccount } from '@/components/shell/staff-account';
import { staffSignOutAction } from '@/app/t/[tenant]/staff/actions';
import { StaffShell } from '@/components/shell/staff-shell';
import { getDb } from '@/db/client';
import { canUseArea } from '@/lib/access/context';
import { EMR_NAV, visibleNav } from '@/lib/access/navigation';
import { requireStaff } from '@/lib/auth/staff-session';
import { staffUnreadCount } from '@/lib/conversations';
import { pendingRegistrationCount } from '@/lib/portal-access/registration-review';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { idleSecondsLeftAction, idleSignOutAction, keepAliveAction } from './idle-actions';

/** The signed-in frame. Pages check their own permission too: layouts do not re-run on navigation. */
export default async function EmrAppLayout({ children, params }: { children: React.ReactNode; params: Promise<{ tenant: string }> }) {
  const { profile } = await getPageTenant(params);
  const staff = await requireStaff('emr');
  const other = 'crm';
  // A badge is not worth an unusable EMR: if counting fails, show none.
  const unread = staff.actor.permissions.has('messages.view')
    ? await staffUnreadCount(getDb(), staff).catch((error: unknown) => {
      console.error(`unread count failed (${error instanceof Error ? error.name : 'unknown'})`);
      return 0;
    })
    : 0;
  // Self-registrations waiting for the clinic (issue 19): the entry shows while the clinic takes
  // them or any still wait, with their number (one count on an index).
  const waiting = staff.actor.permissions.has('portal_admin.view')
    ? await pendingRegistrationCount(getDb(), staff).catch((error: unknown) => {
      console.error(`registration count failed (${error instanceof Error ? error.name : 'unknown'})`);
      return 0;
    })
    : 0;
  const registrations = profile.portal.selfRegistration !== 'off' || waiting > 0;
  // The accessible name reads "Messages, 3 unread"; the number is drawn as a badge that keeps
  // itself current as the staff member moves between pages.
  const nav = visibleNav(EMR_NAV, staff.actor.permissions)
    .filter((item) => item.href !== '/emr/registrations' || registrations)
    .map((item) =>
      item.href === '/emr/messages'
        ? { ...item, badge: { count: unread, label: `${unread} unread`, live: { url: '/api/emr/messages/unread', labelTemplate: '{count} unread' } } }
        : item.href === '/emr/registrations' && waiting > 0
          ? { ...item, badge: { count: waiting, label: `${waiting} waiting` } }
          : item);
  return (
    <StaffShell
      area="emr"
      profile={profile}
      nav={nav}
      otherArea={canUseArea(staff.actor.permissions, other) ? other : undefined}
      account={<StaffAccount context={staff} area="emr" signOutAction={staffSignOutAction} />}
    >
      {children}
      <StaffIdleWarning context={staff} actions={{ secondsLeft: idleSecondsLeftAction, signOut: idleSignOutAction, keepAlive: keepAliveAction }} />
    </StaffShell>
  );
}
