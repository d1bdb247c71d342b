import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { getPatientChart } from '@/lib/patients/chart';
import { formatDateOfBirth } from '@/lib/patients/display';

export const metadata: Metadata = { title: 'Patient' };

export default async function PatientDetails({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ saved?: string }> }) {
  const ctx = await requireStaff('emr', 'patients.view');
  const { id } = await params;
  const patient = await getPatientChart(getDb(), ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const address = [patient.addressLine1, patient.addressLine2, [patient.city, patient.region, patient.postalCode].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  const fields: [string, string][] = [
    ['First name', patient.firstName],
    ['Last name', patient.lastName],
    ['Date of birth', formatDateOfBirth(patient.dateOfBirth)],
    ['Sex', patient.sex],
    ['Email', patient.email ?? '—'],
    ['Phone', patient.phone ? formatPhoneForDisplay(patient.phone) : '—'],
    ['Address', address || '—'],
    ['Preferred language', patient.preferredLanguage === 'es' ? 'Spanish' : 'English'],
    ['National ID', patient.nationalId ?? '—'],
    ['Record number', patient.recordNumber],
  ];
  const { saved } = await searchParams;
  const canEdit = ctx.actor.permissions.has('patients.edit');
  return (
    <section aria-labelledby="details-heading" className="rounded-xl border border-line bg-surface p-5">
      {saved ? <p role="status" className="mb-4 rounded-lg border border-line bg-brand-soft px-3 py-2 text-sm">Changes saved.</p> : null}
      <div className="flex items-center justify-between gap-3">
        <h2 id="details-heading" className="text-lg font-semibold">Details</h2>
        {canEdit ? (
          <Link href={`/emr/patients/${id}/edit`} className="rounded-lg border border-line px-3 py-1.5 text-sm font-medium hover:bg-surface-muted">
            Edit
          </Link>
        ) : null}
      </div>
      <dl className="mt-4 grid gap-4 sm:grid-cols-2">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt className="text-sm text-fg-muted">{label}</dt>
            <dd className="font-medium">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
