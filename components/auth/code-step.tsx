'use client';

import { FormMessage, PrimaryButton, SecondaryButton, TextField } from '@/components/ui/form-controls';
import { formatCountdown, useSecondsUntil } from '@/components/auth/resend-countdown';
import { interpolate } from '@/lib/i18n/core';
import type { CodeStepLabels } from '@/lib/i18n/messages/portal-sign-in';

/** What a code step shows: the last error or notice, field errors and the resend time. */
export interface CodeStepState {
  message?: string;
  notice?: string;
  fieldErrors?: Record<string, string | undefined>;
  resendAt?: number;
}

/**
 * The SMS-code step of every patient flow (sign-in, activation, claim, invite, reset): the code, "Resend code" after the 60-second
 * countdown, and a way to start again. Each button posts its own `intent` to the flow's action.
 * `labels` come from the page in the reader's language (codeStepLabels): the catalogue of both
 * languages is not imported here, so it stays out of every such page's first load.
 */
export function CodeStep({
  action,
  pending,
  state,
  intro,
  submitLabel,
  restartLabel,
  labels,
  alternatives,
}: {
  action: (form: FormData) => void;
  pending: boolean;
  state: CodeStepState;
  intro: React.ReactNode;
  submitLabel: string;
  restartLabel?: string;
  labels: CodeStepLabels;
  /** Other ways past this step a flow offers (sign-in: the authenticator app), below the code. */
  alternatives?: React.ReactNode;
}) {
  const resendIn = useSecondsUntil(state.resendAt);
  return (
    <div className="mt-4 space-y-4">
      <p className="text-sm text-fg-muted">{intro}</p>
      <FormMessage message={state.message} />
      <FormMessage message={state.notice} tone="info" />
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="code" />
        <TextField
          label={labels.codeLabel}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={12}
          required
          autoFocus
          error={state.fieldErrors?.code}
        />
        <PrimaryButton type="submit" disabled={pending} className="w-full">
          {pending ? labels.checking : submitLabel}
        </PrimaryButton>
      </form>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <form action={action}>
          <input type="hidden" name="intent" value="resend" />
          <SecondaryButton type="submit" disabled={pending || resendIn > 0} aria-describedby="resend-hint">
            {labels.resendCode}
          </SecondaryButton>
        </form>
        <span id="resend-hint" className="text-sm text-fg-muted" aria-live="polite">
          {resendIn > 0 ? interpolate(labels.resendIn, { time: formatCountdown(resendIn) }) : labels.resendNow}
        </span>
      </div>
      {alternatives}
      <RestartButton action={action} label={restartLabel ?? labels.startAgain} />
    </div>
  );
}

export function RestartButton({ action, label }: { action: (form: FormData) => void; label: string }) {
  return (
    <form action={action}>
      <input type="hidden" name="intent" value="restart" />
      <button type="submit" className="text-sm link">
        {label}
      </button>
    </form>
  );
}
