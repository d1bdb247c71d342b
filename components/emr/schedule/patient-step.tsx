import Link from 'next/link';
import { formatDateOfBirth } from '@/lib/patients/display';

interface StepPatient {
  id: string;
  firstName: string;
  lastName: string;
  recordNumber: string;
  dateOfBirth: string;
}

const control = 'mt-1 block min-h-11 w-full rounded-lg border border-line bg-surface px-3 focus:outline-none focus:ring-2 focus:ring-brand-accent';
const button = 'min-h-11 rounded-lg border border-line bg-surface px-4 font-medium hover:bg-surface-muted focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-brand-accent';

/** A path with the non-empty values as its query. */
export function stepHref(path: string, values: Record<string, string | undefined>): string {
  return `${path}?${new URLSearchParams(Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])))}`;
}

/**
 * Step 1 of the desk's GET-form flows (Book a visit, Add to the waitlist): find the patient and
 * choose one, keeping the other choices (`keep`) in the URL; once chosen, name them with a way to
 * choose another. Works without JavaScript.
 */
export function PatientStep({ path, idPrefix, patient, canSearch, query, results, keep }: {
  /** The page the search and the choice land on. */
  path: string;
  idPrefix: string;
  patient: StepPatient | null;
  /** patients.view: without it the step says whom to ask. */
  canSearch: boolean;
  query: string;
  results: { rows: StepPatient[] } | null;
  keep: Record<string, string | undefined>;
}) {
  return (
    <section aria-labelledby={`${idPrefix}-patient-heading`} className="space-y-3 rounded-xl border border-line bg-surface p-5">
      <h2 id={`${idPrefix}-patient-heading`} className="text-lg font-semibold">1. Patient</h2>
      {patient ? (
        <p className="flex flex-wrap items-center gap-3">
          <span><span className="font-medium">{patient.firstName} {patient.lastName}</span> · {patient.recordNumber} · born {formatDateOfBirth(patient.dateOfBirth)}</span>
          <Link href={stepHref(path, keep)} className="link">Choose another patient</Link>
        </p>
      ) : !canSearch ? (
        <p className="text-sm">Your access level cannot search patients. Ask someone who can, or an administrator.</p>
      ) : (
        <>
          <form role="search" action={path} className="flex flex-wrap items-end gap-2">
            {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
            <div className="min-w-64 flex-1">
              <label htmlFor={`${idPrefix}-patient-search`} className="block text-sm font-medium">Find the patient</label>
              <input id={`${idPrefix}-patient-search`} name="q" defaultValue={query} placeholder="Name, date of birth, phone, email or record number" className={control} />
            </div>
            <button type="submit" className={button}>Search</button>
          </form>
          {results ? (
            results.rows.length === 0 ? <p className="text-sm text-fg-muted">No patients match “{query}”.</p> : (
              <ul className="divide-y divide-line rounded-lg border border-line">
                {results.rows.map((p) => (
                  <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2">
                    <span>{p.lastName}, {p.firstName} · <span className="font-mono text-xs">{p.recordNumber}</span> · born {formatDateOfBirth(p.dateOfBirth)}</span>
                    <Link href={stepHref(path, { ...keep, patient: p.id })} aria-label={`Choose ${p.firstName} ${p.lastName}`}
                      className="inline-flex min-h-11 items-center rounded-lg border border-line px-3 font-medium hover:bg-surface-muted">
                      Choose
                    </Link>
                  </li>
                ))}
              </ul>
            )
          ) : null}
        </>
      )}
    </section>
  );
}
