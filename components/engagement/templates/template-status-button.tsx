'use client';

import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { templateIdSchema } from '@/lib/engagement/templates/template-forms';
import { useActionForm } from '@/lib/forms/use-action-form';

/** "Archive template" / "Restore template": one button with a sentence on what it does. */
export function TemplateStatusButton({ action, messageTemplateId, label, pendingLabel, hint, primary = false }: {
  action: FormAction<ActionState>;
  messageTemplateId: string;
  label: string;
  pendingLabel: string;
  hint: string;
  primary?: boolean;
}) {
  const { state, pending, formProps } = useActionForm(templateIdSchema, action, { defaultValues: { messageTemplateId } });
  const Button = primary ? PrimaryButton : SecondaryButton;
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name="messageTemplateId" value={messageTemplateId} />
      <p className="text-sm text-fg-muted">{hint}</p>
      <Button type="submit" disabled={pending}>{pending ? pendingLabel : label}</Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
