'use client';

import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { PasskeySignInButton } from '@/components/passkeys/passkey-sign-in-button';
import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import type { PasskeySignInMessages } from '@/lib/i18n/messages/passkeys';
import { RestartButton } from './code-step';

/**
 * Portal sign-in's passkey step (issue 19): after the password, where the clinic accepts passkeys
 * and the patient has one for this address. No SMS has been sent; "Send me a code by SMS instead"
 * posts without JavaScript, and stays in view when the passkey button cannot work.
 */
export function PasskeySignInStep({ action, pending, state, messages: m, restartLabel }: {
  action: (form: FormData) => void;
  pending: boolean;
  state: { message?: string; passkey?: PublicKeyCredentialRequestOptionsJSON };
  messages: PasskeySignInMessages;
  restartLabel: string;
}) {
  return (
    <div className="mt-4 space-y-4">
      <p className="text-sm text-fg-muted">{m.signInIntro}</p>
      <FormMessage message={state.message} />
      {state.passkey ? (
        <PasskeySignInButton
          action={action}
          options={state.passkey}
          pending={pending}
          labels={{ use: m.usePasskey, waiting: m.waiting, cancelled: m.signInCancelled, unsupported: m.signInUnsupported, needsJavaScript: m.signInNeedsJavaScript }}
        />
      ) : null}
      <form action={action}>
        <input type="hidden" name="intent" value="send-sms" />
        <SecondaryButton type="submit" disabled={pending} className="w-full">
          {m.smsInstead}
        </SecondaryButton>
      </form>
      <RestartButton action={action} label={restartLabel} />
    </div>
  );
}
