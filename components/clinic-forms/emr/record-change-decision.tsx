'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

/**
 * Accept or reject one proposed change to a patient's record. Two submit buttons posting
 * `decision`; once decided the page reloads without the row and says the outcome at its top
 * (a refusal is said here, beside the buttons).
 */
export function RecordChangeDecision({ action, changeId, description }: { action: FormAction<ActionState>; changeId: string; description: string }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, {});
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="changeId" value={changeId} />
      <div className="flex flex-wrap gap-2">
        <PrimaryButton type="submit" name="decision" value="accept" disabled={pending} aria-label={`Accept ${description}`}>Accept</PrimaryButton>
        <SecondaryButton type="submit" name="decision" value="reject" disabled={pending} aria-label={`Reject ${description}`}>Reject</SecondaryButton>
      </div>
      <FormMessage message={state.message} tone="error" />
    </form>
  );
}
