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

/**
 * The frame every notice email shares: the greeting, the closing note, and the words of the
 * button into the portal (the HTML part only; the text part shows the address).
 */
export interface NoticeEmailFrame {
  greeting: string;
  automatic: (clinic: string) => string;
  portalButton: string;
}

export const noticeEmailFrame: Record<NotificationLanguage, NoticeEmailFrame> = {
  en: {
    greeting: 'Hello,',
    automatic: (clinic) => `This is an automatic message from ${clinic}.`,
    portalButton: 'Open your patient portal',
  },
  es: {
    greeting: 'Hola:',
    automatic: (clinic) => `Este es un mensaje automático de ${clinic}.`,
    portalButton: 'Abrir su portal de pacientes',
  },
};

export interface DocumentAvailableTexts {
  sms: (clinic: string) => string;
  emailSubject: (clinic: string) => string;
  /** Followed by the link to the portal's documents. */
  emailLine: (clinic: string) => string;
}

export const documentAvailableTexts: Record<NotificationLanguage, DocumentAvailableTexts> = {
  en: {
    sms: (clinic) => `A new document is available in your ${clinic} patient portal. Sign in to view it.`,
    emailSubject: (clinic) => `New document in your ${clinic} portal`,
    emailLine: (clinic) => `A new document is available in your ${clinic} patient portal. Sign in to view it:`,
  },
  es: {
    sms: (clinic) => `Hay un nuevo documento disponible en su portal de pacientes de ${clinic}. Inicie sesión para verlo.`,
    emailSubject: (clinic) => `Nuevo documento en su portal de ${clinic}`,
    emailLine: (clinic) => `Hay un nuevo documento disponible en su portal de pacientes de ${clinic}. Inicie sesión para verlo:`,
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
  confirmedEmail: (date: string, time: string, location: string) => string;
  /** Followed, on the same line, by the link to the portal's bookings. */
  confirmedAction: string;
  cancelledSms: (clinic: string, date: string, time: string, location: string) => string;
  cancelledSubject: (clinic: string) => string;
  cancelledEmail: (date: string, time: string, location: string) => string;
  cancelledAction: string;
}

export const appointmentTexts: Record<NotificationLanguage, AppointmentTexts> = {
  en: {
    locale: 'en-US',
    icsSummary: (clinic) => `Appointment at ${clinic}`,
    confirmedSms: (clinic, date, time, location) => `${clinic}: your appointment on ${date} at ${time} at ${location} is confirmed.`,
    confirmedSubject: (clinic) => `Your appointment at ${clinic} is confirmed`,
    confirmedEmail: (date, time, location) =>
      `Your appointment on ${date} at ${time} at ${location} is confirmed. The attached calendar file adds it to your calendar.`,
    confirmedAction: 'To change or cancel it, sign in to your patient portal:',
    cancelledSms: (clinic, date, time, location) => `${clinic}: your appointment on ${date} at ${time} at ${location} has been cancelled.`,
    cancelledSubject: (clinic) => `Your appointment at ${clinic} has been cancelled`,
    cancelledEmail: (date, time, location) => `Your appointment on ${date} at ${time} at ${location} has been cancelled.`,
    cancelledAction: 'To book another visit, sign in to your patient portal:',
  },
  es: {
    locale: 'es',
    icsSummary: (clinic) => `Cita en ${clinic}`,
    confirmedSms: (clinic, date, time, location) => `${clinic}: su cita del ${date} a las ${time} en ${location} está confirmada.`,
    confirmedSubject: (clinic) => `Su cita en ${clinic} está confirmada`,
    confirmedEmail: (date, time, location) =>
      `Su cita del ${date} a las ${time} en ${location} está confirmada. El archivo de calendario adjunto la añade a su calendario.`,
    confirmedAction: 'Para cambiarla o cancelarla, inicie sesión en su portal de pacientes:',
    cancelledSms: (clinic, date, time, location) => `${clinic}: su cita del ${date} a las ${time} en ${location} ha sido cancelada.`,
    cancelledSubject: (clinic) => `Su cita en ${clinic} ha sido cancelada`,
    cancelledEmail: (date, time, location) => `Su cita del ${date} a las ${time} en ${location} ha sido cancelada.`,
    cancelledAction: 'Para reservar otra visita, inicie sesión en su portal de pacientes:',
  },
};

/** "Your data export is ready" (issue 19): the clinic's name and a link to the portal page, nothing of the record. */
export interface DataExportReadyTexts {
  sms: (clinic: string, link: string) => string;
  emailSubject: (clinic: string) => string;
  /** Followed by the link to the portal's My data page. */
  emailLine: (clinic: string) => string;
}

export const dataExportReadyTexts: Record<NotificationLanguage, DataExportReadyTexts> = {
  en: {
    sms: (clinic, link) => `Your data export from ${clinic} is ready. Download it within 7 days: ${link}`,
    emailSubject: (clinic) => `Your data export from ${clinic} is ready`,
    emailLine: (clinic) => `Your data export from ${clinic} is ready. Sign in to your patient portal to download it (once, within 7 days):`,
  },
  es: {
    sms: (clinic, link) => `Su exportación de datos de ${clinic} está lista. Descárguela en un plazo de 7 días: ${link}`,
    emailSubject: (clinic) => `Su exportación de datos de ${clinic} está lista`,
    emailLine: (clinic) => `Su exportación de datos de ${clinic} está lista. Inicie sesión en su portal de pacientes para descargarla (una sola vez, en un plazo de 7 días):`,
  },
};

/**
 * A waitlist offer (issue 20): the clinic, the time, how long it is held and the link, nothing
 * else (not the service, which can reveal a condition); and, once, that the time was taken.
 */
export interface WaitlistOfferTexts {
  locale: string;
  offerSms: (clinic: string, date: string, time: string, minutes: number, link: string) => string;
  offerSubject: (clinic: string) => string;
  offerEmail: (clinic: string, date: string, time: string, minutes: number) => string;
  /** Followed by the link to the offer's page. */
  offerAction: string;
  offerButton: string;
  goneSms: (clinic: string) => string;
  goneSubject: (clinic: string) => string;
  goneEmail: (clinic: string) => string;
}

export const waitlistOfferTexts: Record<NotificationLanguage, WaitlistOfferTexts> = {
  en: {
    locale: 'en-US',
    offerSms: (clinic, date, time, minutes, link) => `${clinic}: a visit time opened up on ${date} at ${time}. It is held for you for ${minutes} minutes: ${link}`,
    offerSubject: (clinic) => `A visit time opened up at ${clinic}`,
    offerEmail: (clinic, date, time, minutes) =>
      `You are on the waiting list at ${clinic}, and a time opened up: ${date} at ${time}. It is held for you for ${minutes} minutes; after that it goes to the next person on the list.`,
    offerAction: 'To take it or say no thanks, open:',
    offerButton: 'See the time',
    goneSms: (clinic) => `${clinic}: the time we offered you has been taken. You are still on the waiting list.`,
    goneSubject: (clinic) => `The time offered by ${clinic} has been taken`,
    goneEmail: (clinic) => `The time ${clinic} offered you has been taken by someone else. You are still on the waiting list, and we will tell you when another time opens up.`,
  },
  es: {
    locale: 'es',
    offerSms: (clinic, date, time, minutes, link) => `${clinic}: se liberó un horario el ${date} a las ${time}. Lo reservamos para usted durante ${minutes} minutos: ${link}`,
    offerSubject: (clinic) => `Se liberó un horario en ${clinic}`,
    offerEmail: (clinic, date, time, minutes) =>
      `Usted está en la lista de espera de ${clinic} y se liberó un horario: el ${date} a las ${time}. Lo reservamos para usted durante ${minutes} minutos; después pasa a la siguiente persona de la lista.`,
    offerAction: 'Para aceptarlo o rechazarlo, abra:',
    offerButton: 'Ver el horario',
    goneSms: (clinic) => `${clinic}: el horario que le ofrecimos ya fue tomado. Sigue en la lista de espera.`,
    goneSubject: (clinic) => `El horario ofrecido por ${clinic} ya fue tomado`,
    goneEmail: (clinic) => `El horario que ${clinic} le ofreció ya lo tomó otra persona. Sigue en la lista de espera y le avisaremos cuando se libere otro horario.`,
  },
};
