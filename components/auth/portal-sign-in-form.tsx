'use client';

import { useActionState } from 'react';
import { portalSignInAction } from '@/app/t/[tenant]/portal/(public)/sign-in/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { interpolate } from '@/lib/i18n/core';
import { pickCodeStepLabels, type SignInFormMessages } from '@/lib/i18n/messages/portal-sign-in';
import { CodeStep } from './code-step';
import type { PortalSignInState } from './portal-sign-in-state';

/**
 * Two steps on one card: identifier and password, then the SMS code. `messages` are the form's
 * portal-sign-in strings in the reader's language; the action answers in the same language.
 */
export function PortalSignInForm({
  identifierLabel,
  identifierType,
  messages: m,
}: {
  identifierLabel: string;
  identifierType: 'email' | 'text';
  messages: SignInFormMessages;
}) {
  const [state, action, pending] = useActionState<PortalSignInState, FormData>(portalSignInAction, { step: 'credentials' });

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro={interpolate(m.codeIntro, { last4: state.maskedPhone?.slice(-4) ?? '' })}
        submitLabel={m.verifyAndSignIn}
        restartLabel={m.useDifferentAccount}
        labels={pickCodeStepLabels(m)}
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
        label={m.password}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={state.fieldErrors?.password}
      />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? m.checking : m.continue}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">{m.codeHint}</p>
    </form>
  );
}
