import 'server-only';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { isProduction } from '@/lib/config/env';

/**
 * Which day the EMR overview shows: 'mine' (a provider's own visits) or a location's id. Kept in
 * the URL (`/emr?schedule=…`) and remembered on this device in a cookie, so the overview opens on
 * the same choice tomorrow. A value that names no active location of the clinic falls back to the
 * default when the overview is read (lib/staff-home/emr-overview.ts), so a stale cookie is harmless.
 */
export type HomeScheduleChoice = 'mine' | (string & {});

export const HOME_SCHEDULE_COOKIE = 'emr_home_schedule';
const NINETY_DAYS_SECONDS = 90 * 24 * 60 * 60;

const choice = z.union([z.literal('mine'), z.uuid()], { error: 'Choose your visits or a location to show.' });

/** The chooser's form: one select named `schedule`. */
export const homeScheduleSchema = z.object({ schedule: choice });

/** A readable choice, or null (anything else is ignored, never an error). */
export function parseHomeScheduleChoice(value: unknown): HomeScheduleChoice | null {
  const parsed = choice.safeParse(Array.isArray(value) ? value[0] : value);
  return parsed.success ? parsed.data : null;
}

/** The URL's choice first, then this device's last one. */
export async function readHomeScheduleChoice(fromUrl: unknown): Promise<HomeScheduleChoice | null> {
  return parseHomeScheduleChoice(fromUrl) ?? parseHomeScheduleChoice((await cookies()).get(HOME_SCHEDULE_COOKIE)?.value);
}

export async function rememberHomeScheduleChoice(value: HomeScheduleChoice): Promise<void> {
  (await cookies()).set(HOME_SCHEDULE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: isProduction,
    path: '/',
    maxAge: NINETY_DAYS_SECONDS,
  });
}
