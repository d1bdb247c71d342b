import 'server-only';
import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { authTokens, patientPortalSettings } from '@/db/schema';
import { NotFoundError, assertPermission, type StaffContext } from '@/lib/access/context';
import { AuditActions } from '@/lib/audit/actions';
import { recordAudit } from '@/lib/audit/record-audit';
import { fieldErrorsOf } from '@/lib/actions/failures';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { assignInviteForms } from '@/lib/clinic-forms/assignments';
import { addSeconds, now as clockNow } from '@/lib/clock';
import type { EmailSender } from '@/lib/email/types';
import { generateToken, hashToken } from '@/lib/identity/secrets';
import { isUuid } from '@/lib/kernel/ids';
import { getEmailSender } from '@/lib/messaging/providers';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { findAccountByEmail, findPortalSettings } from './accounts';
import { PortalAccessError } from './errors';
import { normalizePortalOrigin, portalEmailBrand, portalEmailLanguage, portalInviteEmail } from './invite-email';
import { resolveInvitee } from './invitee';
import { portalInviteSchema, type PortalInviteInput } from './schemas';
import { requirePortalAdminPatient } from './staff-context';

/**
 * Emailed invitations (seed 003): a single-use link, valid 24 hours, for the patient or one of
 * the patient's contacts. Only the token's SHA-256 is stored. The email is in the clinic's
 * layout and sent as the clinic (invite-email.ts).
 */

/**
 * Creates the invitation and emails the link `{portalOrigin}/portal/invite/{token}`;
 * `portalOrigin` is the origin of the staff member's request (the clinic's own host). A new
 * invitation for the same patient and email revokes the previous unused one.
 */
export async function invitePatientToPortal(
  db: Executor,
  ctx: StaffContext,
  input: PortalInviteInput,
  portalOrigin: string,
  emailSender: EmailSender = getEmailSender(),
): Promise<{ tokenId: string; formsWaiting: number }> {
  assertPermission(ctx, 'portal_admin.view');
  const parsed = portalInviteSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrorsOf(parsed.error);
    throw new PortalAccessError('invalid-input', Object.values(errors)[0]);
  }
  const { patientId, relationship, message, intakeMessage } = parsed.data;
  const formTemplateIds = parsed.data.formTemplateIds ?? [];
  if (formTemplateIds.length > 0) assertPermission(ctx, 'forms.assign');
  const email = parsed.data.email.normalize('NFKC').toLowerCase();
  await requirePortalAdminPatient(db, ctx, patientId);
  const tenantId = ctx.tenant.id;
  const profile = await loadTenantProfile(db, tenantId);
  if (!profile) throw new NotFoundError('clinic');
  const origin = normalizePortalOrigin(portalOrigin);

  const settings = await findPortalSettings(db, tenantId, patientId);
  if (settings?.disabledAt) throw new PortalAccessError('access-disabled');
  // Someone who already has an account confirms with its phone; anyone else needs a phone and,
  // in a national-ID clinic, a national ID in the clinic's records. The email is in the
  // account's language, else the one the clinic's records give the invitee.
  const account = await findAccountByEmail(db, tenantId, email);
  let inviteeLanguage = account?.language ?? null;
  if (!account) {
    const invitee = await resolveInvitee(db, tenantId, { patientId, relationship, email });
    if (!invitee?.phone) throw new PortalAccessError('no-phone', relationship === 'self'
      ? 'This patient has no mobile number on file. The portal sends a code by SMS at every sign-in: add a mobile number first.'
      : 'There is no mobile number on file for this contact. Add the contact with a mobile number first: the portal sends a code by SMS at every sign-in.');
    if (profile.portal.identificationMode === 'national_id' && !invitee.nationalIdHash) throw new PortalAccessError('no-identifier');
    inviteeLanguage = invitee.language;
  }

  const token = generateToken();
  const { tokenId, formsWaiting } = await db.transaction(async (tx) => {
    const at = clockNow();
    const revoked = await tx
      .update(authTokens)
      .set({ revokedAt: at })
      .where(and(
        eq(authTokens.tenantId, tenantId),
        eq(authTokens.purpose, 'patient_invite'),
        eq(authTokens.patientId, patientId),
        eq(authTokens.email, email),
        isNull(authTokens.usedAt),
        isNull(authTokens.revokedAt),
      ))
      .returning({ id: authTokens.id });
    const [row] = await tx
      .insert(authTokens)
      .values({
        tenantId, purpose: 'patient_invite', tokenHash: hashToken(token), email, patientId, relationship,
        message: message ?? null, createdByStaffId: ctx.actor.id, createdAt: at,
        expiresAt: addSeconds(at, AUTH_POLICY.inviteTtlSeconds),
      })
      .returning({ id: authTokens.id });
    // Inviting someone is staff granting access (manual mode), as creating a portal user is.
    await tx
      .insert(patientPortalSettings)
      .values({ tenantId, patientId, accessEnabled: true, updatedAt: at })
      .onConflictDoUpdate({ target: [patientPortalSettings.tenantId, patientPortalSettings.patientId], set: { accessEnabled: true, updatedAt: at } });
    await recordAudit(tx, ctx, {
      action: AuditActions.inviteSent, patientId, target: { type: 'auth_token', id: row!.id },
      details: { email, relationship, replaced: revoked.map((r) => r.id) },
    });
    // The intake forms picked in the same dialog, assigned with the invitation (source 'invite').
    const assigned = await assignInviteForms(tx, ctx, { patientId, templateIds: formTemplateIds, message: intakeMessage });
    return { tokenId: row!.id, formsWaiting: assigned };
  });

  try {
    const brand = portalEmailBrand(profile);
    const mail = portalInviteEmail(brand, portalEmailLanguage(profile, inviteeLanguage), { link: `${origin}/portal/invite/${token}`, message, formsWaiting });
    await emailSender.send({
      to: email, subject: mail.subject, text: mail.text, html: mail.html, fromName: brand.name, idempotencyKey: `invite:${tokenId}`,
    });
  } catch {
    // No one can use a link that never arrived; staff see the failure and send again.
    await db.update(authTokens).set({ revokedAt: clockNow() }).where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.id, tokenId)));
    throw new PortalAccessError('email-failed');
  }
  return { tokenId, formsWaiting };
}

/** Withdraws an unused invitation. False when it was already used or revoked. */
export async function revokePortalInvite(db: Executor, ctx: StaffContext, tokenId: string): Promise<{ revoked: boolean }> {
  assertPermission(ctx, 'portal_admin.view');
  if (!isUuid(tokenId)) throw new NotFoundError('invitation');
  const tenantId = ctx.tenant.id;
  const [token] = await db
    .select({ id: authTokens.id, patientId: authTokens.patientId })
    .from(authTokens)
    .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.id, tokenId), eq(authTokens.purpose, 'patient_invite')));
  if (!token) throw new NotFoundError('invitation');
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(authTokens)
      .set({ revokedAt: clockNow() })
      .where(and(eq(authTokens.tenantId, tenantId), eq(authTokens.id, tokenId), isNull(authTokens.usedAt), isNull(authTokens.revokedAt)))
      .returning({ id: authTokens.id });
    if (rows.length === 0) return { revoked: false };
    await recordAudit(tx, ctx, {
      action: AuditActions.inviteRevoked, patientId: token.patientId, target: { type: 'auth_token', id: tokenId },
    });
    return { revoked: true };
  });
}
