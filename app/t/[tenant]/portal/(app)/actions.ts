'use server';

import { redirect } from 'next/navigation';
import { z } from 'zod';
import { portalAccountCall, portalAccountFormAction, publicFormAction } from '@/lib/actions/wrappers';
import { choosePortalPatient, portalIdleSecondsLeft, signOutPortal } from '@/lib/auth/portal-session';
import { isUuid } from '@/lib/kernel/ids';
import { common } from '@/lib/i18n/messages/common';

// Signing out works in any state of the session (already ended elsewhere, idle): the cookie goes too.
export const signOutAction = publicFormAction({ catalog: common }, async () => {
  await signOutPortal('signed-out');
  redirect('/portal/sign-in?reason=signed-out');
});

/** Called by the idle warning when the minute runs out (a session the server already ended goes to the same page). */
export const idleSignOutAction = portalAccountCall({ catalog: common }, async () => {
  await signOutPortal('idle');
  redirect('/portal/sign-in?reason=idle');
});

/** What the server says is left before the idle limit; asking is not activity. */
export const idleSecondsLeftAction = portalAccountCall({ catalog: common, activity: false }, async (): Promise<number> => portalIdleSecondsLeft());

/** "Stay signed in": any authenticated request records activity. */
export const keepAliveAction = portalAccountCall({ catalog: common }, async () => ({ ok: true }));

// Never refused as a shape: anything but a linked patient's id goes back to the chooser.
const choosePatientSchema = z.object({ patientId: z.string().catch(''), next: z.string().optional().catch(undefined) });

export const choosePatientAction = portalAccountFormAction({ catalog: common, schema: choosePatientSchema }, async (_ctx, input) => {
  if (!isUuid(input.patientId) || !(await choosePortalPatient(input.patientId))) redirect('/portal/select-patient');
  // Only same-site portal paths: never an open redirect.
  const next = input.next && /^\/portal(\/[\w\-/]*)?$/.test(input.next) ? input.next : '/portal';
  redirect(next === '/portal/select-patient' ? '/portal' : next);
});
