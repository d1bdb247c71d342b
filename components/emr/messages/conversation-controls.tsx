'use client';

import { useActionState, useId } from 'react';
import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { MessageFormState } from '@/lib/conversations/staff-form-state';
import { fieldStyle } from './message-fields';

/** Assignment and close/reopen for one conversation (messages.send; the actions re-check). */
export function ConversationControls({
  conversationId,
  status,
  assignedToId,
  hiddenFromProxies,
  staff,
  actions,
}: {
  conversationId: string;
  status: 'open' | 'closed';
  assignedToId: string | null;
  hiddenFromProxies: boolean;
  staff: { id: string; name: string }[];
  actions: { assign: FormAction<MessageFormState>; changeStatus: FormAction<MessageFormState>; proxyVisibility: FormAction<MessageFormState> };
}) {
  const id = useId();
  const [assignState, assign, assigning] = useActionState<MessageFormState, FormData>(actions.assign, {});
  const [statusState, changeStatus, changing] = useActionState<MessageFormState, FormData>(actions.changeStatus, {});
  const [proxyState, changeProxyVisibility, changingProxy] = useActionState<MessageFormState, FormData>(actions.proxyVisibility, {});
  const assignError = assignState.ok ? undefined : assignState.fieldErrors?.staffId;
  return (
    <div className="space-y-5">
      <form action={assign} className="space-y-2">
        <input type="hidden" name="conversationId" value={conversationId} />
        <label htmlFor={`${id}-staff`} className="block text-sm font-medium">Assigned to</label>
        <div className="flex flex-wrap gap-2">
          <select
            id={`${id}-staff`}
            name="staffId"
            // A new key after each save, so the selector shows what was stored.
            key={assignedToId ?? 'none'}
            defaultValue={assignedToId ?? ''}
            aria-invalid={assignError ? true : undefined}
            aria-describedby={assignError ? `${id}-staff-error` : undefined}
            className={`${fieldStyle} mt-0 w-auto min-w-48 flex-1`}
          >
            <option value="">Unassigned</option>
            {staff.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
          <SecondaryButton type="submit" disabled={assigning}>{assigning ? 'Saving…' : 'Save assignment'}</SecondaryButton>
        </div>
        {assignError ? <p id={`${id}-staff-error`} className="text-sm font-medium text-red-700 dark:text-red-300">{assignError}</p> : null}
        <FormMessage message={assignState.message} tone={assignState.ok ? 'info' : 'error'} />
      </form>
      <form action={changeStatus} className="space-y-2">
        <input type="hidden" name="conversationId" value={conversationId} />
        <input type="hidden" name="to" value={status === 'open' ? 'closed' : 'open'} />
        <p className="text-sm text-fg-muted">
          {status === 'open'
            ? 'Closing stops both sides from posting until someone reopens it.'
            : 'Reopening lets the clinic and the patient post again.'}
        </p>
        <SecondaryButton type="submit" disabled={changing}>
          {status === 'open' ? (changing ? 'Closing…' : 'Close conversation') : changing ? 'Reopening…' : 'Reopen conversation'}
        </SecondaryButton>
        <FormMessage message={statusState.message} tone={statusState.ok ? 'info' : 'error'} />
      </form>
      <form action={changeProxyVisibility} className="space-y-2">
        <input type="hidden" name="conversationId" value={conversationId} />
        <input type="hidden" name="hidden" value={hiddenFromProxies ? 'false' : 'true'} />
        <p className="text-sm text-fg-muted">
          {hiddenFromProxies
            ? 'Hidden from family and caregivers: only the patient’s own portal account sees it.'
            : 'Family and caregivers acting for the patient in the portal can see it.'}
        </p>
        <SecondaryButton type="submit" disabled={changingProxy}>
          {hiddenFromProxies ? 'Show to family and caregivers' : 'Hide from family and caregivers'}
        </SecondaryButton>
        <FormMessage message={proxyState.message} tone={proxyState.ok ? 'info' : 'error'} />
      </form>
    </div>
  );
}
