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

export function InviteStaffForm({ action, levels }: { action: Action; levels: (Level & { grants: string[] })[] }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(inviteStaffSchema, action);
  const levelError = errorFor('accessLevelId');
  const confirmError = errorFor('confirmLevel');
  const chosen = levels.find((l) => l.id === form.watch('accessLevelId'));
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-[1fr_1fr_12rem] sm:items-end">
      <TextField {...form.register('fullName')} label="Name" required autoComplete="off" error={errorFor('fullName')} />
      <TextField {...form.register('email')} label="Email" type="email" required autoComplete="off" error={errorFor('email')} />
      <div>
        <label htmlFor="invite-level" className="block text-sm font-medium">Access level</label>
        <select
          {...form.register('accessLevelId')}
          id="invite-level"
          required
          defaultValue=""
          aria-invalid={levelError ? true : undefined}
          aria-describedby={levelError ? 'invite-level-error' : undefined}
          className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2.5"
        >
          <option value="" disabled>Choose a level</option>
          {levels.map((l) => (
            <option key={l.id} value={l.id}>{l.name}</option>
          ))}
        </select>
        {levelError ? <p id="invite-level-error" className="mt-1 text-sm text-red-700 dark:text-red-300">{levelError}</p> : null}
      </div>
      <div className="space-y-3 sm:col-span-3">
        {chosen ? (
          <div aria-live="polite" className="rounded-lg border border-line bg-surface-muted p-3 text-sm">
            <p className="font-medium">{chosen.name} can:</p>
            <ul className="mt-1 list-disc space-y-0.5 pl-5">
              {chosen.grants.length > 0 ? chosen.grants.map((g) => <li key={g}>{g}</li>) : <li>Nothing yet: this level has no permissions.</li>}
            </ul>
          </div>
        ) : (
          <details className="rounded-lg border border-line p-3 text-sm">
            <summary className="cursor-pointer font-medium">What each level allows</summary>
            <dl className="mt-2 space-y-2">
              {levels.map((l) => (
                <div key={l.id}>
                  <dt className="font-medium">{l.name}</dt>
                  <dd className="text-fg-muted">{l.grants.join(' · ') || 'No permissions.'}</dd>
                </div>
              ))}
            </dl>
          </details>
        )}
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            {...form.register('confirmLevel')}
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError ? 'invite-confirm-error' : undefined}
            className="mt-0.5 size-4 accent-brand-accent"
          />
          <span>I have checked what this access level allows the person to see and do.</span>
        </label>
        {confirmError ? <p id="invite-confirm-error" className="text-sm text-red-700 dark:text-red-300">{confirmError}</p> : null}
      </div>
      <SubmitBesideFields state={state} pending={pending} label="Send invitation" pendingLabel="Sending…" answerClassName="sm:col-span-3" />
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
                : 'rounded-md border border-red-300 px-2.5 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50 dark:border-red-700 dark:text-red-300 dark:hover:bg-red-950'}
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
