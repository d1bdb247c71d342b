'use client';

import { useActionState } from 'react';
import { FormMessage, PrimaryButton } from '@/components/ui/form-controls';
import type { ActionState, FormAction } from '@/lib/actions/result';

export interface ChartConsentRow {
  /** The form field: emailCare, emailMarketing, smsCare, smsMarketing. */
  field: string;
  label: string;
  granted: boolean;
  source: string;
  recordedAt: string | null;
  recordedAtIso: string | null;
}

/** The consent table; with an action, each answer is a choice and the table is one form. */
export function ChartConsentForm({ patientId, rows, action: save }: { patientId: string; rows: ChartConsentRow[]; action: FormAction<ActionState> | null }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(save ?? (async () => ({})), {});
  const table = (
    <table className="mt-4 w-full text-left text-sm">
      <caption className="sr-only">Consent per channel and purpose</caption>
      <thead className="border-b border-line text-fg-muted">
        <tr>
          <th scope="col" className="py-2 pr-3 font-medium">Channel and purpose</th>
          <th scope="col" className="py-2 pr-3 font-medium">Answer</th>
          <th scope="col" className="py-2 pr-3 font-medium">Source</th>
          <th scope="col" className="py-2 font-medium">Recorded</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-line">
        {rows.map((row) => (
          <tr key={row.field}>
            <th scope="row" className="py-2 pr-3 font-medium">{row.label}</th>
            <td className="py-2 pr-3">
              {save ? (
                <select
                  name={row.field}
                  aria-label={`${row.label}: answer`}
                  defaultValue={row.granted ? 'yes' : 'no'}
                  aria-invalid={state.fieldErrors?.[row.field] ? true : undefined}
                  className="rounded-lg border border-line bg-surface px-2 py-1.5"
                >
                  <option value="yes">Allowed</option>
                  <option value="no">Not allowed</option>
                </select>
              ) : row.granted ? 'Allowed' : 'Not allowed'}
            </td>
            <td className="py-2 pr-3">{row.source}</td>
            <td className="py-2">{row.recordedAt && row.recordedAtIso ? <time dateTime={row.recordedAtIso}>{row.recordedAt}</time> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (!save) return table;
  return (
    <form action={action} className="mt-2 space-y-3" noValidate>
      <FormMessage message={state.ok ? undefined : state.message} />
      {state.ok ? <FormMessage tone="info" message={state.message} /> : null}
      <input type="hidden" name="patientId" value={patientId} />
      {table}
      <PrimaryButton type="submit" disabled={pending}>{pending ? 'Saving…' : 'Record changes'}</PrimaryButton>
    </form>
  );
}
