'use client';

import { CodeFlowForm } from '@/components/auth/code-flow-form';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import { interpolate } from '@/lib/i18n/core';
import type { PortalAccessMessages } from '@/lib/i18n/messages/portal-access';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { ResetLinkFormState } from '@/lib/portal-access/form-state';
import { FlowEnd, NewPasswordStep } from './flow-steps';

/** The emailed reset link: send the code, enter it, choose the new password. */
export function ResetLinkForm({
  action,
  token,
  maskedPhone,
  messages: m,
  codeStep,
}: {
  action: FormAction<ResetLinkFormState>;
  token: string;
  maskedPhone: string;
  messages: PortalAccessMessages;
  codeStep: CodeStepLabels;
}) {
  return (
    <CodeFlowForm
      action={action}
      first="start"
      labels={codeStep}
      codeStep={(state) => ({ intro: interpolate(m.codeIntroPhone, { last4: state.maskedPhone?.slice(-4) ?? '' }), submitLabel: m.verify })}
    >
      {(flow) => {
        const { state, action: post, pending } = flow;
        if (state.step === 'closed') return <FlowEnd message={state.message} links={[{ href: '/portal/forgot-password', label: m.startOver }]} />;
        if (state.step === 'password') return <NewPasswordStep flow={flow} intro={m.phoneConfirmedNewPassword} submitLabel={m.setNewPassword} messages={m} />;
        return (
          <form action={post} className="mt-4 space-y-4">
            <input type="hidden" name="intent" value="start" />
            <input type="hidden" name="token" value={token} />
            <p className="text-sm text-fg-muted">{interpolate(m.resetLinkIntro, { last4: maskedPhone.slice(-4) })}</p>
            <FormMessage message={state.message} />
            <PrimaryButton type="submit" disabled={pending} className="w-full">
              {pending ? m.sending : m.textMeCode}
            </PrimaryButton>
          </form>
        );
      }}
    </CodeFlowForm>
  );
}
