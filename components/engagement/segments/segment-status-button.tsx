'use client';

import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { segmentIdSchema } from '@/lib/engagement/segments/forms';
import { useActionForm } from '@/lib/forms/use-action-form';

/**
 * "Archive" / "Restore" a segment: a one-button form with a sentence on what it does. The hidden
 * id is the form's default value too, so the browser's check sees the whole form.
 */
export function SegmentStatusButton({ action, segmentId, label, pendingLabel, hint, primary = false }: {
  action: FormAction<ActionState>;
  segmentId: string;
  label: string;
  pendingLabel: string;
  hint: string;
  primary?: boolean;
}) {
  const { state, pending, formProps } = useActionForm(segmentIdSchema, action, { defaultValues: { segmentId } });
  const Button = primary ? PrimaryButton : SecondaryButton;
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="segmentId" value={segmentId} />
      <p className="text-sm text-fg-muted">{hint}</p>
      <Button type="submit" disabled={pending}>{pending ? pendingLabel : label}</Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
