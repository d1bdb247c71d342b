import 'server-only';
import { defineMessages } from '../core';

/**
 * The refusals every action shares (lib/actions/failures.ts): the English is the staff's words
 * (STAFF_MESSAGES), a patient reads them in their language.
 */
export const failures = defineMessages(
  {
    invalid: 'Check the highlighted fields.',
    notFound: 'That item no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to do this.',
    conflict: 'Someone else changed this at the same time. Reload the page and try again.',
    taken: 'That time was just taken. Choose another time.',
    busy: 'The clinic’s system was busy and nothing was saved. Try again.',
    unavailable: 'The clinic’s system could not be reached just now. Try again in a minute.',
  },
  {
    invalid: 'Revise los campos marcados.',
    notFound: 'Ese elemento ya no existe. Vuelva a cargar la página para ver la lista actual.',
    forbidden: 'No tiene permiso para hacer esto.',
    conflict: 'Otra persona cambió esto al mismo tiempo. Vuelva a cargar la página e inténtelo de nuevo.',
    taken: 'Esa hora se acaba de reservar. Elija otra hora.',
    busy: 'El sistema de la clínica estaba ocupado y no se guardó nada. Inténtelo de nuevo.',
    unavailable: 'No se pudo conectar con el sistema de la clínica en este momento. Inténtelo de nuevo en un minuto.',
  },
);
