import 'server-only';
import { defineMessages } from '../core';

/** The past visits page. */
export const portalHistory = defineMessages(
  {
    title: 'History',
    heading: 'History',
    intro: 'Past and cancelled visits, most recent first.',
    noPast: 'No past visits.',
    noMore: 'No more visits.',
    pagerLabel: 'History pages',
    movedTo: 'Moved to {time}',
    cancelReason: 'Reason: {reason}',
  },
  {
    title: 'Historial',
    heading: 'Historial',
    intro: 'Visitas pasadas y canceladas, de la más reciente a la más antigua.',
    noPast: 'No tiene visitas anteriores.',
    noMore: 'No hay más visitas.',
    pagerLabel: 'Páginas del historial',
    movedTo: 'Nueva fecha: {time}',
    cancelReason: 'Motivo: {reason}',
  },
);

export type PortalHistoryMessages = (typeof portalHistory)['en'];
