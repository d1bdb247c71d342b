'use client';

import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import { useActionForm } from '@/lib/forms/use-action-form';
import { bookVisitSchema, rescheduleVisitSchema } from '@/lib/scheduling/booking-forms';

const SCHEMAS = { book: bookVisitSchema, reschedule: rescheduleVisitSchema };

/**
 * The last step: posts the choices to a server action, checked first in the browser with the
 * action's own schema. The page wrote every value, so a refusal there means the page is out of
 * date (`invalidText`). A lost slot comes back as a redirect to fresh times; any other refusal
 * as a message here.
 */
export function ConfirmForm({
  action, schema, hidden, label, pendingLabel, invalidText, children,
}: {
  action: FormAction<ActionState>;
  schema: keyof typeof SCHEMAS;
  hidden: Record<string, string | null | undefined>;
  label: string;
  pendingLabel: string;
  invalidText: string;
  children?: React.ReactNode;
}) {
  const values = Object.fromEntries(Object.entries(hidden).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const { form, state, pending, formProps } = useActionForm(SCHEMAS[schema], action, { initialState: { ok: false }, defaultValues: values });
  const outOfDate = Object.keys(form.formState.errors).length > 0;
  return (
    <form {...formProps} className="space-y-3">
      {Object.entries(values).map(([key, value]) => <input key={key} type="hidden" name={key} value={value} />)}
      <FormMessage message={state.message ?? (outOfDate ? invalidText : undefined)} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <PrimaryButton type="submit" disabled={pending} className="w-full sm:w-auto">
          {pending ? pendingLabel : label}
        </PrimaryButton>
        {children}
      </div>
    </form>
  );
}
