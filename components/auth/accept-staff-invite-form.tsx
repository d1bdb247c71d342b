'use client';

import { useActionState } from 'react';
import { acceptStaffInviteAction, type AcceptInviteState } from '@/app/t/[tenant]/staff/invite/[token]/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';

export function AcceptStaffInviteForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<AcceptInviteState, FormData>(acceptStaffInviteAction, {});
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
