'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { requireStaff } from '@/lib/auth/staff-session';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { PortalAccessError } from '@/lib/portal-access/errors';
import { createPortalUser, setDocumentNotificationPreference, setPortalAccessEnabled, unlockPortalAccess } from '@/lib/portal-access/staff-admin';
import { invitePatientToPortal, revokePortalInvite } from '@/lib/portal-access/staff-invites';

export interface PortalAdminState {
  ok?: boolean;
  message?: string;
  portalCode?: string;
}

function failure(error: unknown): PortalAdminState {
  if (error instanceof PortalAccessError) return { ok: false, message: error.message };
  if (error instanceof NotFoundError) return { ok: false, message: 'This patient or invitation no longer exists.' };
  if (error instanceof ForbiddenError) return { ok: false, message: 'You don’t have permission to administer portal access.' };
  throw error;
}

const patientIdSchema = z.object({ patientId: z.uuid() });

/** Every action re-checks the session and permission; the clinic comes from the host. */
async function context() {
  return requireStaff('emr', 'portal_admin.view');
}

function done(patientId: string, state: PortalAdminState): PortalAdminState {
  revalidatePath(`/emr/patients/${patientId}/portal`);
  return state;
}

export async function createPortalUserAction(_: PortalAdminState, form: FormData): Promise<PortalAdminState> {
  const ctx = await context();
  const parsed = patientIdSchema.safeParse({ patientId: form.get('patientId') });
  if (!parsed.success) return { ok: false, message: 'This patient no longer exists.' };
  try {
    const { portalCode } = await createPortalUser(getDb(), ctx, parsed.data.patientId);
    return done(parsed.data.patientId, { ok: true, portalCode, message: `Portal ID ${portalCode} created. Print the instructions for the patient.` });
  } catch (error) {
    return failure(error);
  }
}

export async function inviteToPortalAction(_: PortalAdminState, form: FormData): Promise<PortalAdminState> {
  const ctx = await context();
  const patientId = String(form.get('patientId') ?? '');
  try {
    await invitePatientToPortal(
      getDb(),
      ctx,
      {
        patientId,
        email: String(form.get('email') ?? ''),
        relationship: String(form.get('relationship') ?? '') as 'self',
        message: String(form.get('message') ?? '') || undefined,
      },
      await getRequestOrigin(),
    );
    return done(patientId, { ok: true, message: `Invitation sent to ${String(form.get('email'))}. The link works once and expires in 24 hours.` });
  } catch (error) {
    return failure(error);
  }
}

export async function revokeInviteAction(_: PortalAdminState, form: FormData): Promise<PortalAdminState> {
  const ctx = await context();
  const parsed = z.object({ patientId: z.uuid(), tokenId: z.uuid() }).safeParse({ patientId: form.get('patientId'), tokenId: form.get('tokenId') });
  if (!parsed.success) return { ok: false, message: 'This invitation no longer exists.' };
  try {
    await revokePortalInvite(getDb(), ctx, parsed.data.tokenId);
    return done(parsed.data.patientId, { ok: true, message: 'Invitation revoked: the link no longer works.' });
  } catch (error) {
    return failure(error);
  }
}

export async function unlockPortalAction(_: PortalAdminState, form: FormData): Promise<PortalAdminState> {
  const ctx = await context();
  const parsed = patientIdSchema.safeParse({ patientId: form.get('patientId') });
  if (!parsed.success) return { ok: false, message: 'This patient no longer exists.' };
  try {
    await unlockPortalAccess(getDb(), ctx, parsed.data.patientId);
    return done(parsed.data.patientId, { ok: true, message: 'Unlocked. The patient can try again now.' });
  } catch (error) {
    return failure(error);
  }
}

export async function setPortalAccessAction(_: PortalAdminState, form: FormData): Promise<PortalAdminState> {
  const ctx = await context();
  const parsed = z.object({ patientId: z.uuid(), enabled: z.enum(['true', 'false']) }).safeParse({ patientId: form.get('patientId'), enabled: form.get('enabled') });
  if (!parsed.success) return { ok: false, message: 'This patient no longer exists.' };
  try {
    await setPortalAccessEnabled(getDb(), ctx, parsed.data.patientId, parsed.data.enabled === 'true');
    return done(parsed.data.patientId, { ok: true, message: parsed.data.enabled === 'true' ? 'Portal access turned on.' : 'Portal access turned off.' });
  } catch (error) {
    return failure(error);
  }
}

export async function setNotificationPreferenceAction(_: PortalAdminState, form: FormData): Promise<PortalAdminState> {
  const ctx = await context();
  const parsed = z.object({ patientId: z.uuid(), preference: z.enum(['default', 'email', 'email_sms']) }).safeParse({ patientId: form.get('patientId'), preference: form.get('preference') });
  if (!parsed.success) return { ok: false, message: 'Choose how the patient is notified.' };
  try {
    const value = parsed.data.preference === 'default' ? null : parsed.data.preference;
    await setDocumentNotificationPreference(getDb(), ctx, parsed.data.patientId, value);
    return done(parsed.data.patientId, { ok: true, message: 'Notification preference saved.' });
  } catch (error) {
    return failure(error);
  }
}
