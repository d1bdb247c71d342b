import 'server-only';
import { AUTH_POLICY } from '@/lib/auth/policy';
import { renderClinicEmail, type ClinicEmailBrand, type RenderedEmail } from '@/lib/email/render-clinic-email';
import type { EmailParagraph } from '@/lib/email/render-content';
import { clinicEmailBrand } from '@/lib/notifications/email-brand';
import { noticeEmail } from '@/lib/notifications/notice-email';
import { pickNotificationLanguage, type NotificationLanguage } from '@/lib/notifications/texts';
import type { TenantProfile } from '@/lib/tenancy/profile';
import { passwordResetTexts, portalInviteTexts, validForWords } from './access-email-texts';

/**
 * The portal's access emails, the invitation and the password-reset link, in the clinic's
 * layout (HTML + text, lib/email/render-clinic-email.tsx) as the queued notices are: its logo,
 * colour and name, a button for the link and the link itself as text, the link's expiry, and the
 * patient's language, in the notices' frame (greeting, closing note naming the clinic). The
 * callers send them with the clinic's name as the sender.
 */

/** The clinic's email brand from its profile (no query: the flows have the profile already). */
export function portalEmailBrand(profile: TenantProfile): ClinicEmailBrand {
  return clinicEmailBrand({
    clinicName: profile.branding.displayName,
    slug: profile.slug,
    logoUrl: profile.branding.logoUrl,
    primaryColor: profile.branding.primaryColor,
  });
}

/** The recipient's language when the clinic knows it, else the clinic's default, else English. */
export function portalEmailLanguage(profile: TenantProfile, recipientLanguage: string | null | undefined): NotificationLanguage {
  return pickNotificationLanguage(recipientLanguage, profile.portal.defaultLanguage);
}

export interface PortalInviteEmailInput {
  /** `{portal origin}/portal/invite/{token}`. */
  link: string;
  /** The staff member's note, quoted as written. */
  message?: string | null;
  /** How many forms were assigned with the invitation (never which). */
  formsWaiting?: number;
}

export function portalInviteEmail(brand: ClinicEmailBrand, language: NotificationLanguage, input: PortalInviteEmailInput): RenderedEmail {
  const t = portalInviteTexts[language];
  const clinic = brand.name;
  const paragraphs: EmailParagraph[] = [
    [t.invited(clinic)],
    [{ text: t.action(validForWords(language, AUTH_POLICY.inviteTtlSeconds)), href: input.link, buttonLabel: t.button }],
  ];
  if (input.formsWaiting) paragraphs.push([t.formsWaiting(clinic, input.formsWaiting)]);
  const messageLines = (input.message ?? '').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (messageLines.length) paragraphs.push([t.messageFrom(clinic), ...messageLines]);
  paragraphs.push([t.expired], [t.unexpected]);
  return renderClinicEmail(brand, noticeEmail(language, clinic, t.subject(clinic), paragraphs));
}

export function passwordResetEmail(brand: ClinicEmailBrand, language: NotificationLanguage, input: { link: string }): RenderedEmail {
  const t = passwordResetTexts[language];
  const clinic = brand.name;
  return renderClinicEmail(brand, noticeEmail(language, clinic, t.subject(clinic), [
    [t.requested(clinic)],
    [{ text: t.action(validForWords(language, AUTH_POLICY.passwordResetTtlSeconds)), href: input.link, buttonLabel: t.button }],
    [t.unexpected],
  ]));
}

/** "https://portal.clinic.test" from what the caller passed; throws on anything but an http(s) origin. */
export function normalizePortalOrigin(portalOrigin: string): string {
  const url = new URL(portalOrigin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('portal origin must be http(s)');
  return url.origin;
}
