'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { createPatient, updatePatient, type DuplicateCandidate } from '@/lib/patients/editing';
import { patientInputSchema } from '@/lib/patients/schemas';

export interface PatientFormState {
  message?: string;
  fieldErrors?: Record<string, string>;
  duplicates?: DuplicateCandidate[];
  values?: Record<string, string>;
}

function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === 'string' && !k.startsWith('$')) values[k] = v;
  return values;
}

function parse(form: FormData) {
  const values = formValues(form);
  const parsed = patientInputSchema.safeParse({ ...values, country: values.country || undefined });
  if (parsed.success) return { ok: true as const, data: parsed.data, values };
  const fieldErrors: Record<string, string> = {};
  for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
  return { ok: false as const, state: { fieldErrors, values, message: 'Check the highlighted fields.' } };
}

export async function createPatientAction(_: PatientFormState, form: FormData): Promise<PatientFormState> {
  const ctx = await requireStaff('emr', 'patients.edit');
  const parsed = parse(form);
  if (!parsed.ok) return parsed.state;
  let id: string;
  try {
    const result = await createPatient(getDb(), ctx, parsed.data, { confirmDuplicates: form.get('confirmDuplicates') === 'yes' });
    if (!result.ok) {
      const byId = result.duplicates.some((d) => d.reason === 'national-id');
      return {
        values: parsed.values,
        duplicates: result.duplicates,
        message: byId
          ? 'A patient with this national ID already exists. Open their record instead of creating a new one.'
          : 'This may be a patient we already have. Check the records below; create a new one only if it is a different person.',
      };
    }
    id = result.id;
  } catch (error) {
    if (error instanceof ForbiddenError) return { message: 'You don’t have permission to create patients.', values: parsed.values };
    throw error;
  }
  revalidatePath('/emr/patients');
  redirect(`/emr/patients/${id}`);
}

export async function updatePatientAction(_: PatientFormState, form: FormData): Promise<PatientFormState> {
  const ctx = await requireStaff('emr', 'patients.edit');
  const patientId = String(form.get('patientId') ?? '');
  const parsed = parse(form);
  if (!parsed.ok) return parsed.state;
  try {
    const result = await updatePatient(getDb(), ctx, patientId, parsed.data);
    if (!result.ok) return { values: parsed.values, fieldErrors: { nationalId: 'Another patient already has this national ID.' } };
  } catch (error) {
    if (error instanceof NotFoundError) return { message: 'This patient no longer exists.' };
    if (error instanceof ForbiddenError) return { message: 'You don’t have permission to edit patients.' };
    throw error;
  }
  revalidatePath(`/emr/patients/${patientId}`);
  redirect(`/emr/patients/${patientId}?saved=1`);
}
