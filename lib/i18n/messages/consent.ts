import { defineMessages } from '../core';

/**
 * Consent to be contacted (issue 18): the "Messages from the clinic" section of /portal/settings,
 * and the public unsubscribe page an email's link opens (/portal/unsubscribe/[token]).
 */
export const consent = defineMessages(
  {
    // Portal settings
    messagesHeading: 'Messages from the clinic',
    messagesIntro: 'Choose whether {clinic} may send news and offers. Messages about your care (appointment reminders, sign-in codes, new documents) are sent either way; to stop those, ask the clinic.',
    marketingEmail: 'News and offers by email',
    marketingSms: 'News and offers by text message',
    noEmailOnFile: 'No email address on file.',
    noPhoneOnFile: 'No mobile number on file.',
    emailUnsubscribed: 'This address was unsubscribed with an email’s link. Ticking the box subscribes it again.',
    smsStopped: 'You replied STOP to the clinic’s texts. Reply START to a text from the clinic to get texts again.',
    addressBlocked: 'The clinic cannot deliver to this address. Ask the clinic to check it.',
    lastChanged: 'Last changed {date}.',
    saveMessages: 'Save message choices',
    savingMessages: 'Saving…',
    messagesSaved: 'Your message choices are saved.',
    forPatient: 'For {name}',
    errGeneric: 'Your choices could not be saved. Try again.',
    // The unsubscribe page
    metaUnsubscribe: 'Unsubscribe',
    unsubscribeTitle: 'Unsubscribe from {clinic}',
    unsubscribeBody: 'Stop news and offers from {clinic} to {address}. You will still get messages about your care, such as appointment reminders.',
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribedBody: '{clinic} will send no more news or offers to {address}. Messages about your care still arrive. To subscribe again, sign in to the portal and open Settings.',
    alreadyUnsubscribedBody: '{address} is already unsubscribed from news and offers by {clinic}. You can unsubscribe again; nothing else changes.',
    linkInvalidTitle: 'This link does not work',
    linkInvalidBody: 'The unsubscribe link is incomplete or is not from {clinic}. Copy the whole link from the email, or contact the clinic.',
  },
  {
    messagesHeading: 'Mensajes de la clínica',
    messagesIntro: 'Elija si {clinic} puede enviarle novedades y ofertas. Los mensajes sobre su atención (recordatorios de citas, códigos de acceso, documentos nuevos) se envían de todos modos; para dejar de recibirlos, pídaselo a la clínica.',
    marketingEmail: 'Novedades y ofertas por correo electrónico',
    marketingSms: 'Novedades y ofertas por mensaje de texto',
    noEmailOnFile: 'No hay un correo electrónico registrado.',
    noPhoneOnFile: 'No hay un número de celular registrado.',
    emailUnsubscribed: 'Esta dirección se dio de baja con el enlace de un correo. Si marca la casilla, se suscribe de nuevo.',
    smsStopped: 'Respondió STOP a los mensajes de la clínica. Responda START a un mensaje de la clínica para volver a recibirlos.',
    addressBlocked: 'La clínica no puede enviar mensajes a esta dirección. Pida a la clínica que la revise.',
    lastChanged: 'Último cambio: {date}.',
    saveMessages: 'Guardar opciones de mensajes',
    savingMessages: 'Guardando…',
    messagesSaved: 'Sus opciones de mensajes están guardadas.',
    forPatient: 'Para {name}',
    errGeneric: 'No se pudieron guardar sus opciones de mensajes. Inténtelo de nuevo.',
    metaUnsubscribe: 'Darse de baja',
    unsubscribeTitle: 'Darse de baja de {clinic}',
    unsubscribeBody: 'Deje de recibir novedades y ofertas de {clinic} en {address}. Seguirá recibiendo mensajes sobre su atención, como los recordatorios de citas.',
    unsubscribeButton: 'Darse de baja',
    unsubscribedTitle: 'Se ha dado de baja',
    unsubscribedBody: '{clinic} no enviará más novedades ni ofertas a {address}. Los mensajes sobre su atención siguen llegando. Para suscribirse de nuevo, inicie sesión en el portal y abra Configuración.',
    alreadyUnsubscribedBody: '{address} ya está dada de baja de las novedades y ofertas de {clinic}. Puede darse de baja de nuevo; no cambia nada más.',
    linkInvalidTitle: 'Este enlace no funciona',
    linkInvalidBody: 'El enlace para darse de baja está incompleto o no es de {clinic}. Copie el enlace completo del correo o comuníquese con la clínica.',
  },
);
export type ConsentMessages = (typeof consent)['en'];
