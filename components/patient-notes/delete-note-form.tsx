'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

/**
 * The last step of deleting a note: a plain form whose only field is the note's id, which the
 * page wrote (the action's schema answers a stale page in words). Works without JavaScript.
 */
export function DeleteNoteForm({
  action, noteId, label, pendingLabel, children,
}: {
  action: FormAction<ActionState>;
  noteId: string;
  label: string;
  pendingLabel: string;
  /** A way back (a link), beside the button. */
  children?: React.ReactNode;
}) {
  const [state, formAction, pending] = useActionState(action, { ok: false });
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="noteId" value={noteId} />
      <FormMessage message={state.message} />
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <button
          type="submit"
          disabled={pending}
          className="inline-flex min-h-11 w-full items-center justify-center rounded-lg bg-red-700 px-4 py-2.5 text-base font-semibold text-white shadow-sm hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto"
        >
          {pending ? pendingLabel : label}
        </button>
        {children}
      </div>
    </form>
  );
}
