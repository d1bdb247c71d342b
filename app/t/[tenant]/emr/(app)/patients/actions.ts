'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { createPatient, updatePatient } from '@/lib/patients/editing';
import { NationalIdTakenError, PossibleDuplicatesError } from '@/lib/patients/errors';
import type { PatientFormState } from '@/lib/patients/form-state';
import { createPatientSchema, updatePatientSchema } from '@/lib/patients/schemas';

/** The typed fields, shown again after a refusal exactly as the person entered them. */
const PATIENT_FIELDS = [
  'firstName', 'lastName', 'dateOfBirth', 'sex', 'email', 'phone', 'addressLine1', 'addressLine2', 'city', 'region', 'postalCode',
  'country', 'preferredLanguage', 'nationalId',
] as const;
const editing = { area: 'emr', permission: 'patients.edit', echo: PATIENT_FIELDS } as const;

export const createPatientAction = staffAction(
  { ...editing, schema: createPatientSchema, messages: { forbidden: 'You don’t have permission to create patients.' } },
  async (ctx, { confirmDuplicates, ...input }): Promise<PatientFormState> => {
    const result = await createPatient(getDb(), ctx, input, { confirmDuplicates });
    if (!result.ok) throw new PossibleDuplicatesError(result.duplicates);
    revalidatePath('/emr/patients');
    redirect(`/emr/patients/${result.id}`);
  },
);

export const updatePatientAction = staffAction(
  {
    ...editing,
    schema: updatePatientSchema,
    messages: { notFound: 'This patient no longer exists.', forbidden: 'You don’t have permission to edit patients.' },
  },
  async (ctx, { patientId, ...input }): Promise<PatientFormState> => {
    const result = await updatePatient(getDb(), ctx, patientId, input);
    if (!result.ok) throw new NationalIdTakenError();
    revalidatePath(`/emr/patients/${patientId}`);
    redirect(`/emr/patients/${patientId}?saved=1`);
  },
);
