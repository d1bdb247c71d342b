'use client';

import Link from 'next/link';
import { CodeFlowForm } from '@/components/auth/code-flow-form';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { InviteFormState } from '@/lib/portal-access/form-state';
import { FlowEnd, linkClass } from './flow-steps';
import { PasswordFields } from './password-fields';
import { withNodes } from './rich-text';

/**
 * Accepting an invitation: a new password (new account) or the existing account's password,
 * then the SMS code.
 */
export function InviteAcceptForm({
  action,
  token,
  mode,
  email,
  maskedPhone,
  messages: m,
  codeStep,
}: {
  action: FormAction<InviteFormState>;
  token: string;
  mode: 'new' | 'existing';
  email: string;
  maskedPhone: string;
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const intro = interpolate(mode === 'existing' ? m.inviteExistingIntro : m.inviteNewIntro, { last4: maskedPhone.slice(-4) });
  return (
    <CodeFlowForm
      action={action}
      first="password"
      labels={codeStep}
      codeStep={(state) => ({
        intro: interpolate(m.codeIntroPhone, { last4: state.maskedPhone?.slice(-4) ?? '' }),
        submitLabel: mode === 'existing' ? m.verifyAndAddToAccount : m.verifyAndCreateAccount,
      })}
    >
      {({ state, action: post, pending }) => state.step === 'closed' ? (
        <FlowEnd message={state.message} links={[{ href: '/portal/sign-in', label: m.goToSignIn }]} />
      ) : (
        <form action={post} className="mt-4 space-y-4" noValidate>
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
      )}
    </CodeFlowForm>
  );
}
