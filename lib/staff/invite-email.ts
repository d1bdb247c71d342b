import 'server-only';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { renderClinicEmail, type ClinicEmailBrand, type RenderedEmail } from '@/lib/email/render-clinic-email';
import { noticeEmail } from '@/lib/notifications/notice-email';
import { validForWords } from '@/lib/portal-access/access-email-texts';

/**
 * A staff invitation in the clinic's layout (HTML + text), in English: staff have no language
 * of their own on record. It names the clinic and who invited them; the link is the clinic's
 * `/staff/invite/{token}`, single-use, and says when it expires.
 */
export function staffInviteEmail(brand: ClinicEmailBrand, input: { inviterName: string; link: string }): RenderedEmail {
  const clinic = brand.name;
  return renderClinicEmail(brand, noticeEmail('en', clinic, `You’re invited to ${clinic} on Carebridge`, [
    [`${input.inviterName} invited you to join ${clinic} on Carebridge.`],
    [{
      text: `Set your password to get started. The link works once and expires in ${validForWords('en', AUTH_POLICY.inviteTtlSeconds)}:`,
      href: input.link,
      buttonLabel: 'Set your password',
    }],
    ['If you did not expect this invitation, you can ignore this email.'],
  ]));
}
