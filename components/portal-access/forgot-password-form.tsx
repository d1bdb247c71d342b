'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { forgotPasswordAction } from '@/app/t/[tenant]/portal/(public)/forgot-password/actions';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import type { ForgotFormState } from './form-state';
import { PasswordFields } from './password-fields';

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/** Forgot password: identifier, SMS code, new password (or a reset link by email). */
export function ForgotPasswordForm({
  identifierLabel,
  identifierType,
  offerEmailLink,
}: {
  identifierLabel: string;
  identifierType: 'email' | 'text';
  offerEmailLink: boolean;
}) {
  const [state, action, pending] = useActionState<ForgotFormState, FormData>(forgotPasswordAction, { step: 'identifier' });

  if (state.step === 'link-sent') {
    return (
      <div className="mt-4 space-y-4">
        <FormMessage message={state.notice} tone="info" />
        <p className="text-sm text-fg-muted">The link still asks for a code we text to your phone, so keep it nearby.</p>
        <Link href="/portal/sign-in" className={linkClass}>Back to sign-in</Link>
      </div>
    );
  }

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro="If we have an account for you, we sent a 6-digit code by SMS to its phone. It expires in 10 minutes."
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
    <form action={action} className="mt-4 space-y-4" noValidate>
      <p className="text-sm text-fg-muted">
        Enter the {identifierLabel === 'Email' ? 'email' : identifierLabel} you sign in with. We’ll text a code to the phone on your account.
      </p>
      <FormMessage message={state.message} />
      <TextField
        label={identifierLabel}
        name="identifier"
        type={identifierType}
        autoComplete={identifierType === 'email' ? 'email' : 'username'}
        defaultValue={state.values?.identifier}
        required
        error={state.fieldErrors?.identifier}
      />
      <PrimaryButton type="submit" name="intent" value="identifier" disabled={pending} className="w-full">
        {pending ? 'Sending…' : 'Text me a code'}
      </PrimaryButton>
      {offerEmailLink ? (
        <SecondaryButton type="submit" name="intent" value="email-link" disabled={pending} className="w-full">
          Email me a reset link
        </SecondaryButton>
      ) : null}
      <p className="text-sm text-fg-muted">
        Remembered it? <Link href="/portal/sign-in" className={linkClass}>Sign in</Link>
      </p>
    </form>
  );
}
