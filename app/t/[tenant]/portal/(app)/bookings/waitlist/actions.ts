'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction } from '@/lib/actions/wrappers';
import { waitlist } from '@/lib/i18n/messages/waitlist';
import { joinWaitlist, removeWaitlistEntry } from '@/lib/waitlist/entries';
import { joinWaitlistSchema, leaveWaitlistSchema, TIMES_OF_DAY } from '@/lib/waitlist/forms';

// The patient comes from the session only; nothing in these forms names a patient.

export const joinWaitlistAction = portalAction(
  {
    area: 'bookings', catalog: waitlist, schema: joinWaitlistSchema,
    messages: { invalid: 'checkFields', notFound: 'choiceGone', busy: 'failed', conflict: 'failed' },
    rules: {
      'portal-off': 'portalOff',
      'not-offered': { message: 'notOffered', fields: 'notOffered' },
      times: { message: 'checkFields', fields: 'timeRequired' },
      'until-too-soon': 'untilTooSoon',
      'until-too-late': 'untilTooLate',
      duplicate: 'duplicate',
    },
  },
  async (ctx, input): Promise<ActionState> => {
    const times = TIMES_OF_DAY[input.timeOfDay];
    await joinWaitlist(getDb(), ctx, {
      serviceId: input.service, locationId: input.location, providerId: input.provider, weekdays: input.weekdays,
      earliestTime: times.earliest, latestTime: times.latest, untilOn: input.untilOn,
    });
    redirect('/portal/bookings/waitlist?done=joined');
  },
);

export const leaveWaitlistAction = portalAction(
  {
    area: 'bookings', catalog: waitlist, schema: leaveWaitlistSchema,
    messages: { invalid: 'entryGone', notFound: 'entryGone', busy: 'failed', conflict: 'failed' },
    rules: { 'not-waiting': 'notWaiting' },
  },
  async (ctx, input): Promise<ActionState> => {
    await removeWaitlistEntry(getDb(), ctx, { entryId: input.entryId });
    redirect('/portal/bookings/waitlist?done=left');
  },
);
