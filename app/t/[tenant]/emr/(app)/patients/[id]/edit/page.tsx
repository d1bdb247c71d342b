import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PatientForm } from '@/components/patients/patient-form';
import { getDb } from '@/db/client';
import { NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPatientChart } from '@/lib/patients/chart';
import { formatDateOfBirth } from '@/lib/patients/display';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { updatePatientAction } from '../../actions';

export const metadata: Metadata = { title: 'Edit patient' };

export default async function EditPatientPage({ params }: { params: Promise<{ tenant: string; id: string }> }) {
  const ctx = await requireStaff('emr', 'patients.edit');
  const { profile } = await getPageTenant(params);
  const { id } = await params;
  const p = await getPatientChart(getDb(), ctx, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const initial = {
    firstName: p.firstName, lastName: p.lastName, dateOfBirth: formatDateOfBirth(p.dateOfBirth), sex: p.sex,
    email: p.email ?? '', phone: p.phone ?? '', addressLine1: p.addressLine1 ?? '', addressLine2: p.addressLine2 ?? '',
    city: p.city ?? '', region: p.region ?? '', postalCode: p.postalCode ?? '', country: p.country ?? '', preferredLanguage: p.preferredLanguage,
  };
  return (
    <section aria-labelledby="edit-heading" className="rounded-xl border border-line bg-surface p-5">
      <h2 id="edit-heading" className="mb-4 text-lg font-semibold">Edit details</h2>
      <PatientForm action={updatePatientAction} initial={initial} patientId={id} nationalIdLabel={profile.portal.nationalIdLabel} submitLabel="Save changes" />
    </section>
  );
}
