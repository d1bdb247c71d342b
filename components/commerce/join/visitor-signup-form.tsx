'use client';

import Link from 'next/link';
import { useId } from 'react';
import { CodeStep } from '@/components/auth/code-step';
import { FlowEnd, linkClass } from '@/components/portal-access/flow-steps';
import { PasswordFields } from '@/components/portal-access/password-fields';
import { FormMessage, PrimaryButton, TextField } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { VisitorSignupFormState } from '@/lib/commerce/visitor-signup-forms';
import { useLazyActionForm } from '@/lib/forms/use-lazy-action-form';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ShopJoinMessages } from '@/lib/i18n/messages/shop-join';

const loadSchema = () => import('@/lib/commerce/visitor-signup-forms').then((m) => m.visitorSignupSchema);

export type VisitorSignupTexts = Pick<ShopJoinMessages,
  'intro' | 'alreadyHaveAccount' | 'signIn' | 'firstName' | 'lastName' | 'dateOfBirth' | 'dateOfBirthPlaceholder' | 'phone' | 'phoneHint' |
  'email' | 'emailHint' | 'emailHintSignIn' | 'identifierHint' | 'terms' | 'sendCode' | 'sending' | 'codeIntro' | 'verify' | 'setUpAccess' | 'activateWithPortalId'>;

/**
 * The shop's sign-up for a new visitor (lib/commerce/visitor-signup.ts is its server half): the
 * details, then the SMS code (the portal's code step), then the page the action sends them on to;
 * or, when the clinic may already know them, the neutral sentence with ways to sign in or to set
 * up access to their record. A plain form first; the browser check arrives after the page is
 * interactive (useLazyActionForm). Field messages come as keys; `errors` words them.
 */
export function VisitorSignupForm({
  action,
  next,
  nationalIdLabel,
  claimAvailable,
  messages: m,
  errors,
  passwordMessages,
  codeStep,
}: {
  action: FormAction<VisitorSignupFormState>;
  /** Where the account goes once made (already made safe by the page). */
  next: string;
  /** The clinic's national-ID name when it signs in with one; null in email clinics. */
  nationalIdLabel: string | null;
  /** The clinic's access mode lets a patient set up access by their identifier (/portal/claim). */
  claimAvailable: boolean;
  /** In the reader's language, placeholders filled except the code step's {last4}. */
  messages: VisitorSignupTexts;
  /** A field message's key -> its sentence. */
  errors: Record<string, string>;
  passwordMessages: Pick<PortalAccessMessages, 'newPassword' | 'passwordRules' | 'confirmPassword'>;
  codeStep: CodeStepLabels;
}) {
  const { state, pending, formProps, errorFor } = useLazyActionForm(loadSchema, action, {
    initialState: { step: 'details' },
    resetAfterSubmit: false,
  });
  const termsId = useId();
  const word = (text: string | undefined) => (text ? (errors[text] ?? text) : undefined);

  if (state.step === 'code') {
    return (
      <CodeStep
        action={formProps.action}
        pending={pending}
        state={state}
        labels={codeStep}
        intro={interpolate(m.codeIntro, { last4: state.maskedPhone?.slice(-4) ?? '' })}
        submitLabel={m.verify}
      />
    );
  }
  if (state.step === 'may-have-account') {
    return (
      <FlowEnd
        message={state.message}
        tone="info"
        links={[
          { href: '/portal/sign-in', label: m.signIn },
          ...(claimAvailable ? [{ href: '/portal/claim', label: m.setUpAccess }] : []),
          { href: '/portal/activate', label: m.activateWithPortalId },
        ]}
      />
    );
  }

  const values = state.values ?? {};
  const passwordError = word(errorFor('password'));
  const termsError = word(errorFor('terms'));
  return (
    <form {...formProps} className="mt-4 space-y-4">
      <input type="hidden" name="intent" value="details" />
      <input type="hidden" name="next" value={next} />
      <p className="text-sm text-fg-muted">{m.intro}</p>
      <FormMessage message={word(state.message)} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label={m.firstName} name="firstName" autoComplete="given-name" maxLength={100} required
          defaultValue={values.firstName} error={word(errorFor('firstName'))} />
        <TextField label={m.lastName} name="lastName" autoComplete="family-name" maxLength={100} required
          defaultValue={values.lastName} error={word(errorFor('lastName'))} />
      </div>
      <TextField label={m.dateOfBirth} name="dateOfBirth" inputMode="numeric" autoComplete="bday" placeholder={m.dateOfBirthPlaceholder}
        maxLength={10} required defaultValue={values.dateOfBirth} error={word(errorFor('dateOfBirth'))} />
      <TextField label={m.phone} name="phone" type="tel" autoComplete="tel" maxLength={40} required hint={m.phoneHint}
        defaultValue={values.phone} error={word(errorFor('phone'))} />
      <TextField label={m.email} name="email" type="email" autoComplete="email" maxLength={254} required
        hint={nationalIdLabel ? m.emailHint : m.emailHintSignIn} defaultValue={values.email} error={word(errorFor('email'))} />
      {nationalIdLabel ? (
        <TextField label={nationalIdLabel} name="identifier" autoComplete="off" maxLength={40} required hint={m.identifierHint}
          defaultValue={values.identifier} error={word(errorFor('identifier'))} />
      ) : null}
      <PasswordFields
        problems={passwordError ? [passwordError] : state.passwordProblems}
        confirmError={word(errorFor('confirmPassword'))}
        messages={passwordMessages}
      />
      <div>
        <label className="flex min-h-11 cursor-pointer items-start gap-3 text-sm">
          <input
            type="checkbox"
            name="terms"
            value="on"
            required
            aria-invalid={termsError ? true : undefined}
            aria-describedby={termsError ? `${termsId}-error` : undefined}
            className="mt-0.5 size-5 shrink-0 accent-brand"
          />
          <span>{m.terms}</span>
        </label>
        {termsError ? <p id={`${termsId}-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{termsError}</p> : null}
      </div>
      <PrimaryButton type="submit" disabled={pending} className="w-full">
        {pending ? m.sending : m.sendCode}
      </PrimaryButton>
      <p className="text-sm text-fg-muted">
        {m.alreadyHaveAccount}{' '}
        <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
      </p>
    </form>
  );
}
