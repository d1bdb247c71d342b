import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { InviteStaffForm, StaffRowActions } from '@/components/crm/staff-user-forms';
import { Page } from '@/components/ui/page';
import { FormSection, ListSection } from '@/components/ui/sections';
import { isPermission, PERMISSIONS } from '@/lib/access/permissions';
import { requireStaff } from '@/lib/auth/staff-session';
import { listAccessLevels, listStaff } from '@/lib/staff/staff-users';
import { changeLevelAction, inviteStaffAction, resendInviteAction, setActiveAction } from './actions';

export const metadata: Metadata = { title: 'Users' };

const ROW_ACTIONS = { changeLevel: changeLevelAction, setActive: setActiveAction, resendInvite: resendInviteAction };

const STATUS_STYLE: Record<string, string> = {
  active: 'bg-emerald-100 text-emerald-900',
  invited: 'bg-amber-100 text-amber-900',
  deactivated: 'bg-slate-200 text-slate-800',
};

export default async function UsersPage() {
  const ctx = await requireStaff('crm', 'users.manage');
  const db = getDb();
  const [users, levels] = await Promise.all([listStaff(db, ctx), listAccessLevels(db, ctx)]);
  const levelOptions = levels.map((l) => ({ id: l.id, name: l.name }));
  // What each level allows, in the permission matrix's words, for the invitation's confirmation.
  const levelGrants = levels.map((l) => ({
    id: l.id, name: l.name, grants: l.permissions.filter(isPermission).map((p) => PERMISSIONS[p]),
  }));
  return (
    <Page title="Users" description="Invite colleagues, set their access level, and deactivate accounts that are no longer needed.">
      <FormSection id="invite-heading" title="Invite a user">
        <InviteStaffForm action={inviteStaffAction} levels={levelGrants} />
      </FormSection>
      <ListSection id="users-heading" title="All users" items={users}>
        {(u) => (
          <li key={u.id} className="flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:justify-between">
            <div>
              <p className="font-medium">
                {u.fullName}{' '}
                <span className={`ml-1 rounded-full px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[u.status]}`}>{u.status}</span>
              </p>
              <p className="text-sm text-fg-muted">
                {u.email} · {u.accessLevelName}
                {u.status === 'active' && !u.totpEnrolled ? ' · authenticator not set up yet' : ''}
              </p>
            </div>
            <StaffRowActions actions={ROW_ACTIONS} user={u} levels={levelOptions} isSelf={u.id === ctx.actor.id} />
          </li>
        )}
      </ListSection>
    </Page>
  );
}
