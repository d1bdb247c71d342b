'use client';

import { PasskeySignInButton, type PasskeyButtonLabels } from '@/components/passkeys/passkey-sign-in-button';
import { FormMessage, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { staffCredentialsSchema } from '@/lib/auth/schemas';
import { useActionForm } from '@/lib/forms/use-action-form';
import { clinicSchema } from '@/lib/platform/clinic-schema';
import type { ConsoleFormState } from '@/lib/platform/console-state';

const BUTTON = 'inline-flex min-h-11 items-center justify-center rounded-lg bg-slate-900 px-4 font-semibold text-white hover:bg-slate-700 disabled:opacity-60';

/** Email and password (checked in the browser with the action's schema), then the authenticator code. */
export function OperatorSignInForm({ action: signIn }: { action: FormAction<ConsoleFormState> }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(staffCredentialsSchema, signIn, { initialState: { step: 'credentials' } });
  if (state.step === 'totp') return <OperatorCodeForm action={formProps.action} state={state} pending={pending} />;
  return (
    <form {...formProps} className="mt-4 space-y-4">
      <input type="hidden" name="intent" value="credentials" />
      <FormMessage message={state.message} />
      <TextField {...form.register('email')} label="Email" type="email" autoComplete="username" required error={errorFor('email')} />
      <TextField {...form.register('password')} label="Password" type="password" autoComplete="current-password" required error={errorFor('password')} />
      <button type="submit" disabled={pending} className={`${BUTTON} w-full`}>{pending ? 'Checking…' : 'Continue'}</button>
    </form>
  );
}

const PASSKEY_LABELS: PasskeyButtonLabels = {
  use: 'Use a passkey',
  waiting: 'Waiting for your passkey…',
  cancelled: 'The passkey was not used: the request was cancelled or took too long. Try again, or enter the code from your authenticator app.',
  unsupported: 'This browser cannot use passkeys. Enter the code from your authenticator app instead.',
  needsJavaScript: 'Passkeys need JavaScript, which is off in this browser. Enter the code from your authenticator app instead.',
};

function OperatorCodeForm({ action, state, pending }: { action: (form: FormData) => void; state: ConsoleFormState; pending: boolean }) {
  return (
    <div className="mt-4 space-y-4">
      <FormMessage message={state.message} />
      {state.passkey ? (
        <>
          <PasskeySignInButton action={action} options={state.passkey} labels={PASSKEY_LABELS} pending={pending} buttonClassName={`${BUTTON} w-full`} />
          <p className="text-center text-sm text-slate-600">or</p>
        </>
      ) : null}
      <OperatorTotpForm action={action} state={state} pending={pending} />
    </div>
  );
}

function OperatorTotpForm({ action, state, pending }: { action: (form: FormData) => void; state: ConsoleFormState; pending: boolean }) {
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="intent" value="totp" />
      <TextField label="Authentication code" name="token" inputMode="numeric" autoComplete="one-time-code" maxLength={7} autoFocus required error={state.fieldErrors?.token} />
      <button type="submit" disabled={pending} className={`${BUTTON} w-full`}>{pending ? 'Checking…' : 'Sign in'}</button>
    </form>
  );
}

export function CreateClinicForm({ action, rootDomain }: { action: FormAction<ConsoleFormState>; rootDomain: string }) {
  const { form, state, pending, formProps, errorFor } = useActionForm(clinicSchema, action);
  // The hint follows what is typed (with JavaScript); before that it shows where the label goes.
  const slug = String(form.watch('slug') ?? '').trim().toLowerCase();
  return (
    <form {...formProps} className="grid gap-4 sm:grid-cols-2">
      <TextField {...form.register('name')} label="Clinic name" required error={errorFor('name')} />
      <TextField {...form.register('slug')} label="Address (subdomain)" required hint={`The clinic will live at ${slug || 'your-clinic'}.${rootDomain}, for example sunrise.${rootDomain}.`} error={errorFor('slug')} />
      <TextField {...form.register('adminName')} label="First admin’s name" required error={errorFor('adminName')} />
      <TextField {...form.register('adminEmail')} label="First admin’s email" type="email" required error={errorFor('adminEmail')} />
      <div className="sm:col-span-2 space-y-3">
        <button type="submit" disabled={pending} className={BUTTON}>{pending ? 'Creating…' : 'Create clinic and invite admin'}</button>
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </div>
    </form>
  );
}
