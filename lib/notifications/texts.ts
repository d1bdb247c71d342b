import 'server-only';
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

/**
 * Appointment confirmation and cancellation. Date, time and location only: the service name
 * ("Dermatology follow-up") can reveal a condition, so it is left out like the patient's name.
 */
export interface AppointmentTexts {
  /** Formats dates and times in this language. */
  locale: string;
  icsSummary: (clinic: string) => string;
  confirmedSms: (clinic: string, date: string, time: string, location: string) => string;
  confirmedSubject: (clinic: string) => string;
  confirmedEmail: (clinic: string, date: string, time: string, location: string, link: string) => string;
  cancelledSms: (clinic: string, date: string, time: string, location: string) => string;
  cancelledSubject: (clinic: string) => string;
  cancelledEmail: (clinic: string, date: string, time: string, location: string, link: string) => string;
}

export const appointmentTexts: Record<NotificationLanguage, AppointmentTexts> = {
  en: {
    locale: 'en-US',
    icsSummary: (clinic) => `Appointment at ${clinic}`,
    confirmedSms: (clinic, date, time, location) => `${clinic}: your appointment on ${date} at ${time} at ${location} is confirmed.`,
    confirmedSubject: (clinic) => `Your appointment at ${clinic} is confirmed`,
    confirmedEmail: (clinic, date, time, location, link) => [
      'Hello,',
      '',
      `Your appointment on ${date} at ${time} at ${location} is confirmed. The attached calendar file adds it to your calendar.`,
      `To change or cancel it, sign in to your patient portal: ${link}`,
      '',
      `This is an automatic message from ${clinic}.`,
    ].join('\n'),
    cancelledSms: (clinic, date, time, location) => `${clinic}: your appointment on ${date} at ${time} at ${location} has been cancelled.`,
    cancelledSubject: (clinic) => `Your appointment at ${clinic} has been cancelled`,
    cancelledEmail: (clinic, date, time, location, link) => [
      'Hello,',
      '',
      `Your appointment on ${date} at ${time} at ${location} has been cancelled.`,
      `To book another visit, sign in to your patient portal: ${link}`,
      '',
      `This is an automatic message from ${clinic}.`,
    ].join('\n'),
  },
  es: {
    locale: 'es',
    icsSummary: (clinic) => `Cita en ${clinic}`,
    confirmedSms: (clinic, date, time, location) => `${clinic}: su cita del ${date} a las ${time} en ${location} está confirmada.`,
    confirmedSubject: (clinic) => `Su cita en ${clinic} está confirmada`,
    confirmedEmail: (clinic, date, time, location, link) => [
      'Hola:',
      '',
      `Su cita del ${date} a las ${time} en ${location} está confirmada. El archivo de calendario adjunto la añade a su calendario.`,
      `Para cambiarla o cancelarla, inicie sesión en su portal de pacientes: ${link}`,
      '',
      `Este es un mensaje automático de ${clinic}.`,
    ].join('\n'),
    cancelledSms: (clinic, date, time, location) => `${clinic}: su cita del ${date} a las ${time} en ${location} ha sido cancelada.`,
    cancelledSubject: (clinic) => `Su cita en ${clinic} ha sido cancelada`,
    cancelledEmail: (clinic, date, time, location, link) => [
      'Hola:',
      '',
      `Su cita del ${date} a las ${time} en ${location} ha sido cancelada.`,
      `Para reservar otra visita, inicie sesión en su portal de pacientes: ${link}`,
      '',
      `Este es un mensaje automático de ${clinic}.`,
    ].join('\n'),
  },
};
