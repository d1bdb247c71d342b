'use client';

import { PasskeySignInButton, type PasskeyButtonLabels } from '@/components/passkeys/passkey-sign-in-button';
import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { staffCredentialsSchema } from '@/lib/auth/schemas';
import type { StaffSignInState } from '@/lib/auth/staff-form-states';
import { useActionForm } from '@/lib/forms/use-action-form';
import { formatCountdown, useSecondsUntil } from './resend-countdown';

const STAFF_PASSKEY_LABELS: PasskeyButtonLabels = {
  use: 'Use a passkey',
  waiting: 'Waiting for your passkey…',
  cancelled: 'The passkey was not used: the request was cancelled or took too long. Try again, or enter the code from your authenticator app.',
  unsupported: 'This browser cannot use passkeys. Enter the code from your authenticator app instead.',
  needsJavaScript: 'Passkeys need JavaScript, which is off in this browser. Enter the code from your authenticator app instead.',
};

/**
 * One form for /emr/sign-in and /crm/sign-in: password, then the second factor. The email and
 * password are checked in the browser with the action's own schema; every step posts to `action`.
 */
export function StaffSignInForm({ action: signIn, area, next }: { action: FormAction<StaffSignInState>; area: 'crm' | 'emr'; next?: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(staffCredentialsSchema, signIn, { initialState: { step: 'credentials' } });
  const action = formProps.action;
  const resendIn = useSecondsUntil(state.step === 'sms' ? state.resendAt : undefined);
  const hidden = (intent: string) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="area" value={area} />
      {next ? <input type="hidden" name="next" value={next} /> : null}
    </>
  );
  const restart = (
    <form action={action}>
      {hidden('restart')}
      <button type="submit" className="text-sm link">
        Start again
      </button>
    </form>
  );

  if (state.step === 'enroll') {
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">
          Your clinic requires a second step at every sign-in. Scan this code with an authenticator app (Google
          Authenticator, Microsoft Authenticator, 1Password…), then enter the 6-digit code it shows.
        </p>
        <div
          role="img"
          aria-label="QR code for your authenticator app"
          className="mx-auto w-48 rounded-lg bg-white p-2"
          dangerouslySetInnerHTML={{ __html: state.qrSvg ?? '' }}
        />
        <p className="text-sm">
          Can’t scan? Enter this key: <code className="break-all rounded bg-surface-muted px-1 font-mono">{state.secret}</code>
        </p>
        <FormMessage message={state.message} />
        <form action={action} className="space-y-4" noValidate>
          {hidden('enroll')}
          <TextField label="Authentication code" name="token" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required autoFocus error={state.fieldErrors?.token} />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? 'Checking…' : 'Confirm and sign in'}
          </PrimaryButton>
        </form>
        {restart}
      </div>
    );
  }

  if (state.step === 'totp' || state.step === 'sms') {
    const sms = state.step === 'sms';
    return (
      <div className="mt-4 space-y-4">
        <p className="text-sm text-fg-muted">
          {sms
            ? `We sent a 6-digit code by SMS to your phone ending ${state.maskedPhone?.slice(-4)}.`
            : 'Enter the 6-digit code from your authenticator app.'}
        </p>
        <FormMessage message={state.message} />
        {state.passkey && !sms ? (
          <>
            <PasskeySignInButton action={action} options={state.passkey} labels={STAFF_PASSKEY_LABELS} pending={pending} hidden={{ area, next }} />
            <p className="text-center text-sm text-fg-muted">or</p>
          </>
        ) : null}
        <form action={action} className="space-y-4" noValidate>
          {hidden(sms ? 'sms' : 'totp')}
          {sms ? (
            <TextField label="Verification code" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={12} required autoFocus error={state.fieldErrors?.code} />
          ) : (
            <TextField label="Authentication code" name="token" inputMode="numeric" autoComplete="one-time-code" maxLength={7} required autoFocus error={state.fieldErrors?.token} />
          )}
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? 'Checking…' : 'Sign in'}
          </PrimaryButton>
        </form>
        {state.smsFallback ? (
          <form action={action} className="flex flex-wrap items-center gap-3">
            {hidden('send-sms')}
            <SecondaryButton type="submit" disabled={pending || (sms && resendIn > 0)}>
              {sms ? 'Resend code' : 'Send a code by SMS instead'}
            </SecondaryButton>
            {sms && resendIn > 0 ? <span className="text-sm text-fg-muted">You can resend in {formatCountdown(resendIn)}</span> : null}
          </form>
        ) : null}
        {restart}
      </div>
    );
  }

  return (
    <form {...formProps} className="mt-4 space-y-4">
      {hidden('credentials')}
      <FormMessage message={state.message} />
      <TextField {...form.register('email')} label="Email" type="email" autoComplete="username" defaultValue={state.email} required error={errorFor('email')} />
      <TextField {...form.register('password')} label="Password" type="password" autoComplete="current-password" required error={errorFor('password')} />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? 'Checking…' : 'Continue'}
      </PrimaryButton>
    </form>
  );
}
