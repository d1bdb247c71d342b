'use client';

import { useActionState, useEffect, useRef } from 'react';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { translator, type Locale } from '@/lib/i18n/core';
import { settings } from '@/lib/i18n/messages/settings';
import type { SettingsFormState } from '@/lib/portal-access/settings-form-state';

/** Current password, then the new one twice; every problem of the policy is shown under the field. */
export function PasswordForm({ action: changePassword, locale }: { action: FormAction<SettingsFormState>; locale: Locale }) {
  const t = translator(settings, locale);
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
      <TextField label={t('currentPassword')} name="currentPassword" type="password" autoComplete="current-password" required error={state.fieldErrors?.currentPassword} />
      <TextField
        label={t('newPassword')}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        hint={t('newPasswordHint')}
        error={problems.length > 0 ? problems.join(' ') : undefined}
      />
      <TextField label={t('confirmPassword')} name="confirmPassword" type="password" autoComplete="new-password" required error={state.fieldErrors?.confirmPassword} />
      <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
        {pending ? t('changingPassword') : t('changePassword')}
      </PrimaryButton>
    </form>
  );
}
