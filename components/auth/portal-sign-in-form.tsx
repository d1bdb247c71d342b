'use client';

import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import { IdentifierField } from './identifier-field';
import type { FormAction } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { AuthenticatorSignInMessages } from '@/lib/i18n/messages/authenticator';
import type { SignInFormMessages } from '@/lib/i18n/messages/portal-sign-in';
import type { PortalSignInState } from '@/lib/portal-access/form-state';
import type { PasskeySignInMessages } from '@/lib/i18n/messages/passkeys';
import { AppCodeStep, UseAppButton } from './authenticator-sign-in-step';
import { CodeFlowForm } from './code-flow-form';
import { PasskeySignInStep } from './passkey-sign-in-step';

/**
 * Two steps on one card: identifier and password, then the SMS code. `messages` are the form's
 * portal-sign-in strings in the reader's language; the action answers in the same language.
 */
export function PortalSignInForm({
  action,
  identifierLabel,
  identifierType,
  messages: m,
  appMessages,
  passkeyMessages,
}: {
  action: FormAction<PortalSignInState>;
  identifierLabel: string;
  identifierType: 'email' | 'text';
  messages: SignInFormMessages;
  /** The authenticator app's step, where the clinic allows the app. */
  appMessages?: AuthenticatorSignInMessages;
  /** The passkey step, where the clinic accepts passkeys. */
  passkeyMessages?: PasskeySignInMessages;
}) {
  return (
    <CodeFlowForm
      action={action}
      first="credentials"
      labels={m}
      codeStep={(state, { action: post, pending }) => ({
        intro: interpolate(m.codeIntro, { last4: state.maskedPhone?.slice(-4) ?? '' }),
        submitLabel: m.verifyAndSignIn,
        restartLabel: m.useDifferentAccount,
        alternatives: appMessages && state.appOffered ? <UseAppButton action={post} pending={pending} label={appMessages.useApp} /> : undefined,
      })}
    >
      {({ state, action: post, pending }) => state.step === 'passkey' && passkeyMessages ? (
        <PasskeySignInStep action={post} pending={pending} state={state} messages={passkeyMessages} restartLabel={m.useDifferentAccount} />
      ) : state.step === 'app' && appMessages ? (
        <AppCodeStep action={post} pending={pending} state={state} messages={appMessages} restartLabel={m.useDifferentAccount} />
      ) : (
        <form action={post} className="mt-4 space-y-4" noValidate>
          <input type="hidden" name="intent" value="credentials" />
          <FormMessage message={state.message} />
          <IdentifierField state={state} label={identifierLabel} type={identifierType} autoComplete="username" />
          <TextField label={m.password} name="password" type="password" autoComplete="current-password" required error={state.fieldErrors?.password} />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? m.checking : m.continue}
          </PrimaryButton>
          <p className="text-sm text-fg-muted">{m.codeHint}</p>
        </form>
      )}
    </CodeFlowForm>
  );
}
