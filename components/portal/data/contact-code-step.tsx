'use client';

import { CodeStep } from '@/components/auth/code-step';
import { interpolate } from '@/lib/i18n/core';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';
import type { DataFormState } from '@/lib/patients/personal-data-form';
import type { DataMessages } from '@/lib/i18n/messages/data';

/**
 * The SMS-code step of a phone or email change: the sign-in flows' CodeStep (resend countdown,
 * one-time-code field), keyed per stage so the new phone's code starts from an empty field.
 * "Start again" here means keeping the current phone and email.
 */
export function ContactCodeStep({
  action,
  pending,
  state,
  messages: m,
  codeLabels,
}: {
  action: (form: FormData) => void;
  pending: boolean;
  state: DataFormState;
  messages: DataMessages;
  codeLabels: CodeStepLabels;
}) {
  const phone = state.maskedPhone ?? '';
  return (
    <section aria-labelledby="code-heading" className="rounded-xl border border-line bg-surface p-4 sm:p-6">
      <h2 id="code-heading" className="text-lg font-semibold">{m.codeHeading}</h2>
      <CodeStep
        key={state.stage}
        action={action}
        pending={pending}
        state={state}
        intro={interpolate(state.stage === 'new' ? m.codeIntroNew : m.codeIntroCurrent, { phone })}
        submitLabel={m.codeSubmit}
        restartLabel={m.cancelChange}
        labels={codeLabels}
      />
    </section>
  );
}
