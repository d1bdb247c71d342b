'use client';

import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { AuthenticatorSignInMessages } from '@/lib/i18n/messages/authenticator';
import { RestartButton } from './code-step';

/**
 * Portal sign-in's authenticator app (issue 19): the button under the SMS code, and the step that
 * takes the app's code or a recovery code instead. Each posts its `intent` to the sign-in action,
 * so both work without JavaScript.
 */

/** "Use my authenticator app instead", below the SMS code. */
export function UseAppButton({ action, pending, label }: { action: (form: FormData) => void; pending: boolean; label: string }) {
  return (
    <form action={action}>
      <input type="hidden" name="intent" value="use-app" />
      <SecondaryButton type="submit" disabled={pending} className="w-full">
        {label}
      </SecondaryButton>
    </form>
  );
}

export function AppCodeStep({
  action,
  pending,
  state,
  messages: m,
  restartLabel,
}: {
  action: (form: FormData) => void;
  pending: boolean;
  state: { message?: string; fieldErrors?: Record<string, string | undefined> };
  messages: AuthenticatorSignInMessages;
  restartLabel: string;
}) {
  return (
    <div className="mt-4 space-y-4">
      <p className="text-sm text-fg-muted">{m.appIntro}</p>
      <FormMessage message={state.message} />
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="app-code" />
        {/* Letters too: a recovery code is "abcde-23456". */}
        <TextField
          label={m.appCodeLabel}
          name="code"
          autoComplete="one-time-code"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={40}
          required
          autoFocus
          error={state.fieldErrors?.code}
        />
        <PrimaryButton type="submit" disabled={pending} className="w-full">
          {pending ? m.checking : m.verifyAndSignIn}
        </PrimaryButton>
      </form>
      <form action={action}>
        <input type="hidden" name="intent" value="use-sms" />
        <SecondaryButton type="submit" disabled={pending} className="w-full">
          {m.useSms}
        </SecondaryButton>
      </form>
      <RestartButton action={action} label={restartLabel} />
    </div>
  );
}
