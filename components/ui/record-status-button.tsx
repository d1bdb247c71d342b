'use client';

import { useMemo } from 'react';
import { FormMessage, PrimaryButton, SecondaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { z } from '@/lib/validation/zod';

/**
 * "Archive" / "Restore" (or any one-step change of a record): a one-button form with a sentence on
 * what it does, posting the record's id under `field`. The action parses it with its own schema;
 * here the hidden id is the form's default value, so the browser's check sees the whole form.
 */
export function RecordStatusButton({ action, field, id, label, pendingLabel, hint, primary = false }: {
  action: FormAction<ActionState>;
  /** The posted name of the id (`segmentId`, `messageTemplateId`). */
  field: string;
  id: string;
  label: string;
  pendingLabel: string;
  hint: string;
  primary?: boolean;
}) {
  const schema = useMemo(() => z.object({ [field]: z.string().min(1) }), [field]);
  const { state, pending, formProps } = useActionForm(schema, action, { defaultValues: { [field]: id } });
  const Button = primary ? PrimaryButton : SecondaryButton;
  return (
    <form {...formProps} className="space-y-2">
      <input type="hidden" name={field} value={id} />
      <p className="text-sm text-fg-muted">{hint}</p>
      <Button type="submit" disabled={pending}>{pending ? pendingLabel : label}</Button>
      <FormMessage message={state.message} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}
