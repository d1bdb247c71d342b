'use server';

import { redirect } from 'next/navigation';
import { staffFormAction } from '@/lib/actions/wrappers';
import { homeScheduleSchema, rememberHomeScheduleChoice } from '@/lib/staff-home/home-location';

/**
 * The overview's "Show" next to today's schedule: remembers the choice (my visits, or a location)
 * on this device and opens the overview on it. An id that names no location of this clinic shows
 * the default day; nothing is read here.
 */
export const chooseHomeScheduleAction = staffFormAction({ area: 'emr', permission: 'schedule.view', schema: homeScheduleSchema }, async (_ctx, { schedule }) => {
  await rememberHomeScheduleChoice(schedule);
  redirect(`/emr?${new URLSearchParams({ schedule })}`);
});
