'use client';

import Link from 'next/link';
import { CodeFlowForm } from '@/components/auth/code-flow-form';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ForgotFormState } from '@/lib/portal-access/form-state';
import { IdentifierField } from '@/components/auth/identifier-field';
import { FlowEnd, linkClass, NewPasswordStep } from './flow-steps';

/** Forgot password: identifier, SMS code, new password (or a reset link by email), in the reader's language. */
export function ForgotPasswordForm({
  action,
  identifierLabel,
  identifierInSentence,
  identifierType,
  offerEmailLink,
  messages: m,
  codeStep,
}: {
  action: FormAction<ForgotFormState>;
  identifierLabel: string;
  /** "email" / "correo electrónico", or the clinic's national-ID name. */
  identifierInSentence: string;
  identifierType: 'email' | 'text';
  offerEmailLink: boolean;
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  return (
    <CodeFlowForm action={action} first="identifier" labels={codeStep} codeStep={() => ({ intro: m.forgotCodeIntro, submitLabel: m.verify })}>
      {(flow) => {
        const { state, action: post, pending } = flow;
        if (state.step === 'link-sent') {
          return (
            <FlowEnd message={state.notice} tone="info" links={[{ href: '/portal/sign-in', label: m.backToSignIn }]}>
              <p className="text-sm text-fg-muted">{m.linkSentNote}</p>
            </FlowEnd>
          );
        }
        if (state.step === 'password') return <NewPasswordStep flow={flow} intro={m.phoneConfirmedNewPassword} submitLabel={m.setNewPassword} messages={m} />;
        return (
          <form action={post} className="mt-4 space-y-4" noValidate>
            <p className="text-sm text-fg-muted">{interpolate(m.forgotIntro, { identifier: identifierInSentence })}</p>
            <FormMessage message={state.message} />
            <IdentifierField state={state} label={identifierLabel} type={identifierType} autoComplete="username" />
            <PrimaryButton type="submit" name="intent" value="identifier" disabled={pending} className="w-full">
              {pending ? m.sending : m.textMeCode}
            </PrimaryButton>
            {offerEmailLink ? (
              <SecondaryButton type="submit" name="intent" value="email-link" disabled={pending} className="w-full">
                {m.emailMeLink}
              </SecondaryButton>
            ) : null}
            <p className="text-sm text-fg-muted">
              {m.rememberedIt} <Link href="/portal/sign-in" className={linkClass}>{m.signIn}</Link>
            </p>
          </form>
        );
      }}
    </CodeFlowForm>
  );
}
