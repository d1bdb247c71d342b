'use client';

import { useActionState } from 'react';
import { FormMessage, TextField } from '@/components/ui/form-controls';
import { SubmitBesideFields } from '@/components/ui/form-submit';
import type { FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { inviteStaffSchema } from '@/lib/staff/schemas';

type Level = { id: string; name: string };
type Action = FormAction;

/** What each row of the users list can do to a person, handed down by the page. */
export interface StaffRowActionsProps {
  changeLevel: Action;
  setActive: Action;
  resendInvite: Action;
}

export function InviteStaffForm({ action, levels }: { action: Action; levels: Level[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(inviteStaffSchema, action);
  const levelError = errorFor('accessLevelId');
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-[1fr_1fr_12rem_auto] sm:items-end">
      <TextField {...form.register('fullName')} label="Name" required autoComplete="off" error={errorFor('fullName')} />
      <TextField {...form.register('email')} label="Email" type="email" required autoComplete="off" error={errorFor('email')} />
      <div>
        <label htmlFor="invite-level" className="block text-sm font-medium">Access level</label>
        <select {...form.register('accessLevelId')} id="invite-level" required className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5">
          {levels.map((l) => (
            <option key={l.id} value={l.id}>{l.name}</option>
          ))}
        </select>
        {levelError ? <p className="mt-1 text-sm text-red-700">{levelError}</p> : null}
      </div>
      <SubmitBesideFields state={state} pending={pending} label="Send invitation" pendingLabel="Sending…" answerClassName="sm:col-span-4" />
    </form>
  );
}

export function StaffRowActions({
  actions,
  user,
  levels,
  isSelf,
}: {
  actions: StaffRowActionsProps;
  user: { id: string; fullName: string; status: string; accessLevelId: string };
  levels: Level[];
  isSelf: boolean;
}) {
  const [levelState, levelAction, levelPending] = useActionState(actions.changeLevel, {});
  const [activeState, activeAction, activePending] = useActionState(actions.setActive, {});
  const [resendState, resendAction, resendPending] = useActionState(actions.resendInvite, {});
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
