import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { formatDateOfBirth } from '@/lib/patients/display';
import { searchPatients } from '@/lib/patients/search';

export const metadata: Metadata = { title: 'Patients' };

export default async function PatientsPage({ searchParams }: { searchParams: Promise<{ q?: string; page?: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const canCreate = ctx.actor.permissions.has('patients.edit');
  const { q = '', page = '1' } = await searchParams;
  const result = await searchPatients(getDb(), ctx, { q: String(q), page: Number(page) });
  const pageLink = (p: number) => `/emr/patients?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Patients</h1>
          <p className="text-fg-muted">Search by name, date of birth (MM/DD/YYYY), phone, email or record number.</p>
        </div>
        {canCreate ? (
          <Link href="/emr/patients/new" className="inline-flex min-h-11 items-center rounded-lg bg-brand px-4 font-semibold text-brand-contrast">
            New patient
          </Link>
        ) : null}
      </header>
      <form role="search" action="/emr/patients" className="flex gap-2">
        <label htmlFor="patient-search" className="sr-only">Search patients</label>
        <input
          id="patient-search"
          name="q"
          defaultValue={q}
          placeholder="e.g. Lopez, 04/12/1986, SUN-10001"
          className="w-full max-w-xl rounded-lg border border-line bg-surface px-3 py-2.5"
        />
        <button type="submit" className="rounded-lg bg-brand px-4 py-2.5 font-semibold text-brand-contrast">Search</button>
      </form>
      <div className="overflow-x-auto rounded-xl border border-line bg-surface">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Patients{q ? ` matching ${q}` : ''}</caption>
          <thead className="border-b border-line text-fg-muted">
            <tr>
              <th scope="col" className="px-4 py-3 font-medium">Name</th>
              <th scope="col" className="px-4 py-3 font-medium">Record</th>
              <th scope="col" className="px-4 py-3 font-medium">Date of birth</th>
              <th scope="col" className="px-4 py-3 font-medium">Phone</th>
              <th scope="col" className="px-4 py-3 font-medium">Email</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {result.rows.map((p) => (
              <tr key={p.id}>
                <td className="px-4 py-3 font-medium">
                  <Link href={`/emr/patients/${p.id}`} className="text-brand-accent underline underline-offset-2">
                    {p.lastName}, {p.firstName}
                  </Link>
                </td>
                <td className="px-4 py-3 font-mono text-xs">{p.recordNumber}</td>
                <td className="px-4 py-3">{formatDateOfBirth(p.dateOfBirth)}</td>
                <td className="px-4 py-3">{p.phone ? formatPhoneForDisplay(p.phone) : '—'}</td>
                <td className="px-4 py-3">{p.email ?? '—'}</td>
              </tr>
            ))}
            {result.rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="px-4 py-8 text-center text-fg-muted">No patients match “{q}”.</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <nav aria-label="Pages" className="flex justify-between text-sm">
        {result.page > 1 ? <Link className="font-medium text-brand-accent underline" href={pageLink(result.page - 1)}>Previous</Link> : <span />}
        {result.hasMore ? <Link className="font-medium text-brand-accent underline" href={pageLink(result.page + 1)}>Next</Link> : null}
      </nav>
    </div>
  );
}
