'use client';

import { useActionState, useId } from 'react';
import type { ActionState, FormAction } from '@/lib/actions/result';

/** /dev/outbox: reply to a captured text as its recipient (STOP, START, HELP or anything). */
export function DevSmsReplyForm({ action: reply, captureId, clinicName }: { action: FormAction; captureId: string; clinicName: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(reply, {});
  const id = useId();
  return (
    <form action={action} className="mt-3 flex flex-wrap items-end gap-2 border-t border-slate-200 pt-3" noValidate>
      <input type="hidden" name="captureId" value={captureId} />
      <div>
        <label htmlFor={id} className="block text-sm font-medium text-slate-800">Reply as this number to {clinicName}</label>
        <input
          id={id}
          name="reply"
          defaultValue="STOP"
          maxLength={160}
          aria-invalid={state.fieldErrors?.reply ? true : undefined}
          aria-describedby={state.message || state.fieldErrors?.reply ? `${id}-result` : undefined}
          className="mt-1 rounded-md border border-slate-300 px-2 py-1.5 text-base"
        />
      </div>
      <button type="submit" disabled={pending} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
        {pending ? 'Replying…' : 'Reply as this number'}
      </button>
      {state.message || state.fieldErrors?.reply ? (
        <p id={`${id}-result`} role={state.ok ? 'status' : 'alert'} className="basis-full text-sm text-slate-700">
          {state.fieldErrors?.reply ?? state.message}
        </p>
      ) : null}
    </form>
  );
}
