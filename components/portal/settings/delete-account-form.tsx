'use client';

import { useActionState, useId } from 'react';
import { FormMessage, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { settings } from '@/lib/i18n/messages/settings';
import type { SettingsFormState } from '@/lib/portal-access/settings-form-state';

/** Seed 002's "Danger zone": a ticked confirmation and the password, then the account is gone. */
export function DeleteAccountForm({ action: deleteAccount, messages: m }: { action: FormAction<SettingsFormState>; messages: typeof settings.en }) {
  const id = useId();
  const [state, action, pending] = useActionState<SettingsFormState, FormData>(deleteAccount, {});
  const confirmError = state.fieldErrors?.confirm;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormMessage message={state.message} />
      <div>
        <div className="flex items-start gap-3">
          <input
            id={`${id}-confirm`}
            type="checkbox"
            name="confirm"
            value="yes"
            required
            aria-invalid={confirmError ? true : undefined}
            aria-describedby={confirmError ? `${id}-confirm-error` : undefined}
            className="mt-1 size-5 shrink-0 accent-red-700"
          />
          <label htmlFor={`${id}-confirm`} className="text-sm">
            {m.deleteConfirm}
          </label>
        </div>
        {confirmError ? (
          <p id={`${id}-confirm-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">
            {confirmError}
          </p>
        ) : null}
      </div>
      <TextField label={m.deletePassword} name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} />
      <button
        type="submit"
        disabled={pending}
        className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-red-700 px-4 py-2.5 text-base font-semibold text-white shadow-sm hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto"
      >
        {pending ? m.deleting : m.deleteButton}
      </button>
    </form>
  );
}
