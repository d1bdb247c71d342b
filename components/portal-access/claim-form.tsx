'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { claimAction } from '@/app/t/[tenant]/portal/(public)/claim/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import type { ClaimFormState } from './form-state';
import { PasswordFields } from './password-fields';

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/** Automatic access (seed 004): identifier, SMS code, password. */
export function ClaimForm({ identifierLabel, identifierType }: { identifierLabel: string; identifierType: 'email' | 'text' }) {
  const [state, action, pending] = useActionState<ClaimFormState, FormData>(claimAction, { step: 'identifier' });

  if (state.step === 'account-exists') {
    return (
      <div className="mt-4 space-y-4">
        <FormMessage message={state.message} tone="info" />
        <p className="flex flex-wrap gap-x-4 gap-y-2">
          <Link href="/portal/sign-in" className={linkClass}>Sign in</Link>
          <Link href="/portal/forgot-password" className={linkClass}>Forgot password</Link>
        </p>
      </div>
    );
  }

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro="If we have your details, we sent a 6-digit code by SMS to the phone on file. It expires in 10 minutes."
        submitLabel="Verify"
      />
    );
  }

  if (state.step === 'password') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">Your phone is confirmed. Choose a password for your account.</p>
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="password" />
          <FormMessage message={state.message} />
          <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? 'Saving…' : 'Create account'}
          </PrimaryButton>
        </form>
        <RestartButton action={action} label="Start again" />
      </div>
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value="identifier" />
      <p className="text-sm text-fg-muted">
        If you are a patient of this clinic, enter your {identifierLabel === 'Email' ? 'email' : identifierLabel}. We’ll text a code to the phone the clinic has on file.
      </p>
      <FormMessage message={state.message} />
      <TextField
        label={identifierLabel}
        name="identifier"
        type={identifierType}
        autoComplete={identifierType === 'email' ? 'email' : 'off'}
        defaultValue={state.values?.identifier}
        required
        error={state.fieldErrors?.identifier}
      />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Sending…' : 'Send code'}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">
        Already have an account?{' '}
        <Link href="/portal/sign-in" className={linkClass}>Sign in</Link>
      </p>
    </form>
  );
}
