import 'server-only';
import { z } from 'zod';
import type { PortalRelationship } from '@/db/schema';
import { assignmentMessageSchema, templateIdsSchema } from '@/lib/clinic-forms/assignment-schemas';
import { withoutControlChars } from '@/lib/validation/text';
import { normalizePortalCode, parseUsDate } from './matching';
import { PORTAL_ACCESS_POLICY } from './policy';

/**
 * Form schemas of the ways into the portal, shared by the server actions and the staff tools.
 * They check shape only; the password policy and every business rule live in lib.
 */

export const portalRelationshipValues = ['self', 'parent', 'guardian', 'caregiver', 'spouse', 'other'] as const satisfies readonly PortalRelationship[];

const PASSWORD_FIELD_MAX = 1024;

export const activationDetailsSchema = z.object({
  portalCode: z
    .string()
    .trim()
    .min(1, 'Enter the 6-digit portal ID from your instructions.')
    .transform((value, ctx) => {
      const code = normalizePortalCode(value);
      if (!code) ctx.issues.push({ code: 'custom', input: value, message: 'The portal ID is 6 digits, as printed on your instructions.' });
      return code ?? '';
    }),
  firstInitial: initialField('first name'),
  lastInitial: initialField('last name'),
  dateOfBirth: z
    .string()
    .trim()
    .min(1, 'Enter your date of birth as MM/DD/YYYY.')
    .transform((value, ctx) => {
      const iso = parseUsDate(value);
      if (!iso) ctx.issues.push({ code: 'custom', input: value, message: 'Enter the date as MM/DD/YYYY, for example 04/12/1986.' });
      return iso ?? '';
    }),
});
export type ActivationDetailsInput = z.input<typeof activationDetailsSchema>;

function initialField(what: string) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, `Enter the first letter of your ${what}.`)
        .regex(/^\p{L}$/u, `Enter one letter: the first letter of your ${what}.`),
    );
}

export const newPasswordSchema = z.object({
  password: z.string().max(PASSWORD_FIELD_MAX, 'That is too long.'),
  confirmPassword: z.string().max(PASSWORD_FIELD_MAX, 'That is too long.'),
});
export type NewPasswordInput = z.infer<typeof newPasswordSchema>;

/** The activation's second step: the identifier (email clinics only) and the new password. */
export const activationCredentialsSchema = newPasswordSchema.extend({
  identifier: withoutControlChars(z.string()).trim().max(254, 'That is too long.').optional(),
});

export const identifierSchema = z.object({
  identifier: withoutControlChars(z.string()).trim().min(1, 'Enter your sign-in identifier.').max(254, 'That is too long.'),
});

export const emailSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email.').max(254, 'That is too long.').email('Enter a valid email address.'),
});

export const currentPasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your password.').max(256, 'That is too long.'),
});

/** An emailed link's token: 32 random bytes, base64url (lib/identity/secrets generateToken). */
export const linkTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'This link is not valid.');

/** The token as an emailed link's page posts it (a hidden field). */
export const linkSchema = z.object({ token: linkTokenSchema });

/** The EMR's "Invite to portal" form. */
export const portalInviteSchema = z.object({
  patientId: z.uuid('Choose a patient.'),
  email: z.string().trim().min(1, 'Enter the email address to invite.').max(254, 'That is too long.').email('Enter a valid email address.'),
  relationship: z.enum(portalRelationshipValues, 'Choose who this person is to the patient.'),
  message: withoutControlChars(z.string())
    .trim()
    .max(PORTAL_ACCESS_POLICY.inviteMessageMaxLength, `Keep the message under ${PORTAL_ACCESS_POLICY.inviteMessageMaxLength} characters.`)
    .optional()
    .transform((value) => (value ? value : undefined)),
  // Intake forms sent with the invitation (seed 003), and the message shown with them in the portal.
  formTemplateIds: templateIdsSchema.optional(),
  intakeMessage: assignmentMessageSchema,
});
export type PortalInviteInput = z.input<typeof portalInviteSchema>;
