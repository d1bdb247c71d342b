'use client';

import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { AutomationStatus } from '@/db/schema/automations';
import { automationStatusSchema } from '@/lib/engagement/automations/builder-form';
import { useActionForm } from '@/lib/forms/use-action-form';

/**
 * Switch on / Pause / Back to draft, as the automation's status allows: draft → on; on → pause;
 * paused → on or back to draft. One form whose buttons post the status they name, so its answer
 * stays on screen when the buttons change with the new status. (The hidden id and a status are
 * the form's defaults, so the browser's check with the shared schema sees the whole form.)
 */
export function StatusButtons({ action, automationId, status }: { action: FormAction<ActionState>; automationId: string; status: AutomationStatus }) {
  const { state, pending, formProps } = useActionForm(automationStatusSchema, action, { defaultValues: { automationId, status }, resetAfterSubmit: false });
  return (
    <form {...formProps} className="space-y-3">
      <input type="hidden" name="automationId" value={automationId} />
      <div className="flex flex-wrap gap-3">
        {status !== 'active' ? <PrimaryButton type="submit" name="status" value="active" disabled={pending}>Switch on</PrimaryButton> : null}
        {status === 'active' ? <SecondaryButton type="submit" name="status" value="paused" disabled={pending}>Pause</SecondaryButton> : null}
        {status === 'paused' ? <SecondaryButton type="submit" name="status" value="draft" disabled={pending}>Back to draft</SecondaryButton> : null}
      </div>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
