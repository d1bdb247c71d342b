'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CardFormState } from '@/lib/billing/portal-forms';

/**
 * The test gateway's simulated bank check: Approve or Fail, posted as the pressed button's value
 * with the hidden fields naming what is checked (a payment, or a card being saved). A plain form
 * (works without JavaScript); both buttons are disabled while it is sent.
 */
export function AuthenticateForm({ action, fields, messages }: {
  action: FormAction<CardFormState>;
  fields: Record<string, string>;
  messages: { approve: string; fail: string; checking: string };
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const button = 'inline-flex min-h-11 w-full items-center justify-center rounded-lg px-4 py-2.5 text-base font-semibold shadow-sm disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto';
  return (
    <form action={formAction} className="space-y-3" data-testid="authenticate-form">
      {Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <FormMessage message={state.message} />
      <div className="flex flex-col gap-3 sm:flex-row">
        <button type="submit" name="decision" value="approve" disabled={pending} className={`${button} bg-brand text-brand-contrast`} data-testid="authenticate-approve">
          {pending ? messages.checking : messages.approve}
        </button>
        <button type="submit" name="decision" value="fail" disabled={pending} className={`${button} border border-line bg-surface text-fg`} data-testid="authenticate-fail">
          {messages.fail}
        </button>
      </div>
    </form>
  );
}
