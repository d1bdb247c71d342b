'use client';

import Link from 'next/link';
import { CodeStep } from '@/components/auth/code-step';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { PortalRegistrationMessages } from '@/lib/i18n/messages/portal-registration';
import type { ShopJoinMessages } from '@/lib/i18n/messages/shop-join';
import type { RegistrationFormState } from '@/lib/portal-access/registration-forms';
import { FlowEnd, linkClass, NewPasswordStep } from './flow-steps';

const loadSchema = () => import('@/lib/portal-access/registration-forms').then((m) => m.registrationDetailsSchema);

export type RegistrationTexts = Pick<PortalRegistrationMessages,
  'intro' | 'introApproval' | 'emailHintOptional' | 'codeIntro' | 'codeAccountHint' | 'verify' | 'passwordIntro' | 'createAccount' |
  'pendingTitle' | 'pending' | 'backToSignIn'>;
export type RegistrationFieldTexts = Pick<ShopJoinMessages,
  'alreadyHaveAccount' | 'signIn' | 'firstName' | 'lastName' | 'dateOfBirth' | 'dateOfBirthPlaceholder' | 'phone' | 'phoneHint' |
  'email' | 'emailHintSignIn' | 'identifierHint' | 'sendCode' | 'sending'>;

/**
 * A new patient's registration (lib/portal-access/registration.ts is its server half): the
 * details, the SMS code (the portal's code step), the password (the portal's new-password step),
 * then the page the action sends them to, or "the clinic will confirm". A plain form first; the
 * details' browser check arrives after the page is interactive (useLazyActionForm). Field messages
 * come as keys; `errors` words them.
 */
export function RegistrationForm({
  action,
  needsApproval,
  nationalIdLabel,
  messages: m,
  fields: f,
  errors,
  access,
  codeStep,
}: {
  action: FormAction<RegistrationFormState>;
  /** The clinic confirms each registration before the account works. */
  needsApproval: boolean;
  /** The clinic's national-ID name when it signs in with one; null in email clinics. */
  nationalIdLabel: string | null;
  /** In the reader's language, placeholders filled except the code step's {last4}. */
  messages: RegistrationTexts;
  fields: RegistrationFieldTexts;
  /** A field message's key -> its sentence. */
  errors: Record<string, string>;
  access: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, {
    initialState: { step: 'details' },
    resetAfterSubmit: false,
  });
  const word = (text: string | undefined) => (text ? (errors[text] ?? text) : undefined);

  if (state.step === 'code') {
    return (
      <CodeStep
        action={formProps.action}
        pending={pending}
        state={state}
        labels={codeStep}
        intro={(
          <>
            {interpolate(m.codeIntro, { last4: state.maskedPhone?.slice(-4) ?? '' })}{' '}
            {m.codeAccountHint}
          </>
        )}
        submitLabel={m.verify}
      />
    );
  }
  if (state.step === 'password') {
    return <NewPasswordStep flow={{ state, action: formProps.action, pending }} intro={m.passwordIntro} submitLabel={m.createAccount} messages={access} />;
  }
  if (state.step === 'pending') {
    return (
      <FlowEnd message={undefined} links={[{ href: '/portal/sign-in', label: m.backToSignIn }]}>
        <div role="status" className="mt-4 space-y-2">
          <h2 className="text-lg font-semibold">{m.pendingTitle}</h2>
          <p>{m.pending}</p>
        </div>
      </FlowEnd>
    );
  }

  const values = state.values ?? {};
  return (
    <form {...formProps} className="mt-4 space-y-4">
      <input type="hidden" name="intent" value="details" />
      <p className="text-sm text-fg-muted">{m.intro}</p>
      {needsApproval ? <p className="text-sm text-fg-muted">{m.introApproval}</p> : null}
      <FormMessage message={word(state.message)} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label={f.firstName} name="firstName" autoComplete="given-name" maxLength={100} required
          defaultValue={values.firstName} error={word(errorFor('firstName'))} />
        <TextField label={f.lastName} name="lastName" autoComplete="family-name" maxLength={100} required
          defaultValue={values.lastName} error={word(errorFor('lastName'))} />
      </div>
      <TextField label={f.dateOfBirth} name="dateOfBirth" inputMode="numeric" autoComplete="bday" placeholder={f.dateOfBirthPlaceholder}
        maxLength={10} required defaultValue={values.dateOfBirth} error={word(errorFor('dateOfBirth'))} />
      {nationalIdLabel ? (
        <TextField label={nationalIdLabel} name="identifier" autoComplete="off" maxLength={40} required hint={f.identifierHint}
          defaultValue={values.identifier} error={word(errorFor('identifier'))} />
      ) : null}
      <TextField label={f.email} name="email" type="email" autoComplete="email" maxLength={254} required={!nationalIdLabel}
        hint={nationalIdLabel ? m.emailHintOptional : f.emailHintSignIn} defaultValue={values.email} error={word(errorFor('email'))} />
      <TextField label={f.phone} name="phone" type="tel" autoComplete="tel" maxLength={40} required hint={f.phoneHint}
        defaultValue={values.phone} error={word(errorFor('phone'))} />
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? f.sending : f.sendCode}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">
        {f.alreadyHaveAccount}{' '}
        <Link href="/portal/sign-in" className={linkClass}>{f.signIn}</Link>
      </p>
    </form>
  );
}
