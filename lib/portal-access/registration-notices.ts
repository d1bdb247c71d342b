import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantBranding, tenants } from '@/db/schema';
import type { EmailParagraph } from '@/lib/email/render-content';
import { noticeEmail, portalLinkLine } from '@/lib/notifications/notice-email';
import { notifyAudience, type NoticeAudience } from '@/lib/notifications/notify-audience';
import { portalLink } from '@/lib/notifications/portal-link';
import { pickNotificationLanguage, type NotificationLanguage } from '@/lib/notifications/texts';

/**
 * What a self-registration (registration.ts) tells people, through the outbox in the transaction
 * of the change: the owner of an identifier someone tried to register with again, and a
 * registrant once the clinic approved or rejected them. Like every notice, they name the clinic
 * and nothing else (no name, no reason, no record): a message can be read by others. An email
 * when the account has an address, else an SMS to its confirmed phone.
 */

interface RegistrationNoticeTexts {
  attemptSubject: (clinic: string) => string;
  attempt: (clinic: string) => string;
  attemptAction: string;
  attemptIgnore: string;
  attemptSms: (clinic: string) => string;
  approvedSubject: (clinic: string) => string;
  approved: (clinic: string) => string;
  approvedSms: (clinic: string) => string;
  rejectedSubject: (clinic: string) => string;
  rejected: (clinic: string) => string;
  rejectedSms: (clinic: string) => string;
}

export const registrationNoticeTexts: Record<NotificationLanguage, RegistrationNoticeTexts> = {
  en: {
    attemptSubject: (clinic) => `Someone tried to register at the ${clinic} patient portal with your details`,
    attempt: (clinic) => `Someone tried to create a new ${clinic} patient portal account with your details. You already have an account, so no new one was made.`,
    attemptAction: 'Sign in, or use “Forgot password?” on the sign-in page if you do not remember your password:',
    attemptIgnore: 'If this was not you, you can ignore this message: nothing about your account changed.',
    attemptSms: (clinic) => `${clinic}: someone tried to register a patient portal account with your details. You already have one: sign in, or reset your password. If it was not you, ignore this message.`,
    approvedSubject: (clinic) => `Your ${clinic} patient portal account is ready`,
    approved: (clinic) => `${clinic} has confirmed your registration. You can now sign in to the patient portal:`,
    approvedSms: (clinic) => `${clinic}: your registration is confirmed. You can now sign in to the patient portal.`,
    rejectedSubject: (clinic) => `Your ${clinic} patient portal registration`,
    rejected: (clinic) => `${clinic} could not confirm your registration for the patient portal. If you think this is a mistake, please contact the clinic.`,
    rejectedSms: (clinic) => `${clinic}: your patient portal registration could not be confirmed. Please contact the clinic if you have questions.`,
  },
  es: {
    attemptSubject: (clinic) => `Alguien intentó registrarse en el portal de pacientes de ${clinic} con sus datos`,
    attempt: (clinic) => `Alguien intentó crear una cuenta nueva del portal de pacientes de ${clinic} con sus datos. Usted ya tiene una cuenta, así que no se creó otra.`,
    attemptAction: 'Inicie sesión, o use «¿Olvidó su contraseña?» en la página de inicio de sesión si no la recuerda:',
    attemptIgnore: 'Si no fue usted, puede ignorar este mensaje: su cuenta no cambió.',
    attemptSms: (clinic) => `${clinic}: alguien intentó registrar una cuenta del portal de pacientes con sus datos. Usted ya tiene una: inicie sesión o restablezca su contraseña. Si no fue usted, ignore este mensaje.`,
    approvedSubject: (clinic) => `Su cuenta del portal de pacientes de ${clinic} está lista`,
    approved: (clinic) => `${clinic} confirmó su registro. Ya puede iniciar sesión en el portal de pacientes:`,
    approvedSms: (clinic) => `${clinic}: su registro está confirmado. Ya puede iniciar sesión en el portal de pacientes.`,
    rejectedSubject: (clinic) => `Su registro en el portal de pacientes de ${clinic}`,
    rejected: (clinic) => `${clinic} no pudo confirmar su registro en el portal de pacientes. Si cree que es un error, comuníquese con la clínica.`,
    rejectedSms: (clinic) => `${clinic}: no se pudo confirmar su registro en el portal de pacientes. Comuníquese con la clínica si tiene preguntas.`,
  },
};

/** The account a notice goes to: its address, else its confirmed phone. */
export interface NoticeAccount {
  id: string;
  email: string | null;
  phone: string;
  language: string;
}

async function accountAudience(tx: Executor, tenantId: string, account: NoticeAccount): Promise<NoticeAudience | null> {
  const [brand] = await tx
    .select({ clinicName: tenantBranding.displayName, slug: tenants.slug, logoUrl: tenantBranding.logoUrl, primaryColor: tenantBranding.primaryColor })
    .from(tenants)
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, tenants.id))
    .where(eq(tenants.id, tenantId));
  if (!brand) return null;
  return { ...brand, emails: account.email ? [account.email] : [], phones: account.email ? [] : [account.phone] };
}

/**
 * "Someone tried to register with your details": to the account that already signs in with the
 * identifier a registrant typed. `event` makes the message once (the caller limits how often).
 */
export async function queueRegistrationAttemptNotice(tx: Executor, tenantId: string, account: NoticeAccount, event: string): Promise<number> {
  const audience = await accountAudience(tx, tenantId, account);
  if (!audience) return 0;
  const language = pickNotificationLanguage(account.language);
  const t = registrationNoticeTexts[language];
  const clinic = audience.clinicName;
  const paragraphs: EmailParagraph[] = [
    [t.attempt(clinic)],
    [portalLinkLine(language, t.attemptAction, portalLink(audience.slug, '/portal/sign-in'))],
    [t.attemptIgnore],
  ];
  return notifyAudience(tx, tenantId, audience, event, {
    email: noticeEmail(language, clinic, t.attemptSubject(clinic), paragraphs),
    sms: t.attemptSms(clinic),
  });
}

/** The clinic's decision on a registration, to the registrant's account. */
export async function queueRegistrationDecisionNotice(
  tx: Executor,
  tenantId: string,
  account: NoticeAccount,
  registrationId: string,
  decision: 'approved' | 'rejected',
): Promise<number> {
  const audience = await accountAudience(tx, tenantId, account);
  if (!audience) return 0;
  const language = pickNotificationLanguage(account.language);
  const t = registrationNoticeTexts[language];
  const clinic = audience.clinicName;
  const notice = decision === 'approved'
    ? {
      email: noticeEmail(language, clinic, t.approvedSubject(clinic), [[portalLinkLine(language, t.approved(clinic), portalLink(audience.slug, '/portal/sign-in'))]]),
      sms: t.approvedSms(clinic),
    }
    : { email: noticeEmail(language, clinic, t.rejectedSubject(clinic), [[t.rejected(clinic)]]), sms: t.rejectedSms(clinic) };
  return notifyAudience(tx, tenantId, audience, `portal-registration:${registrationId}:${decision}`, notice);
}
