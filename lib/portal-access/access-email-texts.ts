import 'server-only';
import type { NotificationLanguage } from '@/lib/notifications/texts';

/**
 * The words of the portal's access emails (the invitation and the password-reset link) per
 * language. Like every notice, they name the clinic and nothing about the patient: an email can
 * be read by others, and an invitation to a clinic is already more than some patients would share.
 */

export interface PortalInviteTexts {
  subject: (clinic: string) => string;
  invited: (clinic: string) => string;
  /** Followed by the link; says that it works once and when it expires. */
  action: (validFor: string) => string;
  button: string;
  /** Which forms is left to the portal: a form's title can be health information. */
  formsWaiting: (clinic: string, count: number) => string;
  /** Above the staff member's own message, quoted as written. */
  messageFrom: (clinic: string) => string;
  expired: string;
  unexpected: string;
}

export interface PasswordResetTexts {
  subject: (clinic: string) => string;
  requested: (clinic: string) => string;
  action: (validFor: string) => string;
  button: string;
  unexpected: string;
}

export const portalInviteTexts: Record<NotificationLanguage, PortalInviteTexts> = {
  en: {
    subject: (clinic) => `Your invitation to the ${clinic} patient portal`,
    invited: (clinic) => `You have been invited to the ${clinic} patient portal.`,
    action: (validFor) => `Open this link to set up your access. It works once and expires in ${validFor}:`,
    button: 'Set up your access',
    formsWaiting: (clinic, count) => count === 1
      ? `${clinic} has also asked you to fill in a form: you will find it in the portal after you sign in.`
      : `${clinic} has also asked you to fill in some forms: you will find them in the portal after you sign in.`,
    messageFrom: (clinic) => `A message from ${clinic}:`,
    expired: 'If the link has expired, use "Forgot password?" on the portal’s sign-in page if you already have an account, or ask the clinic for a new invitation.',
    unexpected: 'If you did not expect this email, you can ignore it.',
  },
  es: {
    subject: (clinic) => `Su invitación al portal de pacientes de ${clinic}`,
    invited: (clinic) => `Le han invitado al portal de pacientes de ${clinic}.`,
    action: (validFor) => `Abra este enlace para configurar su acceso. Funciona una sola vez y caduca en ${validFor}:`,
    button: 'Configurar mi acceso',
    formsWaiting: (clinic, count) => count === 1
      ? `${clinic} también le pide que rellene un formulario: lo encontrará en el portal después de iniciar sesión.`
      : `${clinic} también le pide que rellene unos formularios: los encontrará en el portal después de iniciar sesión.`,
    messageFrom: (clinic) => `Un mensaje de ${clinic}:`,
    expired: 'Si el enlace ha caducado, use «¿Olvidó su contraseña?» en la página de inicio de sesión del portal si ya tiene una cuenta, o pida a la clínica una nueva invitación.',
    unexpected: 'Si no esperaba este correo, puede ignorarlo.',
  },
};

export const passwordResetTexts: Record<NotificationLanguage, PasswordResetTexts> = {
  en: {
    subject: (clinic) => `Reset your ${clinic} patient portal password`,
    requested: (clinic) => `Someone asked to reset the password of your ${clinic} patient portal account.`,
    action: (validFor) => `Open this link to choose a new password. It works once and expires in ${validFor}, and we will also text a code to your phone:`,
    button: 'Choose a new password',
    unexpected: 'If you did not ask for this, you can ignore this email: your password stays the same.',
  },
  es: {
    subject: (clinic) => `Restablezca la contraseña de su portal de pacientes de ${clinic}`,
    requested: (clinic) => `Alguien ha pedido restablecer la contraseña de su cuenta del portal de pacientes de ${clinic}.`,
    action: (validFor) => `Abra este enlace para elegir una contraseña nueva. Funciona una sola vez y caduca en ${validFor}; también le enviaremos un código por SMS a su teléfono:`,
    button: 'Elegir una contraseña nueva',
    unexpected: 'Si no lo ha pedido usted, puede ignorar este correo: su contraseña no cambia.',
  },
};

/**
 * How long a link stays valid, in words ("24 hours", "1 hora", "30 minutes"), from the policy's
 * seconds, so the email says what the token's expiry really is.
 */
export function validForWords(language: NotificationLanguage, seconds: number): string {
  const hours = seconds / 3600;
  if (Number.isInteger(hours)) {
    if (language === 'es') return `${hours} ${hours === 1 ? 'hora' : 'horas'}`;
    return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  }
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (language === 'es') return `${minutes} ${minutes === 1 ? 'minuto' : 'minutos'}`;
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
