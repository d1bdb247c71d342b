'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction } from '@/lib/actions/wrappers';
import { markActivityDaySchema } from '@/lib/clinic-forms/activity-forms';
import { markDay } from '@/lib/clinic-forms/home-activities';
import { activities } from '@/lib/i18n/messages/activities';

// The patient comes from the session only; an activity id that is not one of the selected
// patient's open home activities answers "no longer available".
const messages = { invalid: 'errDay', notFound: 'activityNotFound', busy: 'busy', conflict: 'busy' } as const;

/** One day of the checklist marked done (`done=true`) or cleared (`done=false`); idempotent. */
export const markActivityDayAction = portalAction(
  // The rules' sentences are English; the patient reads them in the portal's language.
  { area: 'forms', catalog: activities, schema: markActivityDaySchema, messages, rules: { 'activity-day-outside': 'dayOutside', 'not-open': 'notOpen' } },
  async (ctx, { assignmentId, day, done }, { t }): Promise<ActionState> => {
    await markDay(getDb(), ctx, assignmentId, { day, done: done === 'true' });
    revalidatePath('/portal/activities');
    revalidatePath(`/portal/activities/${assignmentId}`);
    return { ok: true, message: t(done === 'true' ? 'marked' : 'unmarked') };
  },
);
