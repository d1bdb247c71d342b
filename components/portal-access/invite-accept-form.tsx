'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { inviteAction } from '@/app/t/[tenant]/portal/(public)/invite/[token]/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep } from '@/components/auth/code-step';
import type { InviteFormState } from './form-state';
import { PasswordFields } from './password-fields';

/**
 * Accepting an invitation: a new password (new account) or the existing account's password,
 * then the SMS code.
 */
export function InviteAcceptForm({ token, mode, email, maskedPhone }: { token: string; mode: 'new' | 'existing'; email: string; maskedPhone: string }) {
  const [state, action, pending] = useActionState<InviteFormState, FormData>(inviteAction, { step: 'password' });

  if (state.step === 'closed') {
    return (
      <div className="mt-4 space-y-3">
        <FormMessage message={state.message} />
        <Link href="/portal/sign-in" className="font-medium text-brand-accent underline underline-offset-2">Go to sign-in</Link>
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
        submitLabel={mode === 'existing' ? 'Verify and add to my account' : 'Verify and create account'}
      />
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value={mode} />
      <input type="hidden" name="token" value={token} />
      {mode === 'existing' ? (
        <p className="text-sm text-fg-muted">
          You already have a portal account with <strong className="text-fg">{email}</strong>. Confirm it’s you with your password and a
          code we’ll text to your phone ending {maskedPhone.slice(-4)}; the invitation will then be added to that account.
        </p>
      ) : (
        <p className="text-sm text-fg-muted">
          Choose a password for <strong className="text-fg">{email}</strong>. Next, we’ll text a code to your phone ending {maskedPhone.slice(-4)}.
        </p>
      )}
      <FormMessage message={state.message} />
      {mode === 'existing' ? (
        <TextField
          label="Password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          error={state.fieldErrors?.currentPassword}
        />
      ) : (
        <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus />
      )}
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Checking…' : 'Continue'}
      </PrimaryButton>
      {mode === 'existing' ? (
        <p className="text-sm text-fg-muted">
          Don’t remember it?{' '}
          <Link href="/portal/forgot-password" className="font-medium text-brand-accent underline underline-offset-2">Forgot password</Link>
        </p>
      ) : null}
    </form>
  );
}
