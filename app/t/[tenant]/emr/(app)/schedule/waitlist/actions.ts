'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { joinWaitlist, removeWaitlistEntry } from '@/lib/waitlist/entries';
import { ENTRY_GONE, removeWaitlistEntrySchema, staffWaitlistEntrySchema, TIMES_OF_DAY } from '@/lib/waitlist/forms';

const waitlist = {
  area: 'emr',
  permission: 'schedule.manage',
  messages: {
    notFound: 'This patient, service, location or provider no longer exists. Reload the page.',
    forbidden: 'You don’t have permission to change the waitlist.',
  },
} as const;

export const addWaitlistEntryAction = staffAction(
  { ...waitlist, schema: staffWaitlistEntrySchema, echo: ['untilOn'] },
  async (ctx, input): Promise<ActionState> => {
    const times = TIMES_OF_DAY[input.timeOfDay];
    await joinWaitlist(getDb(), ctx, {
      patientId: input.patientId, serviceId: input.serviceId, locationId: input.locationId, providerId: input.providerId,
      weekdays: input.weekdays, earliestTime: times.earliest, latestTime: times.latest, untilOn: input.untilOn,
    });
    revalidatePath('/emr/schedule/waitlist');
    redirect(`/emr/schedule/waitlist?${new URLSearchParams({ location: input.locationId, notice: 'added' })}`);
  },
);

export const removeWaitlistEntryAction = staffAction(
  { ...waitlist, schema: removeWaitlistEntrySchema, messages: { ...waitlist.messages, notFound: ENTRY_GONE } },
  async (ctx, input): Promise<ActionState> => {
    await removeWaitlistEntry(getDb(), ctx, { entryId: input.entryId, reason: input.reason });
    revalidatePath('/emr/schedule/waitlist');
    return { ok: true, message: 'Removed from the waitlist.' };
  },
);
