'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { claimAction } from '@/app/t/[tenant]/portal/(public)/claim/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ClaimFormState } from './form-state';
import { PasswordFields } from './password-fields';

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/** Automatic access (seed 004): identifier, SMS code, password, in the reader's language. */
export function ClaimForm({
  identifierLabel,
  identifierInSentence,
  identifierType,
  messages: m,
  codeStep,
}: {
  identifierLabel: string;
  /** "email" / "correo electrónico", or the clinic's national-ID name. */
  identifierInSentence: string;
  identifierType: 'email' | 'text';
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const [state, action, pending] = useActionState<ClaimFormState, FormData>(claimAction, { step: 'identifier' });

  if (state.step === 'account-exists') {
    return (
      <div className="mt-4 space-y-4">
        <FormMessage message={state.message} tone="info" />
        <p className="flex flex-wrap gap-x-4 gap-y-2">
          <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
          <Link href="/portal/forgot-password" className={linkClass}>{m.forgotPassword}</Link>
        </p>
      </div>
    );
  }

  if (state.step === 'code') {
    return (
      <CodeStep action={action} pending={pending} state={state} intro={m.claimCodeIntro} submitLabel={m.verify} labels={codeStep} />
    );
  }

  if (state.step === 'password') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">{m.claimPasswordIntro}</p>
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="password" />
          <FormMessage message={state.message} />
          <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus messages={m} />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? m.saving : m.createAccount}
          </PrimaryButton>
        </form>
        <RestartButton action={action} label={m.startAgain} />
      </div>
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value="identifier" />
      <p className="text-sm text-fg-muted">{interpolate(m.claimIntro, { identifier: identifierInSentence })}</p>
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
        {pending ? m.sending : m.sendCode}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">
        {m.alreadyHaveAccount}{' '}
        <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
      </p>
    </form>
  );
}
