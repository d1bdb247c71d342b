'use client';

import { useActionState } from 'react';
import { createClinicAction, operatorSignInAction, type ConsoleFormState } from '@/app/platform/console/actions';
import { FormMessage, TextField } from '@/components/ui/form-controls';

const BUTTON = 'inline-flex min-h-11 items-center justify-center rounded-lg bg-slate-900 px-4 font-semibold text-white hover:bg-slate-700 disabled:opacity-60';

export function OperatorSignInForm() {
  const [state, action, pending] = useActionState<ConsoleFormState, FormData>(operatorSignInAction, { step: 'credentials' });
  if (state.step === 'totp') {
    return (
      <form action={action} className="mt-4 space-y-4" noValidate>
        <input type="hidden" name="intent" value="totp" />
        <FormMessage message={state.message} />
        <TextField label="Authentication code" name="token" inputMode="numeric" autoComplete="one-time-code" maxLength={7} autoFocus required error={state.fieldErrors?.token} />
        <button type="submit" disabled={pending} className={`${BUTTON} w-full`}>{pending ? 'Checking…' : 'Sign in'}</button>
      </form>
    );
  }
  return (
    <form action={action} className="mt-4 space-y-4" noValidate>
      <input type="hidden" name="intent" value="credentials" />
      <FormMessage message={state.message} />
      <TextField label="Email" name="email" type="email" autoComplete="username" required />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
      <button type="submit" disabled={pending} className={`${BUTTON} w-full`}>{pending ? 'Checking…' : 'Continue'}</button>
    </form>
  );
}

export function CreateClinicForm({ rootDomain }: { rootDomain: string }) {
  const [state, action, pending] = useActionState<ConsoleFormState, FormData>(createClinicAction, {});
  const e = state.fieldErrors ?? {};
  return (
    <form action={action} className="grid gap-4 sm:grid-cols-2" noValidate>
      <TextField label="Clinic name" name="name" required error={e.name} />
      <TextField label="Address (subdomain)" name="slug" required hint={`The clinic will live at {address}.${rootDomain}`} error={e.slug} />
      <TextField label="First admin’s name" name="adminName" required error={e.adminName} />
      <TextField label="First admin’s email" name="adminEmail" type="email" required error={e.adminEmail} />
      <div className="sm:col-span-2 space-y-3">
        <button type="submit" disabled={pending} className={BUTTON}>{pending ? 'Creating…' : 'Create clinic and invite admin'}</button>
        <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      </div>
    </form>
  );
}
