'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

/**
 * "Prepare my export": a one-button form (no fields, so no schema). Without JavaScript it posts
 * to the action like any form and the page comes back with the answer and the new status.
 */
export function RequestExportButton({ action, label, pendingLabel }: { action: FormAction; label: string; pendingLabel: string }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-3">
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
      {state.ok ? null : (
        <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto" data-testid="data-export-request">
          {pending ? pendingLabel : label}
        </PrimaryButton>
      )}
    </form>
  );
}
