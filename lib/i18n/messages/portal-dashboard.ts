import 'server-only';
import { defineMessages } from '../core';

/** The portal's home page. */
export const portalDashboard = defineMessages(
  {
    title: 'Home',
    hello: 'Hello, {name}',
    actingAs: 'You are acting as {relationship} of {name}.',
    upcomingHeading: 'Upcoming visits',
    pastVisits: 'Past visits',
    noUpcoming: 'No upcoming visits.',
    documentsHeading: 'New documents',
    allDocuments: 'All documents',
    noNewDocuments: 'No new documents in the last {days} days.',
    earlierDocuments: 'Earlier documents are under {link}.',
    earlierDocumentsLink: 'Documents',
    documentLine: '{type} · Examination {date}',
  },
  {
    title: 'Inicio',
    hello: 'Hola, {name}',
    actingAs: 'Está actuando como {relationship} de {name}.',
    upcomingHeading: 'Próximas visitas',
    pastVisits: 'Visitas anteriores',
    noUpcoming: 'No tiene visitas próximas.',
    documentsHeading: 'Documentos nuevos',
    allDocuments: 'Todos los documentos',
    noNewDocuments: 'No hay documentos nuevos en los últimos {days} días.',
    earlierDocuments: 'Los documentos anteriores están en {link}.',
    earlierDocumentsLink: 'Documentos',
    documentLine: '{type} · Examen del {date}',
  },
);
