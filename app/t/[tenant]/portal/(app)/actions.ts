'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { choosePortalPatient, portalIdleSecondsLeft, requirePortalAccount, signOutPortal } from '@/lib/auth/portal-session';

export async function signOutAction(): Promise<void> {
  await signOutPortal('signed-out');
  redirect('/portal/sign-in?reason=signed-out');
}

/** Called by the idle warning when the minute runs out. */
export async function idleSignOutAction(): Promise<void> {
  await signOutPortal('idle');
  redirect('/portal/sign-in?reason=idle');
}

/** What the server says is left before the idle limit; asking is not activity. */
export async function idleSecondsLeftAction(): Promise<number> {
  return portalIdleSecondsLeft();
}

/** "Stay signed in": any authenticated request records activity. */
export async function keepAliveAction(): Promise<{ ok: boolean }> {
  await requirePortalAccount();
  return { ok: true };
}

const choosePatientSchema = z.object({ patientId: z.string().uuid(), next: z.string().optional() });

export async function choosePatientAction(form: FormData): Promise<void> {
  const parsed = choosePatientSchema.safeParse({ patientId: form.get('patientId'), next: form.get('next') ?? undefined });
  if (!parsed.success || !(await choosePortalPatient(parsed.data.patientId))) redirect('/portal/select-patient');
  // Only same-site portal paths: never an open redirect.
  const next = parsed.data.next && /^\/portal(\/[\w\-/]*)?$/.test(parsed.data.next) ? parsed.data.next : '/portal';
  redirect(next === '/portal/select-patient' ? '/portal' : next);
}
