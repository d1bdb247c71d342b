'use client';

import { useActionState, useEffect, useRef } from 'react';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { settings } from '@/lib/i18n/messages/settings';
import type { SettingsFormState } from '@/lib/portal-access/settings-form-state';

/** Current password, then the new one twice; every problem of the policy is shown under the field. */
export function PasswordForm({ action: changePassword, messages: m }: { action: FormAction<SettingsFormState>; messages: typeof settings.en }) {
  const [state, action, pending] = useActionState<SettingsFormState, FormData>(changePassword, {});
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) formRef.current?.reset();
  }, [state]);
  const problems = state.passwordProblems ?? [];
  return (
    <form ref={formRef} action={action} className="space-y-4" noValidate>
      <FormMessage message={state.ok ? undefined : state.message} />
      {state.ok ? <FormMessage tone="info" message={state.message} /> : null}
      <TextField label={m.currentPassword} name="currentPassword" type="password" autoComplete="current-password" required error={state.fieldErrors?.currentPassword} />
      <TextField
        label={m.newPassword}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={m.newPasswordHint}
        error={problems.length > 0 ? problems.join(' ') : undefined}
      />
      <TextField label={m.confirmPassword} name="confirmPassword" type="password" autoComplete="new-password" required error={state.fieldErrors?.confirmPassword} />
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? m.changingPassword : m.changePassword}
      </PrimaryButton>
    </form>
  );
}
