/**
 * Notification texts per language. They name the clinic and nothing else: an SMS or email can
 * be read by others, so no health information, document title or patient name goes in.
 * A new kind of notification adds its texts here; a new language adds an entry to every kind.
 */

export const notificationLanguages = ['en', 'es'] as const;
export type NotificationLanguage = (typeof notificationLanguages)[number];

/**
 * The first candidate we have texts for, compared on the primary subtag ('es-MX' → 'es'):
 * typically the patient's preferred language, then the clinic's default, then English.
 */
export function pickNotificationLanguage(...candidates: (string | null | undefined)[]): NotificationLanguage {
  for (const candidate of candidates) {
    const primary = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    const match = notificationLanguages.find((language) => language === primary);
    if (match) return match;
  }
  return 'en';
}

export interface DocumentAvailableTexts {
  sms: (clinic: string) => string;
  emailSubject: (clinic: string) => string;
  emailText: (clinic: string, link: string) => string;
}

export const documentAvailableTexts: Record<NotificationLanguage, DocumentAvailableTexts> = {
  en: {
    sms: (clinic) => `A new document is available in your ${clinic} patient portal. Sign in to view it.`,
    emailSubject: (clinic) => `New document in your ${clinic} portal`,
    emailText: (clinic, link) => [
      'Hello,',
      '',
      `A new document is available in your ${clinic} patient portal. Sign in to view it:`,
      link,
      '',
      `This is an automatic message from ${clinic}.`,
    ].join('\n'),
  },
  es: {
    sms: (clinic) => `Hay un nuevo documento disponible en su portal de pacientes de ${clinic}. Inicie sesión para verlo.`,
    emailSubject: (clinic) => `Nuevo documento en su portal de ${clinic}`,
    emailText: (clinic, link) => [
      'Hola:',
      '',
      `Hay un nuevo documento disponible en su portal de pacientes de ${clinic}. Inicie sesión para verlo:`,
      link,
      '',
      `Este es un mensaje automático de ${clinic}.`,
    ].join('\n'),
  },
};
