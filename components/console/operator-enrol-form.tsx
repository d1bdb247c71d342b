'use client';

import { FormMessage, TextField } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { operatorEnrolmentSchema } from '@/lib/platform/operator-enrolment-schema';

const BUTTON = 'inline-flex min-h-11 items-center justify-center rounded-lg bg-slate-900 px-4 font-semibold text-white hover:bg-slate-700 disabled:opacity-60';

/** A new operator's password and the first code from the authenticator the page showed; the page hands it the action. */
export function OperatorEnrolForm({ action, token }: { action: FormAction<ActionState>; token: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(operatorEnrolmentSchema, action, { defaultValues: { token } });
  return (
    <form {...formProps} className="mt-4 space-y-4">
      <input type="hidden" {...form.register('token')} value={token} />
      <FormMessage message={state.message} />
      <TextField
        {...form.register('password')}
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        hint="At least 8 characters, with an upper-case letter, a lower-case letter and a digit."
        error={errorFor('password')}
      />
      <TextField {...form.register('confirm')} label="Confirm password" type="password" autoComplete="new-password" required error={errorFor('confirm')} />
      <TextField {...form.register('code')} label="Authentication code" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required error={errorFor('code')} />
      <button type="submit" disabled={pending} className={`${BUTTON} w-full`}>{pending ? 'Saving…' : 'Finish and go to sign-in'}</button>
    </form>
  );
}
