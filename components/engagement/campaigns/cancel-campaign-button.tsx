'use client';

import { FormMessage, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { campaignIdSchema } from './campaign-form-schemas';

/**
 * "Cancel the send" (scheduled: back to a draft) or "Stop sending" (queueing or sending): a
 * one-button form with a sentence on what it does; the answer shows beside it.
 */
export function CancelCampaignButton({ action, campaignId, label, hint }: {
  action: FormAction<ActionState>;
  campaignId: string;
  label: string;
  hint: string;
}) {
  const { state, pending, formProps } = useActionForm(campaignIdSchema, action, { defaultValues: { campaignId } });
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="campaignId" value={campaignId} />
      <p className="text-sm text-fg-muted">{hint}</p>
      <SecondaryButton type="submit" disabled={pending}>{pending ? 'Working…' : label}</SecondaryButton>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
