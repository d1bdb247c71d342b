import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { AccessLevelRow, CreateAccessLevelForm, PermissionMatrixForm } from '@/components/crm/access-level-forms';
import { ALL_PERMISSIONS, PERMISSIONS } from '@/lib/access/permissions';
import { listAccessLevelsWithMembers } from '@/lib/access-levels/access-levels';
import { Page } from '@/components/ui/page';
import { FormSection } from '@/components/ui/sections';
import { requireStaff } from '@/lib/auth/staff-session';
import { createAccessLevelAction, deleteAccessLevelAction, renameAccessLevelAction, savePermissionMatrixAction } from './actions';

export const metadata: Metadata = { title: 'Access levels' };

export default async function AccessLevelsPage() {
  const ctx = await requireStaff('crm', 'users.manage');
  const levels = await listAccessLevelsWithMembers(getDb(), ctx);
  const rows = ALL_PERMISSIONS.map((key) => ({ key, label: PERMISSIONS[key] }));
  const columns = levels.map((l) => ({ id: l.id, name: l.name, builtin: l.builtinKey !== null, permissions: l.permissions }));
  return (
    <Page title="Access levels" description="What each level lets its members do. Built-in levels are fixed; create custom levels for other roles. Changes apply to members on their next page load.">
      <section aria-labelledby="levels-heading" className="rounded-xl border border-line bg-surface">
        <h2 id="levels-heading" className="px-5 pt-5 text-lg font-semibold">Levels</h2>
        <ul className="mt-2 divide-y divide-line">
          {levels.map((l) => (
            <li key={l.id} className="flex flex-col gap-3 p-4 lg:flex-row lg:items-center lg:justify-between">
              <div>
                <p className="font-medium">
                  {l.name}
                  {l.builtinKey ? <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-800">built-in</span> : null}
                </p>
                <p className="text-sm text-fg-muted">
                  {l.members === 1 ? '1 user' : `${l.members} users`}
                  {l.members !== l.activeMembers ? ` (${l.activeMembers} active)` : ''} · {l.permissions.length === 1 ? '1 permission' : `${l.permissions.length} permissions`}
                </p>
              </div>
              {l.builtinKey ? null : <AccessLevelRow level={{ id: l.id, name: l.name, members: l.members }} rename={renameAccessLevelAction} remove={deleteAccessLevelAction} />}
            </li>
          ))}
        </ul>
      </section>

      <FormSection id="create-level-heading" title="Create a custom level">
        <CreateAccessLevelForm action={createAccessLevelAction} />
      </FormSection>

      <FormSection id="matrix-heading" title="Permissions" description="Tick what each custom level may do, then save. Built-in columns are shown for comparison and cannot be changed. You can only grant permissions you have yourself.">
        {/* A new or deleted level remounts the matrix; a save keeps it, so its confirmation stays
            on screen (React resets the ticks to the saved permissions once the action settles). */}
        <PermissionMatrixForm key={columns.map((c) => c.id).join('|')} action={savePermissionMatrixAction} rows={rows} columns={columns} />
      </FormSection>
    </Page>
  );
}
