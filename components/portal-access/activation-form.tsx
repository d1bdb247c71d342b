'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { activationAction } from '@/app/t/[tenant]/portal/(public)/activate/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ActivationFormState } from './form-state';
import { PasswordFields } from './password-fields';

/** Printed activation (seed 001) in three steps on one card, in the reader's language. */
export function ActivationForm({
  identifierLabel,
  identifierMode,
  messages: m,
  codeStep,
}: {
  identifierLabel: string;
  identifierMode: 'email' | 'national_id';
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const [state, action, pending] = useActionState<ActivationFormState, FormData>(activationAction, { step: 'details' });
  const last4 = state.maskedPhone?.slice(-4) ?? '';

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro={interpolate(m.activationCodeIntro, { last4 })}
        submitLabel={m.verifyAndActivate}
        labels={codeStep}
      />
    );
  }

  if (state.step === 'credentials') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">{interpolate(m.activationFoundRecord, { last4 })}</p>
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
              hint={m.activationEmailHint}
              error={state.fieldErrors?.identifier}
            />
          ) : (
            <TextField
              label={identifierLabel}
              name="identifier-on-file"
              value={state.maskedIdentifier ?? ''}
              readOnly
              hint={interpolate(m.activationIdentifierOnFile, { identifier: identifierLabel })}
            />
          )}
          <PasswordFields
            problems={state.passwordProblems}
            confirmError={state.fieldErrors?.confirmPassword}
            autoFocus={identifierMode !== 'email'}
            messages={m}
          />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? m.saving : m.continue}
          </PrimaryButton>
        </form>
        <RestartButton action={action} label={m.startAgain} />
      </div>
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value="details" />
      <p className="text-sm text-fg-muted">{m.activationDetailsIntro}</p>
      <FormMessage message={state.message} />
      <TextField
        label={m.portalIdLabel}
        name="portalCode"
        inputMode="numeric"
        autoComplete="off"
        maxLength={12}
        defaultValue={state.values?.portalCode}
        required
        hint={m.portalIdHint}
        error={state.fieldErrors?.portalCode}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={m.firstInitialLabel}
          name="firstInitial"
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={2}
          defaultValue={state.values?.firstInitial}
          required
          error={state.fieldErrors?.firstInitial}
        />
        <TextField
          label={m.lastInitialLabel}
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
        label={m.dateOfBirthLabel}
        name="dateOfBirth"
        inputMode="numeric"
        autoComplete="bday"
        placeholder={m.dateOfBirthPlaceholder}
        maxLength={10}
        defaultValue={state.values?.dateOfBirth}
        required
        error={state.fieldErrors?.dateOfBirth}
      />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? m.checking : m.confirm}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">
        {m.alreadyActivated}{' '}
        <Link href="/portal/sign-in" className="font-medium text-brand-accent underline underline-offset-2">
          {m.signIn}
        </Link>
      </p>
    </form>
  );
}
