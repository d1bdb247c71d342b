'use client';

import { useActionState, useId } from 'react';
import { FormMessage } from '@/components/ui/form-controls';
import { SubmitBelowAnswer } from '@/components/ui/form-submit';
import type { ActionState, FormAction } from '@/lib/actions/result';
import type { ImportAction, ImportPlan } from '@/lib/commerce/shipments';

/** What the import's actions answer: the plan (preview or applied) and the file's text to apply it. */
export interface ShipmentImportState extends ActionState {
  plan?: ImportPlan;
  csv?: string;
  applied?: boolean;
}

const ACTION_WORDS: Record<ImportAction, string> = { add: 'Add shipment', update: 'Change status', unchanged: 'Already there', skip: 'Skipped' };
const th = 'px-3 py-2 font-medium';
const td = 'cell';

/**
 * The CSV import (like the forms import, a file input the server reads: the browser checks
 * nothing it cannot read). "Preview" shows what each row would do and its problems; "Import"
 * posts the same text back and applies the rows without problems in one go.
 */
export function ShipmentImportForm({ preview, apply, header }: { preview: FormAction<ShipmentImportState>; apply: FormAction<ShipmentImportState>; header: string }) {
  const id = useId();
  const [previewed, previewAction, previewing] = useActionState(preview, {} as ShipmentImportState);
  const [applied, applyAction, applying] = useActionState(apply, {} as ShipmentImportState);
  // The newest answer wins: a preview after an import shows the new preview.
  const shown = applied.plan && (!previewed.plan || applied.csv === previewed.csv) ? applied : previewed;
  const fileError = previewed.fieldErrors?.file;
  const csvError = previewed.fieldErrors?.csv;
  return (
    <div className="space-y-5">
      <form action={previewAction} className="space-y-4">
        <div>
          <label htmlFor={`${id}-file`} className="block text-sm font-medium">CSV file</label>
          <p id={`${id}-file-hint`} className="text-sm text-fg-muted">First line: <code className="font-mono">{header}</code> (status is optional).</p>
          <input
            id={`${id}-file`} type="file" name="file" accept=".csv,text/csv,text/plain"
            aria-describedby={[`${id}-file-hint`, fileError ? `${id}-file-error` : null].filter(Boolean).join(' ')} aria-invalid={fileError ? true : undefined}
            className="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border file:border-line file:bg-surface file:px-3 file:py-2"
          />
          {fileError ? <p id={`${id}-file-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{fileError}</p> : null}
        </div>
        <div>
          <label htmlFor={`${id}-csv`} className="block text-sm font-medium">Or paste the lines</label>
          <textarea
            id={`${id}-csv`} name="csv" rows={5} spellCheck={false} defaultValue={previewed.values?.csv ?? ''}
            aria-describedby={csvError ? `${id}-csv-error` : undefined} aria-invalid={csvError ? true : undefined}
            className="mt-1 block w-full rounded-lg border border-line bg-surface px-3 py-2 font-mono text-sm"
          />
          {csvError ? <p id={`${id}-csv-error`} className="mt-1 text-sm font-medium text-red-700 dark:text-red-300">{csvError}</p> : null}
        </div>
        <SubmitBelowAnswer state={shown === previewed ? previewed : {}} pending={previewing} label="Preview" pendingLabel="Reading the file…" />
      </form>

      {shown.plan ? (
        <section aria-labelledby={`${id}-plan`} className="space-y-3">
          <h2 id={`${id}-plan`} className="text-lg font-semibold">{shown.applied ? 'Imported' : 'Preview'}</h2>
          <p className="text-sm">
            {shown.applied ? 'Done: ' : 'Importing would: '}
            {shown.plan.counts.add} to add, {shown.plan.counts.update} to change, {shown.plan.counts.unchanged} already there, {shown.plan.counts.skip} with problems (skipped).
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Each row of the file and what {shown.applied ? 'was done' : 'importing does'} with it</caption>
              <thead className="border-b border-line text-fg-muted">
                <tr><th scope="col" className={th}>Line</th><th scope="col" className={th}>Order</th><th scope="col" className={th}>Carrier</th><th scope="col" className={th}>Tracking number</th><th scope="col" className={th}>Status</th><th scope="col" className={th}>Result</th></tr>
              </thead>
              <tbody className="divide-y divide-line">
                {shown.plan.rows.map((r) => (
                  <tr key={r.line}>
                    <td className={`${td} tabular-nums`}>{r.line}</td>
                    <td className={td}>{r.orderLabel ?? r.orderNumber}</td>
                    <td className={td}>{r.carrier}</td>
                    <td className={`${td} font-mono`}>{r.trackingNumber}</td>
                    <td className={td}>{r.status ?? '—'}</td>
                    <td className={td}>
                      <span className={r.action === 'skip' ? 'font-medium text-red-800 dark:text-red-300' : ''}>{ACTION_WORDS[r.action]}</span>
                      {r.problems.length ? <ul className="mt-1 list-disc pl-5">{r.problems.map((p) => <li key={p}>{p}</li>)}</ul> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {!shown.applied && shown.csv ? (
            <form action={applyAction} className="space-y-2">
              <input type="hidden" name="csv" value={shown.csv} />
              {shown.plan.counts.add + shown.plan.counts.update === 0 ? (
                <p className="text-sm">Nothing to import: every row is already there or has a problem.</p>
              ) : (
                <SubmitBelowAnswer state={applied} pending={applying} label={`Import ${shown.plan.counts.add + shown.plan.counts.update} rows`} pendingLabel="Importing…" />
              )}
            </form>
          ) : (
            <FormMessage message={shown.applied ? applied.message : undefined} tone="info" />
          )}
        </section>
      ) : null}
    </div>
  );
}
