'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CardFormState } from '@/lib/billing/portal-forms';

/** One button acting on one saved card (make default, withdraw the authorisation, remove). Works without JavaScript. */
export function CardButtonForm({ action, cardId, label, pendingLabel, tone = 'plain', accessibleLabel, testId }: {
  action: FormAction<CardFormState>;
  cardId: string;
  label: string;
  pendingLabel: string;
  tone?: 'plain' | 'danger' | 'primary';
  /** The button's name for assistive technology when the label alone does not say which card. */
  accessibleLabel?: string;
  testId?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const tones = {
    plain: 'border border-line bg-surface text-fg hover:bg-surface-muted',
    danger: 'bg-red-700 text-white hover:bg-red-800',
    primary: 'bg-brand text-brand-contrast',
  };
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="cardId" value={cardId} />
      <FormMessage message={state.message} />
      <button type="submit" disabled={pending} aria-label={accessibleLabel} data-testid={testId}
        className={`inline-flex min-h-11 w-full items-center justify-center rounded-lg px-4 py-2.5 text-base font-medium disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto ${tones[tone]}`}>
        {pending ? pendingLabel : label}
      </button>
    </form>
  );
}
