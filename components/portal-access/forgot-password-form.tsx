'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { forgotPasswordAction } from '@/app/t/[tenant]/portal/(public)/forgot-password/actions';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ForgotFormState } from './form-state';
import { PasswordFields } from './password-fields';

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/** Forgot password: identifier, SMS code, new password (or a reset link by email), in the reader's language. */
export function ForgotPasswordForm({
  identifierLabel,
  identifierInSentence,
  identifierType,
  offerEmailLink,
  messages: m,
  codeStep,
}: {
  identifierLabel: string;
  /** "email" / "correo electrónico", or the clinic's national-ID name. */
  identifierInSentence: string;
  identifierType: 'email' | 'text';
  offerEmailLink: boolean;
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const [state, action, pending] = useActionState<ForgotFormState, FormData>(forgotPasswordAction, { step: 'identifier' });

  if (state.step === 'link-sent') {
    return (
      <div className="mt-4 space-y-4">
        <FormMessage message={state.notice} tone="info" />
        <p className="text-sm text-fg-muted">{m.linkSentNote}</p>
        <Link href="/portal/sign-in" className={linkClass}>{m.backToSignIn}</Link>
      </div>
    );
  }

  if (state.step === 'code') {
    return (
      <CodeStep action={action} pending={pending} state={state} intro={m.forgotCodeIntro} submitLabel={m.verify} labels={codeStep} />
    );
  }

  if (state.step === 'password') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">{m.phoneConfirmedNewPassword}</p>
        <form action={action} className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="password" />
          <FormMessage message={state.message} />
          <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus messages={m} />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? m.saving : m.setNewPassword}
          </PrimaryButton>
        </form>
        <RestartButton action={action} label={m.startAgain} />
      </div>
    );
  }

  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <p className="text-sm text-fg-muted">{interpolate(m.forgotIntro, { identifier: identifierInSentence })}</p>
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
        {pending ? m.sending : m.textMeCode}
      </PrimaryButton>
      {offerEmailLink ? (
        <SecondaryButton type="submit" name="intent" value="email-link" disabled={pending} className="w-full">
          {m.emailMeLink}
        </SecondaryButton>
      ) : null}
      <p className="text-sm text-fg-muted">
        {m.rememberedIt} <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
      </p>
    </form>
  );
}
