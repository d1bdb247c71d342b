'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { inviteAction } from '@/app/t/[tenant]/portal/(public)/invite/[token]/actions';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { CodeStep } from '@/components/auth/code-step';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { InviteFormState } from './form-state';
import { PasswordFields } from './password-fields';
import { withNodes } from './rich-text';

const linkClass = 'font-medium text-brand-accent underline underline-offset-2';

/**
 * Accepting an invitation: a new password (new account) or the existing account's password,
 * then the SMS code.
 */
export function InviteAcceptForm({
  token,
  mode,
  email,
  maskedPhone,
  messages: m,
  codeStep,
}: {
  token: string;
  mode: 'new' | 'existing';
  email: string;
  maskedPhone: string;
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const [state, action, pending] = useActionState<InviteFormState, FormData>(inviteAction, { step: 'password' });

  if (state.step === 'closed') {
    return (
      <div className="mt-4 space-y-3">
        <FormMessage message={state.message} />
        <Link href="/portal/sign-in" className={linkClass}>{m.goToSignIn}</Link>
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
        submitLabel={mode === 'existing' ? m.verifyAndAddToAccount : m.verifyAndCreateAccount}
        labels={codeStep}
      />
    );
  }

  const intro = interpolate(mode === 'existing' ? m.inviteExistingIntro : m.inviteNewIntro, { last4: maskedPhone.slice(-4) });
  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value={mode} />
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-fg-muted">{withNodes(intro, { email: <strong className="text-fg">{email}</strong> })}</p>
      <FormMessage message={state.message} />
      {mode === 'existing' ? (
        <TextField
          label={m.password}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          error={state.fieldErrors?.currentPassword}
        />
      ) : (
        <PasswordFields problems={state.passwordProblems} confirmError={state.fieldErrors?.confirmPassword} autoFocus messages={m} />
      )}
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? m.checking : m.continue}
      </PrimaryButton>
      {mode === 'existing' ? (
        <p className="text-sm text-fg-muted">
          {m.dontRememberIt}{' '}
          <Link href="/portal/forgot-password" className={linkClass}>{m.forgotPassword}</Link>
        </p>
      ) : null}
    </form>
  );
}
