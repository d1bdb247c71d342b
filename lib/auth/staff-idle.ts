import 'server-only';
import { z } from 'zod';
import { redirect } from 'next/navigation';
import type { StaffContext } from '@/lib/access/context';
import { safeNext } from './staff-sign-in-flow';
import { signOutStaff, staffIdleState } from './staff-session';

/**
 * The staff idle warning's three calls, the same in the EMR and the CRM (each area's
 * idle-actions.ts wraps them for its own area): how long is left, stay, and sign out as idle.
 */

/** Where to come back to after signing in again: a path the browser names, kept inside the area. */
export const idleSignOutSchema = z.object({ path: z.string().max(500).catch('') });

export async function idleSecondsLeft(ctx: StaffContext): Promise<{ ok: true; seconds: number }> {
  return { ok: true, seconds: (await staffIdleState(ctx)).secondsLeft };
}

export async function idleSignOut(area: 'crm' | 'emr', path: string): Promise<never> {
  await signOutStaff('idle');
  const next = safeNext(area, path.startsWith(`/${area}`) ? path : '');
  redirect(`/${area}/sign-in?reason=idle&next=${encodeURIComponent(next)}`);
}
