'use client';

import { useActionState } from 'react';
import { portalSignInAction } from '@/app/t/[tenant]/portal/(public)/sign-in/actions';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { PortalSignInState } from './portal-sign-in-state';
import { formatCountdown, useSecondsUntil } from './resend-countdown';

/** Two steps on one card: identifier and password, then the SMS code. */
export function PortalSignInForm({ identifierLabel, identifierType }: { identifierLabel: string; identifierType: 'email' | 'text' }) {
  const [state, action, pending] = useActionState<PortalSignInState, FormData>(portalSignInAction, { step: 'credentials' });
  const resendIn = useSecondsUntil(state.step === 'code' ? state.resendAt : undefined);

  if (state.step === 'code') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">
          We sent a 6-digit code by SMS to your phone ending {state.maskedPhone?.slice(-4)}. It expires in 10 minutes.
        </p>
        <FormMessage message={state.message} />
        <FormMessage message={state.notice} tone="info" />
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="code" />
          <TextField
            label="Verification code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={12}
            required
            autoFocus
            error={state.fieldErrors?.code}
          />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? 'Checking…' : 'Verify and sign in'}
          </PrimaryButton>
        </form>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <form action={action}>
            <input type="hidden" name="intent" value="resend" />
            <SecondaryButton type="submit" disabled={pending || resendIn > 0} aria-describedby="resend-hint">
              Resend code
            </SecondaryButton>
          </form>
          <span id="resend-hint" className="text-sm text-fg-muted" aria-live="polite">
            {resendIn > 0 ? `You can resend in ${formatCountdown(resendIn)}` : 'Didn’t get it? You can resend now.'}
          </span>
        </div>
        <form action={action}>
          <input type="hidden" name="intent" value="restart" />
          <button type="submit" className="text-sm font-medium text-brand-accent underline underline-offset-2">
            Use a different account
          </button>
        </form>
      </div>
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
