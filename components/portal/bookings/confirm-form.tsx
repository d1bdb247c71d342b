'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

/**
 * The last step: posts the choices to a server action. A plain form on purpose: its fields are
 * hidden values the page wrote from choices it had already checked, so a browser check could
 * only find a page out of date, which the action's schema answers with the same words
 * (lib/scheduling/booking-forms.ts, the actions' `invalid` message), and react-hook-form would
 * add a browser download for nothing the person can type. A lost slot comes back as a redirect
 * to fresh times; any other refusal as a message here.
 */
export function ConfirmForm({
  action, hidden, label, pendingLabel, children,
}: {
  action: FormAction<ActionState>;
  hidden: Record<string, string | null | undefined>;
  label: string;
  pendingLabel: string;
  children?: React.ReactNode;
}) {
  const values = Object.entries(hidden).filter((entry): entry is [string, string] => Boolean(entry[1]));
  const [state, formAction, pending] = useActionState(action, { ok: false });
  return (
    <form action={formAction} className="space-y-3">
      {values.map(([key, value]) => <input key={key} type="hidden" name={key} value={value} />)}
      <FormMessage message={state.message} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? pendingLabel : label}
        </PrimaryButton>
        {children}
      </div>
    </form>
  );
}
