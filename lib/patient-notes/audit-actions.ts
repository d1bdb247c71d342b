import 'server-only';
/**
 * Audit action names for notes and the portal's relationships page. Details carry ids, counts,
 * visibilities and which fields changed; never a title or a note's text (health information).
 */
export const PatientNoteAuditActions = {
  created: 'patient_note.created',
  updated: 'patient_note.updated',
  deleted: 'patient_note.deleted',
  listed: 'patient_note.listed',
  viewed: 'patient_note.viewed',
  relationshipsViewed: 'patient.relationships_viewed',
} as const;
