'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { staffAction } from '@/lib/actions/wrappers';
import { getRequestOrigin } from '@/lib/http/request-origin';
import { createPortalUser, setDocumentNotificationPreference, setPortalAccessEnabled, unlockPortalAccess } from '@/lib/portal-access/staff-admin';
import { proxyLinkSchema } from '@/lib/portal-access/proxy-link-form';
import { saveProxyLink } from '@/lib/portal-access/proxy-links';
import type { PortalAdminState } from '@/lib/portal-access/staff-admin-state';
import { invitePatientToPortal, revokePortalInvite } from '@/lib/portal-access/staff-invites';
import { z } from '@/lib/validation/zod';

/** Every action re-checks the session and permission; the clinic comes from the host. */
const portalAdmin = { area: 'emr', permission: 'portal_admin.view' } as const;
const refusals = { notFound: 'This patient or invitation no longer exists.', forbidden: 'You don’t have permission to administer portal access.' };

/** A form whose hidden fields were tampered with names nothing: one sentence for every field. */
function spec<S extends z.ZodType>(schema: S, invalid: string) {
  return { ...portalAdmin, schema, messages: { ...refusals, invalid } };
}

const PATIENT_GONE = 'This patient no longer exists.';
const patientId = z.uuid(PATIENT_GONE);

function done(patientId: string, state: PortalAdminState): PortalAdminState {
  revalidatePath(`/emr/patients/${patientId}/portal`);
  return state;
}

export const createPortalUserAction = staffAction(spec(z.object({ patientId }), PATIENT_GONE), async (ctx, input): Promise<PortalAdminState> => {
  const { portalCode } = await createPortalUser(getDb(), ctx, input.patientId);
  return done(input.patientId, { ok: true, portalCode, message: `Portal ID ${portalCode} created. Print the instructions for the patient.` });
});

// invitePatientToPortal parses the form itself (portalInviteSchema) and names the first problem.
// The intake forms are a checkbox group: every ticked value, read from the form itself.
export const inviteToPortalAction = staffAction(
  { ...portalAdmin, pick: ['patientId', 'email', 'relationship', 'message', 'intakeMessage'], messages: refusals },
  async (ctx, form, { form: posted }): Promise<PortalAdminState> => {
    const formTemplateIds = (posted?.getAll('formTemplateIds') ?? []).filter((v): v is string => typeof v === 'string');
    const input = {
      patientId: form.patientId ?? '', email: form.email ?? '', relationship: (form.relationship ?? '') as 'self', message: form.message || undefined,
      formTemplateIds, intakeMessage: form.intakeMessage || undefined,
    };
    const { formsWaiting } = await invitePatientToPortal(getDb(), ctx, input, await getRequestOrigin());
    if (formsWaiting > 0) revalidatePath(`/emr/patients/${input.patientId}/forms`);
    const forms = formsWaiting > 0 ? ` ${formsWaiting === 1 ? 'One form was' : `${formsWaiting} forms were`} assigned with it.` : '';
    return done(input.patientId, { ok: true, message: `Invitation sent to ${input.email}. The link works once and expires in 24 hours.${forms}` });
  },
);

const INVITE_GONE = 'This invitation no longer exists.';
export const revokeInviteAction = staffAction(
  spec(z.object({ patientId: z.uuid(INVITE_GONE), tokenId: z.uuid(INVITE_GONE) }), INVITE_GONE),
  async (ctx, input): Promise<PortalAdminState> => {
    await revokePortalInvite(getDb(), ctx, input.tokenId);
    return done(input.patientId, { ok: true, message: 'Invitation revoked: the link no longer works.' });
  },
);

export const unlockPortalAction = staffAction(spec(z.object({ patientId }), PATIENT_GONE), async (ctx, input): Promise<PortalAdminState> => {
  await unlockPortalAccess(getDb(), ctx, input.patientId);
  return done(input.patientId, { ok: true, message: 'Unlocked. The patient can try again now.' });
});

export const setPortalAccessAction = staffAction(
  spec(z.object({ patientId, enabled: z.enum(['true', 'false'], PATIENT_GONE) }), PATIENT_GONE),
  async (ctx, input): Promise<PortalAdminState> => {
    const enabled = input.enabled === 'true';
    await setPortalAccessEnabled(getDb(), ctx, input.patientId, enabled);
    return done(input.patientId, { ok: true, message: enabled ? 'Portal access turned on.' : 'Portal access turned off.' });
  },
);

const CHOOSE_PREFERENCE = 'Choose how the patient is notified.';
export const setNotificationPreferenceAction = staffAction(
  spec(z.object({ patientId: z.uuid(CHOOSE_PREFERENCE), preference: z.enum(['default', 'email', 'email_sms'], CHOOSE_PREFERENCE) }), CHOOSE_PREFERENCE),
  async (ctx, input): Promise<PortalAdminState> => {
    await setDocumentNotificationPreference(getDb(), ctx, input.patientId, input.preference === 'default' ? null : input.preference);
    return done(input.patientId, { ok: true, message: 'Notification preference saved.' });
  },
);

/**
 * A proxy link's scope, dates and consent (issue 19). Portal administration opens the page; the
 * lib also requires patient editing, and document upload for a new consent file.
 */
export const saveProxyLinkAction = staffAction(
  {
    ...portalAdmin,
    schema: proxyLinkSchema,
    messages: {
      ...refusals,
      invalid: 'Check the highlighted fields.',
      forbidden: 'Changing portal access needs portal administration and patient editing (and document upload for a new file).',
    },
  },
  async (ctx, input): Promise<PortalAdminState> => {
    const { consentsCleared } = await saveProxyLink(getDb(), ctx, input);
    if (input.evidenceFile) revalidatePath(`/emr/patients/${input.patientId}/documents`);
    const lapsed = consentsCleared ? ' The wider access waits for the patient’s agreement in the portal again.' : '';
    return done(input.patientId, { ok: true, message: `Access saved.${lapsed}` });
  },
);
