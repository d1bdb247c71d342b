'use client';

import { useActionState } from 'react';
import { useFormStatus } from 'react-dom';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';

export interface ConfirmState {
  ok: boolean;
  message?: string;
}

function Submit({ label, pending }: { label: string; pending: string }) {
  const status = useFormStatus();
  return (
    <PrimaryButton type="submit" disabled={status.pending} className="w-full sm:w-auto">
      {status.pending ? pending : label}
    </PrimaryButton>
  );
}

/**
 * The last step: posts the choices to a server action. A lost slot comes back as a redirect to
 * fresh times; any other refusal as a message here.
 */
export function ConfirmForm({
  action, hidden, label, pendingLabel, children,
}: {
  action: (state: ConfirmState, form: FormData) => Promise<ConfirmState>;
  hidden: Record<string, string | null | undefined>;
  label: string;
  pendingLabel: string;
  children?: React.ReactNode;
}) {
  const [state, formAction] = useActionState(action, { ok: false });
  return (
    <form action={formAction} className="space-y-3">
      {Object.entries(hidden).map(([key, value]) => (value ? <input key={key} type="hidden" name={key} value={value} /> : null))}
      <FormMessage message={state.message} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <Submit label={label} pending={pendingLabel} />
        {children}
      </div>
    </form>
  );
}
