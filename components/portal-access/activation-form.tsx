'use client';

import Link from 'next/link';
import { CodeFlowForm } from '@/components/auth/code-flow-form';
import { RestartButton } from '@/components/auth/code-step';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ActivationFormState } from '@/lib/portal-access/form-state';
import { linkClass } from './flow-steps';
import { PasswordFields } from './password-fields';

/** Printed activation (seed 001) in three steps on one card, in the reader's language. */
export function ActivationForm({
  action,
  identifierLabel,
  identifierMode,
  messages: m,
  codeStep,
}: {
  action: FormAction<ActivationFormState>;
  identifierLabel: string;
  identifierMode: 'email' | 'national_id';
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const last4 = (state: ActivationFormState) => state.maskedPhone?.slice(-4) ?? '';
  return (
    <CodeFlowForm
      action={action}
      first="details"
      labels={codeStep}
      codeStep={(state) => ({ intro: interpolate(m.activationCodeIntro, { last4: last4(state) }), submitLabel: m.verifyAndActivate })}
    >
      {({ state, action: post, pending }) => state.step === 'credentials' ? (
        <div className="mt-4 space-y-4">
          <p className="text-sm text-fg-muted">{interpolate(m.activationFoundRecord, { last4: last4(state) })}</p>
          <form action={post} className="space-y-4" noValidate>
            <input type="hidden" name="intent" value="credentials" />
            <FormMessage message={state.message} />
            {identifierMode === 'email' ? (
              <TextField
                label={identifierLabel}
                name="identifier"
                type="email"
                autoComplete="email"
                defaultValue={state.values?.identifier}
                required
                autoFocus
                hint={m.activationEmailHint}
                error={state.fieldErrors?.identifier}
              />
            ) : (
              <TextField
                label={identifierLabel}
                name="identifier-on-file"
                value={state.maskedIdentifier ?? ''}
                readOnly
                hint={interpolate(m.activationIdentifierOnFile, { identifier: identifierLabel })}
              />
            )}
            <PasswordFields
              problems={state.passwordProblems}
              confirmError={state.fieldErrors?.confirmPassword}
              autoFocus={identifierMode !== 'email'}
              messages={m}
            />
            <PrimaryButton type="submit" disabled={pending} className="w-full">
              {pending ? m.saving : m.continue}
            </PrimaryButton>
          </form>
          <RestartButton action={post} label={m.startAgain} />
        </div>
      ) : (
        <form action={post} className="mt-4 space-y-4" noValidate>
          <input type="hidden" name="intent" value="details" />
          <p className="text-sm text-fg-muted">{m.activationDetailsIntro}</p>
          <FormMessage message={state.message} />
          <TextField
            label={m.portalIdLabel}
            name="portalCode"
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            defaultValue={state.values?.portalCode}
            required
            hint={m.portalIdHint}
            error={state.fieldErrors?.portalCode}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <InitialField label={m.firstInitialLabel} name="firstInitial" state={state} />
            <InitialField label={m.lastInitialLabel} name="lastInitial" state={state} />
          </div>
          <TextField
            label={m.dateOfBirthLabel}
            name="dateOfBirth"
            inputMode="numeric"
            autoComplete="bday"
            placeholder={m.dateOfBirthPlaceholder}
            maxLength={10}
            defaultValue={state.values?.dateOfBirth}
            required
            error={state.fieldErrors?.dateOfBirth}
          />
          <PrimaryButton type="submit" disabled={pending} className="w-full">
            {pending ? m.checking : m.confirm}
          </PrimaryButton>
          <p className="text-sm text-fg-muted">
            {m.alreadyActivated}{' '}
            <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
          </p>
        </form>
      )}
    </CodeFlowForm>
  );
}

function InitialField({ label, name, state }: { label: string; name: 'firstInitial' | 'lastInitial'; state: ActivationFormState }) {
  return (
    <TextField
      label={label}
      name={name}
      autoComplete="off"
      autoCapitalize="characters"
      maxLength={2}
      defaultValue={state.values?.[name]}
      required
      error={state.fieldErrors?.[name]}
    />
  );
}
