import 'server-only';
import { defineMessages } from '../core';

/**
 * The page a visit reminder's confirm / cancel link opens (/portal/visit/[token]), signed out, in
 * the patient's language. It names when, where and with whom, never the service: a forwarded link
 * must not say why someone sees the clinic.
 */
export const visitLinks = defineMessages(
  {
    metaTitle: 'Your visit',
    title: 'Your visit at {clinic}',
    intro: 'Will you come to this visit? Let {clinic} know.',
    introCancel: 'Do you want to cancel this visit? The time will be offered to other patients.',
    when: 'When',
    where: 'Where',
    withWhom: 'With',
    zoneNamed: 'Time zone: {zone}',
    confirmButton: 'Yes, I will come',
    cancelButton: 'Cancel this visit',
    alreadyConfirmed: 'You confirmed this visit on {date}.',
    cancelUntil: 'You can cancel this visit here until {time}.',
    // The results after a button
    confirmedTitle: 'Thank you, see you on {date}',
    confirmedBody: '{clinic} knows you are coming. If your plans change, you can cancel with this link until {time}.',
    confirmedBodyNoCancel: '{clinic} knows you are coming.',
    cancelledTitle: 'Your visit is cancelled',
    cancelledBody: '{clinic} has cancelled your visit on {date}. A confirmation is on its way. To book another time, sign in to the portal or call the clinic.',
    // Why a button is not there
    reasonCancelled: 'This visit is cancelled.',
    reasonMoved: 'This visit was moved to another time. Your newest message from {clinic} has the current time.',
    reasonPast: 'This visit is in the past.',
    reasonOutsideWindow: 'Visits can be cancelled online until {hours} hours before they start, so this one can no longer be cancelled here.',
    contactPhone: 'To change or cancel it, please call {location} at {phone}.',
    contactClinic: 'To change or cancel it, please contact the clinic.',
    signInLink: 'Sign in to the portal',
    // A token that is not this clinic's, or cut short
    linkInvalidTitle: 'This link does not work',
    linkInvalidBody: 'The link is incomplete or is not from {clinic}. Copy the whole link from the reminder, or contact the clinic.',
  },
  {
    metaTitle: 'Su cita',
    title: 'Su cita en {clinic}',
    intro: '¿Vendrá a esta cita? Avísele a {clinic}.',
    introCancel: '¿Quiere cancelar esta cita? El horario se ofrecerá a otros pacientes.',
    when: 'Cuándo',
    where: 'Dónde',
    withWhom: 'Con',
    zoneNamed: 'Zona horaria: {zone}',
    confirmButton: 'Sí, iré',
    cancelButton: 'Cancelar esta cita',
    alreadyConfirmed: 'Confirmó esta cita el {date}.',
    cancelUntil: 'Puede cancelar esta cita aquí hasta el {time}.',
    confirmedTitle: 'Gracias, nos vemos el {date}',
    confirmedBody: '{clinic} sabe que usted vendrá. Si cambian sus planes, puede cancelar con este enlace hasta el {time}.',
    confirmedBodyNoCancel: '{clinic} sabe que usted vendrá.',
    cancelledTitle: 'Su cita está cancelada',
    cancelledBody: '{clinic} canceló su cita del {date}. Le enviamos una confirmación. Para reservar otro horario, inicie sesión en el portal o llame a la clínica.',
    reasonCancelled: 'Esta cita está cancelada.',
    reasonMoved: 'Esta cita se cambió a otro horario. Su mensaje más reciente de {clinic} tiene el horario actual.',
    reasonPast: 'Esta cita ya pasó.',
    reasonOutsideWindow: 'Las citas se pueden cancelar en línea hasta {hours} horas antes de que empiecen, así que esta ya no se puede cancelar aquí.',
    contactPhone: 'Para cambiarla o cancelarla, llame a {location} al {phone}.',
    contactClinic: 'Para cambiarla o cancelarla, póngase en contacto con la clínica.',
    signInLink: 'Iniciar sesión en el portal',
    linkInvalidTitle: 'Este enlace no funciona',
    linkInvalidBody: 'El enlace está incompleto o no es de {clinic}. Copie el enlace completo del recordatorio o comuníquese con la clínica.',
  },
);

export type VisitLinksMessages = typeof visitLinks.en;
