import 'server-only';
import { defineMessages } from '../core';

/**
 * The page a waitlist offer's link opens (/portal/waitlist/offers/[token]), signed out, in the
 * patient's language. It names when, where and with whom and how long the time is held, never
 * the service: a forwarded link must not say why someone sees the clinic.
 */
export const waitlistOfferLink = defineMessages(
  {
    metaTitle: 'A time for you',
    title: 'A time opened up at {clinic}',
    intro: 'You are on the waiting list, and this time is free. It is held for you until {time}; after that it goes to the next person.',
    when: 'When',
    where: 'Where',
    withWhom: 'With',
    zoneNamed: 'Time zone: {zone}',
    yourTime: 'In your time zone: {time}',
    acceptButton: 'Book this time',
    declineButton: 'No thanks',
    declineHint: 'Saying no thanks keeps you on the waiting list for other times.',
    // The results after a button
    acceptedTitle: 'Your visit is booked',
    acceptedBody: '{clinic} has booked this time for you. A confirmation is on its way.',
    declinedTitle: 'Thank you for letting us know',
    declinedBody: 'The time goes to the next person on the list. You stay on the waiting list, and {clinic} will tell you when another time opens up.',
    // Why the buttons are not there
    expiredTitle: 'This offer has ended',
    expiredBody: 'The time was held for you until {time}. You are still on the waiting list, and {clinic} will tell you when another time opens up.',
    goneTitle: 'This time has been taken',
    goneBody: 'Someone else booked this time first. You are still on the waiting list, and {clinic} will tell you when another time opens up.',
    usedTitle: 'You already answered this offer',
    usedAccepted: 'You booked this time. You can see it in the portal under Bookings.',
    usedDeclined: 'You said no thanks to this time. You are still on the waiting list.',
    closedTitle: 'You are no longer on the waiting list',
    closedBody: 'This offer can no longer be taken. To book a visit, sign in to the portal or call the clinic.',
    signInLink: 'Sign in to the portal',
    // A token that is not this clinic's, or cut short
    linkInvalidTitle: 'This link does not work',
    linkInvalidBody: 'The link is incomplete or is not from {clinic}. Copy the whole link from the message, or contact the clinic.',
  },
  {
    metaTitle: 'Un horario para usted',
    title: 'Se liberó un horario en {clinic}',
    intro: 'Usted está en la lista de espera y este horario está libre. Lo reservamos para usted hasta el {time}; después pasa a la siguiente persona.',
    when: 'Cuándo',
    where: 'Dónde',
    withWhom: 'Con',
    zoneNamed: 'Zona horaria: {zone}',
    yourTime: 'En su zona horaria: {time}',
    acceptButton: 'Reservar este horario',
    declineButton: 'No, gracias',
    declineHint: 'Si dice que no, sigue en la lista de espera para otros horarios.',
    acceptedTitle: 'Su cita está reservada',
    acceptedBody: '{clinic} reservó este horario para usted. Le enviamos una confirmación.',
    declinedTitle: 'Gracias por avisarnos',
    declinedBody: 'El horario pasa a la siguiente persona de la lista. Usted sigue en la lista de espera y {clinic} le avisará cuando se libere otro horario.',
    expiredTitle: 'Esta oferta terminó',
    expiredBody: 'Reservamos el horario para usted hasta el {time}. Sigue en la lista de espera y {clinic} le avisará cuando se libere otro horario.',
    goneTitle: 'Este horario ya fue tomado',
    goneBody: 'Otra persona reservó este horario primero. Sigue en la lista de espera y {clinic} le avisará cuando se libere otro horario.',
    usedTitle: 'Ya respondió a esta oferta',
    usedAccepted: 'Usted reservó este horario. Puede verlo en el portal, en Citas.',
    usedDeclined: 'Usted rechazó este horario. Sigue en la lista de espera.',
    closedTitle: 'Ya no está en la lista de espera',
    closedBody: 'Esta oferta ya no se puede aceptar. Para reservar una cita, inicie sesión en el portal o llame a la clínica.',
    signInLink: 'Iniciar sesión en el portal',
    linkInvalidTitle: 'Este enlace no funciona',
    linkInvalidBody: 'El enlace está incompleto o no es de {clinic}. Copie el enlace completo del mensaje o comuníquese con la clínica.',
  },
);

export type WaitlistOfferLinkMessages = typeof waitlistOfferLink.en;
