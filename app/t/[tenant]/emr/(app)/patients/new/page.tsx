import type { Metadata } from 'next';
import { PatientForm } from '@/components/patients/patient-form';
import { requireStaff } from '@/lib/auth/staff-session';
import { getPageTenant } from '@/lib/tenancy/page-tenant';
import { createPatientAction } from '../actions';

export const metadata: Metadata = { title: 'New patient' };

export default async function NewPatientPage({ params }: { params: Promise<{ tenant: string }> }) {
  await requireStaff('emr', 'patients.edit');
  const { profile } = await getPageTenant(params);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">New patient</h1>
      <div className="rounded-xl border border-line bg-surface p-5">
        <PatientForm action={createPatientAction} initial={{ country: 'US' }} nationalIdLabel={`${profile.portal.nationalIdLabel} (optional)`} submitLabel="Create patient" />
      </div>
    </div>
  );
}
