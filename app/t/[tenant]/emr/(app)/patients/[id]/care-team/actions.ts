'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { assignPatient, unassignPatient } from '@/lib/conversations';
import { careTeamSchema, type CareTeamFormState } from '@/lib/conversations/care-team-form';

const careTeam = {
  area: 'emr',
  permission: 'patients.edit',
  messages: { notFound: 'This patient or staff member no longer exists.', forbidden: 'Your access level does not allow changing the care team.' },
} as const;

function refresh(patientId: string): void {
  revalidatePath(`/emr/patients/${patientId}/care-team`);
  revalidatePath('/emr/messages');
}

export const addToCareTeamAction = staffAction(
  { ...careTeam, schema: careTeamSchema('Choose a staff member.'), messages: { ...careTeam.messages, invalid: 'Choose a staff member.' } },
  async (ctx, { patientId, staffId }): Promise<CareTeamFormState> => {
    const result = await assignPatient(getDb(), ctx, patientId, staffId);
    if (!result.ok) return { ok: false, message: result.message };
    refresh(patientId);
    return { ok: true, message: 'Added to the care team.' };
  },
);

export const removeFromCareTeamAction = staffAction(
  {
    ...careTeam,
    schema: careTeamSchema('This staff member is no longer on the care team.'),
    messages: { ...careTeam.messages, invalid: 'This staff member is no longer on the care team.' },
  },
  async (ctx, { patientId, staffId }): Promise<CareTeamFormState> => {
    const result = await unassignPatient(getDb(), ctx, patientId, staffId);
    if (!result.ok) return { ok: false, message: result.message };
    refresh(patientId);
    return { ok: true, message: 'Removed from the care team.' };
  },
);
