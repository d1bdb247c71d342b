'use client';

import { useActionState } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { ProxyDecision } from '@/lib/portal-access/proxy-decision-schema';

/**
 * One decision about a person acting for the patient (My relationships, issue 19): a plain form
 * whose fields the page wrote, so it works without JavaScript; the answer is a fresh page.
 */
export function ProxyDecisionForm({ action, accountId, decision, label, pendingLabel }: {
  action: FormAction<ActionState>;
  accountId: string;
  decision: ProxyDecision;
  label: string;
  pendingLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const narrows = decision === 'teen-withdraw' || decision === 'adult-withdraw';
  return (
    <form action={formAction} className="mt-2 space-y-2">
      <input type="hidden" name="accountId" value={accountId} />
      <input type="hidden" name="decision" value={decision} />
      <button
        type="submit"
        disabled={pending}
        className={`inline-flex min-h-11 w-full items-center justify-center rounded-lg px-4 py-2.5 text-base font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-accent disabled:cursor-not-allowed disabled:opacity-60 sm:w-auto ${
          narrows ? 'border border-line bg-surface text-fg hover:bg-surface-muted' : 'bg-brand text-brand-contrast hover:shadow-md'
        }`}
      >
        {pending ? pendingLabel : label}
      </button>
      <FormMessage message={state.message} />
    </form>
  );
}
