'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { AcceptInviteState } from '@/lib/auth/staff-form-states';

/**
 * The invitation's first password. Checked on the server only: the policy weighs the person's
 * own name and email, and its word lists are too large to send to the browser.
 */
export function AcceptStaffInviteForm({ action: accept, token }: { action: FormAction<AcceptInviteState>; token: string }) {
  const [state, action, pending] = useActionState(accept, {});
  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      <FormMessage message={state.message} />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters, with an upper-case letter, a lower-case letter and a digit."
        error={state.fieldErrors?.password}
      />
      <TextField label="Confirm password" name="confirm" type="password" autoComplete="new-password" required error={state.fieldErrors?.confirm} />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Saving…' : 'Set password'}
      </PrimaryButton>
    </form>
  );
}
