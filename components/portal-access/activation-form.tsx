'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { activationAction } from '@/app/t/[tenant]/portal/(public)/activate/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import type { ActivationFormState } from './form-state';
import { PasswordFields } from './password-fields';

/** Printed activation (seed 001) in three steps on one card. */
export function ActivationForm({ identifierLabel, identifierMode }: { identifierLabel: string; identifierMode: 'email' | 'national_id' }) {
  const [state, action, pending] = useActionState<ActivationFormState, FormData>(activationAction, { step: 'details' });

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro={`To confirm your phone, we sent a 6-digit code by SMS to the number ending ${state.maskedPhone?.slice(-4) ?? ''}. It expires in 10 minutes.`}
        submitLabel="Verify and activate"
      />
    );
  }

  if (state.step === 'credentials') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">
          We found your record. Now choose how you’ll sign in. Next, we’ll text a code to your phone ending {state.maskedPhone?.slice(-4)}.
        </p>
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="credentials" />
          <FormMessage message={state.message} />
          {identifierMode === 'email' ? (
            <TextField
              label={identifierLabel}
              name="identifier"
              type="email"
              autoComplete="email"
              defaultValue={state.values?.identifier}
              required
              autoFocus
              hint="You’ll sign in with this email."
              error={state.fieldErrors?.identifier}
            />
          ) : (
            <TextField
              label={identifierLabel}
              name="identifier-on-file"
              value={state.maskedIdentifier ?? ''}
              readOnly
              hint={`The ${identifierLabel} the clinic has on file. You’ll sign in with it.`}
            />
          )}
          <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus={identifierMode !== 'email'} />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? 'Saving…' : 'Continue'}
          </PrimaryButton>
        </form>
        <RestartButton action={action} label="Start again" />
      </div>
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value="details" />
      <p className="text-sm text-fg-muted">Enter the details from the instructions the clinic gave you.</p>
      <FormMessage message={state.message} />
      <TextField
        label="Portal ID"
        name="portalCode"
        inputMode="numeric"
        autoComplete="off"
        maxLength={12}
        defaultValue={state.values?.portalCode}
        required
        hint="The 6-digit number on your instructions."
        error={state.fieldErrors?.portalCode}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="First initial of first name"
          name="firstInitial"
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={2}
          defaultValue={state.values?.firstInitial}
          required
          error={state.fieldErrors?.firstInitial}
        />
        <TextField
          label="First initial of last name"
          name="lastInitial"
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={2}
          defaultValue={state.values?.lastInitial}
          required
          error={state.fieldErrors?.lastInitial}
        />
      </div>
      <TextField
        label="Date of birth (MM/DD/YYYY)"
        name="dateOfBirth"
        inputMode="numeric"
        autoComplete="bday"
        placeholder="MM/DD/YYYY"
        maxLength={10}
        defaultValue={state.values?.dateOfBirth}
        required
        error={state.fieldErrors?.dateOfBirth}
      />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Checking…' : 'Confirm'}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">
        Already activated?{' '}
        <Link href="/portal/sign-in" className="font-medium text-brand-accent underline underline-offset-2">
          Sign in
        </Link>
      </p>
    </form>
  );
}
