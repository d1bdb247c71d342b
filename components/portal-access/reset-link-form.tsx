'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { resetLinkAction } from '@/app/t/[tenant]/portal/(public)/reset-password/[token]/actions';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import type { ResetLinkFormState } from './form-state';
import { PasswordFields } from './password-fields';

/** The emailed reset link: send the code, enter it, choose the new password. */
export function ResetLinkForm({ token, maskedPhone }: { token: string; maskedPhone: string }) {
  const [state, action, pending] = useActionState<ResetLinkFormState, FormData>(resetLinkAction, { step: 'start' });

  if (state.step === 'closed') {
    return (
      <div className="mt-4 space-y-3">
        <FormMessage message={state.message} />
        <Link href="/portal/forgot-password" className="font-medium text-brand-accent underline underline-offset-2">Start over</Link>
      </div>
    );
  }

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro={`We sent a 6-digit code by SMS to your phone ending ${state.maskedPhone?.slice(-4) ?? ''}. It expires in 10 minutes.`}
        submitLabel="Verify"
      />
    );
  }

  if (state.step === 'password') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">Your phone is confirmed. Choose a new password. You’ll be signed out everywhere else.</p>
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="password" />
          <FormMessage message={state.message} />
          <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? 'Saving…' : 'Set new password'}
          </PrimaryButton>
        </form>
        <RestartButton action={action} label="Start again" />
      </div>
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4">
      <input type="hidden" name="intent" value="start" />
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-fg-muted">
        To keep your account safe, we’ll text a code to your phone ending {maskedPhone.slice(-4)} before you choose a new password.
      </p>
      <FormMessage message={state.message} />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Sending…' : 'Text me a code'}
      </PrimaryButton>
    </form>
  );
}
