'use client';

import Link from 'next/link';
import { CodeFlowForm } from '@/components/auth/code-flow-form';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ClaimFormState } from '@/lib/portal-access/form-state';
import { IdentifierField } from '@/components/auth/identifier-field';
import { FlowEnd, linkClass, NewPasswordStep } from './flow-steps';

/** Automatic access (seed 004): identifier, SMS code, password, in the reader's language. */
export function ClaimForm({
  action,
  identifierLabel,
  identifierInSentence,
  identifierType,
  messages: m,
  codeStep,
}: {
  action: FormAction<ClaimFormState>;
  identifierLabel: string;
  /** "email" / "correo electrónico", or the clinic's national-ID name. */
  identifierInSentence: string;
  identifierType: 'email' | 'text';
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  return (
    <CodeFlowForm action={action} first="identifier" labels={codeStep} codeStep={() => ({ intro: m.claimCodeIntro, submitLabel: m.verify })}>
      {(flow) => {
        const { state, action: post, pending } = flow;
        if (state.step === 'account-exists') {
          return (
            <FlowEnd
              message={state.message}
              tone="info"
              links={[{ href: '/portal/sign-in', label: m.signIn }, { href: '/portal/forgot-password', label: m.forgotPassword }]}
            />
          );
        }
        if (state.step === 'password') return <NewPasswordStep flow={flow} intro={m.claimPasswordIntro} submitLabel={m.createAccount} messages={m} />;
        return (
          <form action={post} className="mt-4 space-y-4" noValidate>
            <input type="hidden" name="intent" value="identifier" />
            <p className="text-sm text-fg-muted">{interpolate(m.claimIntro, { identifier: identifierInSentence })}</p>
            <FormMessage message={state.message} />
            <IdentifierField state={state} label={identifierLabel} type={identifierType} autoComplete="off" />
            <PrimaryButton type="submit" disabled={pending} className="w-full">
              {pending ? m.sending : m.sendCode}
            </PrimaryButton>
            <p className="text-sm text-fg-muted">
              {m.alreadyHaveAccount}{' '}
              <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
            </p>
          </form>
        );
      }}
    </CodeFlowForm>
  );
}
