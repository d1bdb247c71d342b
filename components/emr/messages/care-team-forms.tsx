'use client';

import { useActionState, useId } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { FormAction } from '@/lib/actions/result';
import type { CareTeamFormState } from '@/lib/conversations/care-team-form';
import { fieldStyle } from './message-fields';

export function AddToCareTeamForm({ patientId, candidates, action: add }: {
  patientId: string;
  candidates: { id: string; name: string }[];
  action: FormAction<CareTeamFormState>;
}) {
  const id = useId();
  const [state, action, pending] = useActionState<CareTeamFormState, FormData>(add, {});
  const error = state.fieldErrors?.staffId;
  if (candidates.length === 0) return <p className="text-sm text-fg-muted">Everyone who can message patients is already on the care team.</p>;
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="patientId" value={patientId} />
      <label htmlFor={`${id}-staff`} className="block text-sm font-medium">Staff member</label>
      <div className="flex flex-wrap gap-2">
        <select
          id={`${id}-staff`}
          name="staffId"
          defaultValue=""
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          className={`${fieldStyle} mt-0 w-auto min-w-56`}
        >
          <option value="" disabled>Choose…</option>
          {candidates.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
        <PrimaryButton type="submit" disabled={pending}>{pending ? 'Adding…' : 'Add to care team'}</PrimaryButton>
      </div>
      {error ? <p id={`${id}-error`} className="text-sm font-medium text-red-700 dark:text-red-300">{error}</p> : null}
      <FormMessage message={state.ok || !error ? state.message : undefined} tone={state.ok ? 'info' : 'error'} />
    </form>
  );
}

export function RemoveFromCareTeamButton({ patientId, staffId, name, action: remove }: {
  patientId: string;
  staffId: string;
  name: string;
  action: FormAction<CareTeamFormState>;
}) {
  const [state, action, pending] = useActionState<CareTeamFormState, FormData>(remove, {});
  return (
    <form action={action} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="patientId" value={patientId} />
      <input type="hidden" name="staffId" value={staffId} />
      <button
        type="submit"
        disabled={pending}
        aria-label={`Remove ${name} from the care team`}
        className="min-h-11 rounded-md border border-line px-3 text-sm hover:bg-surface-muted disabled:text-fg-muted"
      >
        {pending ? 'Removing…' : 'Remove'}
      </button>
      {state.message && !state.ok ? <FormMessage message={state.message} /> : null}
    </form>
  );
}
