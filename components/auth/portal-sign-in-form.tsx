'use client';

import { useActionState } from 'react';
import { portalSignInAction } from '@/app/t/[tenant]/portal/(public)/sign-in/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep } from './code-step';
import type { PortalSignInState } from './portal-sign-in-state';

/** Two steps on one card: identifier and password, then the SMS code. */
export function PortalSignInForm({ identifierLabel, identifierType }: { identifierLabel: string; identifierType: 'email' | 'text' }) {
  const [state, action, pending] = useActionState<PortalSignInState, FormData>(portalSignInAction, { step: 'credentials' });

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro={`We sent a 6-digit code by SMS to your phone ending ${state.maskedPhone?.slice(-4)}. It expires in 10 minutes.`}
        submitLabel="Verify and sign in"
        restartLabel="Use a different account"
      />
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value="credentials" />
      <FormMessage message={state.message} />
      <TextField
        label={identifierLabel}
        name="identifier"
        type={identifierType}
        autoComplete={identifierType === 'email' ? 'email' : 'username'}
        defaultValue={state.identifier}
        required
        error={state.fieldErrors?.identifier}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password}
      />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Checking…' : 'Continue'}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">We’ll text a code to the phone on file to finish signing in.</p>
    </form>
  );
}
