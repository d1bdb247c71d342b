'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { resetLinkAction } from '@/app/t/[tenant]/portal/(public)/reset-password/[token]/actions';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import { CodeStep, RestartButton } from '@/components/auth/code-step';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ResetLinkFormState } from './form-state';
import { PasswordFields } from './password-fields';

/** The emailed reset link: send the code, enter it, choose the new password. */
export function ResetLinkForm({
  token,
  maskedPhone,
  messages: m,
  codeStep,
}: {
  token: string;
  maskedPhone: string;
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const [state, action, pending] = useActionState<ResetLinkFormState, FormData>(resetLinkAction, { step: 'start' });

  if (state.step === 'closed') {
    return (
      <div className="mt-4 space-y-3">
        <FormMessage message={state.message} />
        <Link href="/portal/forgot-password" className="font-medium text-brand-accent underline underline-offset-2">{m.startOver}</Link>
      </div>
    );
  }

  if (state.step === 'code') {
    return (
      <CodeStep
        action={action}
        pending={pending}
        state={state}
        intro={interpolate(m.codeIntroPhone, { last4: state.maskedPhone?.slice(-4) ?? '' })}
        submitLabel={m.verify}
        labels={codeStep}
      />
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
    <form action={action} className="mt-4 space-y-4">
      <input type="hidden" name="intent" value="start" />
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-fg-muted">{interpolate(m.resetLinkIntro, { last4: maskedPhone.slice(-4) })}</p>
      <FormMessage message={state.message} />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? m.sending : m.textMeCode}
      </PrimaryButton>
    </form>
  );
}
