'use client';

import { useActionState } from 'react';
import {
  changeLevelAction,
  inviteStaffAction,
  resendInviteAction,
  setActiveAction,
} from '@/app/t/[tenant]/crm/(app)/users/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { ActionState as UsersActionState } from '@/lib/actions/result';

type Level = { id: string; name: string };

export function InviteStaffForm({ levels }: { levels: Level[] }) {
  const [state, action, pending] = useActionState<UsersActionState, FormData>(inviteStaffAction, {});
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-[1fr_1fr_12rem_auto] sm:items-end" noValidate>
      <TextField label="Name" name="fullName" required autoComplete="off" error={state.fieldErrors?.fullName} />
      <TextField label="Email" name="email" type="email" required autoComplete="off" error={state.fieldErrors?.email} />
      <div>
        <label htmlFor="invite-level" className="block text-sm font-medium">Access level</label>
        <select id="invite-level" name="accessLevelId" required className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5">
          {levels.map((l) => (
            <option key={l.id} value={l.id}>{l.name}</option>
          ))}
        </select>
        {state.fieldErrors?.accessLevelId ? <p className="mt-1 text-sm text-red-700">{state.fieldErrors.accessLevelId}</p> : null}
      </div>
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Sending…' : 'Send invitation'}</PrimaryButton>
      <div className="sm:col-span-4">
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </div>
    </form>
  );
}

export function StaffRowActions({
  user,
  levels,
  isSelf,
}: {
  user: { id: string; fullName: string; status: string; accessLevelId: string };
  levels: Level[];
  isSelf: boolean;
}) {
  const [levelState, levelAction, levelPending] = useActionState<UsersActionState, FormData>(changeLevelAction, {});
  const [activeState, activeAction, activePending] = useActionState<UsersActionState, FormData>(setActiveAction, {});
  const [resendState, resendAction, resendPending] = useActionState<UsersActionState, FormData>(resendInviteAction, {});
  const message = [levelState, activeState, resendState].find((s) => s.message);
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <form action={levelAction} className="flex items-center gap-2">
          <input type="hidden" name="staffId" value={user.id} />
          <label className="sr-only" htmlFor={`level-${user.id}`}>Access level for {user.fullName}</label>
          <select id={`level-${user.id}`} name="accessLevelId" defaultValue={user.accessLevelId} className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm">
            {levels.map((l) => (
              <option key={l.id} value={l.id}>{l.name}</option>
            ))}
          </select>
          <button type="submit" disabled={levelPending} className="rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted">
            Save level
          </button>
        </form>
        {user.status === 'invited' ? (
          <form action={resendAction}>
            <input type="hidden" name="staffId" value={user.id} />
            <button type="submit" disabled={resendPending} className="rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted">
              Resend invitation
            </button>
          </form>
        ) : null}
        {isSelf ? null : (
          <form action={activeAction}>
            <input type="hidden" name="staffId" value={user.id} />
            <input type="hidden" name="active" value={user.status === 'deactivated' ? 'true' : 'false'} />
            <button
              type="submit"
              disabled={activePending}
              aria-label={`${user.status === 'deactivated' ? 'Reactivate' : 'Deactivate'} ${user.fullName}`}
              className={user.status === 'deactivated'
                ? 'rounded-md border border-line px-2.5 py-1.5 text-sm font-medium hover:bg-surface-muted'
                : 'rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50'}
            >
              {user.status === 'deactivated' ? 'Reactivate' : 'Deactivate'}
            </button>
          </form>
        )}
      </div>
      {message?.message ? <FormMessage message={message.message} tone={message.ok ? 'info' : 'error'} /> : null}
    </div>
  );
}
