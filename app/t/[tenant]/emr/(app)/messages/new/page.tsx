import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { ComposeForm } from '@/components/emr/messages/compose-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPatientChart } from '@/lib/patients/chart';
import { searchPatients } from '@/lib/patients/search';
import { formatDateOfBirth } from '@/lib/patients/display';
import { startConversationAction } from '../actions';

export const metadata: Metadata = { title: 'New conversation' };

const querySchema = z.object({
  q: z.string().max(100).catch(''),
  patient: z.uuid().optional().catch(undefined),
});

/** Two steps in the URL: find the patient (?q=), then write (?patient=). Works without JavaScript. */
export default async function NewConversationPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requireStaff('emr', 'messages.send');
  const raw = await searchParams;
  const { q, patient: patientId } = querySchema.parse({ q: typeof raw.q === 'string' ? raw.q : '', patient: raw.patient });
  const db = getDb();
  const canSearch = ctx.actor.permissions.has('patients.view');
  const patient = patientId && canSearch
    ? await getPatientChart(db, ctx, patientId).catch((error) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    })
    : null;
  const results = !patient && canSearch && q.trim() ? await searchPatients(db, ctx, { q, page: 1 }) : null;
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/emr/messages" className="link">Messages</Link>
      </nav>
      <h1 className="text-2xl font-semibold">New conversation</h1>
      {!canSearch ? (
        <p className="rounded-xl border border-line bg-surface p-5">
          Your access level cannot look up patients, so conversations can’t be started from here. Ask a clinic administrator for “View patients” access.
        </p>
      ) : patient ? (
        <section aria-labelledby="compose-heading" className="rounded-xl border border-line bg-surface p-5">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="compose-heading" className="text-lg font-semibold">
              To {patient.firstName} {patient.lastName}
              <span className="ml-2 text-sm font-normal text-fg-muted">{patient.recordNumber} · born {formatDateOfBirth(patient.dateOfBirth)}</span>
            </h2>
            <Link href="/emr/messages/new" className="text-sm link">Choose another patient</Link>
          </div>
          <div className="mt-4 max-w-2xl">
            <ComposeForm patientId={patient.id} patientName={`${patient.firstName} ${patient.lastName}`} action={startConversationAction} />
          </div>
        </section>
      ) : (
        <section aria-labelledby="find-heading" className="rounded-xl border border-line bg-surface p-5">
          <h2 id="find-heading" className="text-lg font-semibold">1. Find the patient</h2>
          {patientId ? <p role="alert" className="mt-2 text-sm font-medium text-red-800 dark:text-red-300">That patient was not found. Search again.</p> : null}
          <form role="search" action="/emr/messages/new" className="mt-3 flex max-w-xl gap-2">
            <label htmlFor="message-patient-search" className="sr-only">Search patients by name, date of birth, phone, email or record number</label>
            <input
              id="message-patient-search"
              name="q"
              defaultValue={q}
              placeholder="e.g. Lopez, 04/12/1986, SUN-10001"
              className="w-full rounded-lg border border-line bg-surface px-3 py-2.5"
            />
            <button type="submit" className="rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast">Search</button>
          </form>
          {results ? (
            results.rows.length === 0 ? (
              <p className="mt-4 text-fg-muted">No patients match “{q}”. Check the spelling, or search by record number or date of birth (MM/DD/YYYY).</p>
            ) : (
              <ul className="mt-4 divide-y divide-line" aria-label="Matching patients">
                {results.rows.map((p) => (
                  <li key={p.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
                    <p>
                      <span className="font-medium">{p.lastName}, {p.firstName}</span>
                      <span className="ml-2 text-sm text-fg-muted">{p.recordNumber} · born {formatDateOfBirth(p.dateOfBirth)}</span>
                    </p>
                    <Link
                      href={`/emr/messages/new?patient=${p.id}`}
                      className="inline-flex min-h-11 items-center rounded-lg border border-line px-3 text-sm font-medium hover:bg-surface-muted"
                      aria-label={`Write to ${p.firstName} ${p.lastName} (${p.recordNumber})`}
                    >
                      Write to this patient
                    </Link>
                  </li>
                ))}
              </ul>
            )
          ) : (
            <p className="mt-3 text-sm text-fg-muted">Search for the patient, then write the subject and the message. You can also start a conversation from the patient’s chart, on the Messages tab.</p>
          )}
          {results?.hasMore ? <p className="mt-2 text-sm text-fg-muted">More patients match; refine the search to narrow the list.</p> : null}
        </section>
      )}
    </div>
  );
}
