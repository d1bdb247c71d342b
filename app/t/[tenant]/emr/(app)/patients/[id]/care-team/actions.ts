'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { assignPatient, unassignPatient } from '@/lib/conversations';

export interface CareTeamFormState {
  ok?: boolean;
  message?: string;
  fieldErrors?: { staffId?: string };
}

const schema = z.object({ patientId: z.uuid(), staffId: z.uuid('Choose a staff member.') });

function failure(error: unknown): CareTeamFormState {
  if (error instanceof NotFoundError) return { ok: false, message: 'This patient or staff member no longer exists.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'Your access level does not allow changing the care team.' };
  const code = (error as { cause?: { code?: string } }).cause?.code;
  console.error(`care team action failed (${error instanceof Error ? error.name : 'unknown'}${code ? ` ${code}` : ''})`);
  return { ok: false, message: 'The change failed. Nothing was changed; please try again.' };
}

function refresh(patientId: string): void {
  revalidatePath(`/emr/patients/${patientId}/care-team`);
  revalidatePath('/emr/messages');
}

export async function addToCareTeamAction(_: CareTeamFormState, form: FormData): Promise<CareTeamFormState> {
  const ctx = await requireStaff('emr', 'patients.edit');
  const parsed = schema.safeParse({ patientId: form.get('patientId'), staffId: form.get('staffId') });
  if (!parsed.success) return { ok: false, message: 'Choose a staff member.', fieldErrors: { staffId: 'Choose a staff member.' } };
  try {
    const result = await assignPatient(getDb(), ctx, parsed.data.patientId, parsed.data.staffId);
    if (!result.ok) return { ok: false, message: result.message };
  } catch (error) {
    return failure(error);
  }
  refresh(parsed.data.patientId);
  return { ok: true, message: 'Added to the care team.' };
}

export async function removeFromCareTeamAction(_: CareTeamFormState, form: FormData): Promise<CareTeamFormState> {
  const ctx = await requireStaff('emr', 'patients.edit');
  const parsed = schema.safeParse({ patientId: form.get('patientId'), staffId: form.get('staffId') });
  if (!parsed.success) return { ok: false, message: 'This staff member is no longer on the care team.' };
  try {
    const result = await unassignPatient(getDb(), ctx, parsed.data.patientId, parsed.data.staffId);
    if (!result.ok) return { ok: false, message: result.message };
  } catch (error) {
    return failure(error);
  }
  refresh(parsed.data.patientId);
  return { ok: true, message: 'Removed from the care team.' };
}
