'use client';

import { useActionState } from 'react';
import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

/** "Leave the waitlist" for one entry: a one-button form that works without JavaScript too. */
export function WaitlistLeaveButton({
  action, entryId, label, accessibleLabel, pendingLabel,
}: {
  action: FormAction<ActionState>;
  entryId: string;
  label: string;
  /** Names the entry, since every entry has the same button. */
  accessibleLabel: string;
  pendingLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, { ok: false } as ActionState);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="entryId" value={entryId} />
      <FormMessage message={state.message} />
      <SecondaryButton type="submit" disabled={pending} aria-label={accessibleLabel} className="w-full sm:w-auto">
        {pending ? pendingLabel : label}
      </SecondaryButton>
    </form>
  );
}
