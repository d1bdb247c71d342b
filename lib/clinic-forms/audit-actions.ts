import 'server-only';

/** Audit action names for forms (`domain.verb`, as lib/audit/actions.ts). */
export const FormsAuditActions = {
  templateCreated: 'forms.template_created',
  templateImported: 'forms.template_imported',
  draftSaved: 'forms.draft_saved',
  published: 'forms.published',
  archived: 'forms.archived',
  restored: 'forms.restored',
  assigned: 'forms.assigned',
  assignmentCancelled: 'forms.assignment_cancelled',
  responseSubmitted: 'forms.response_submitted',
  responseViewed: 'forms.response_viewed',
  responseReviewed: 'forms.response_reviewed',
  amendmentStarted: 'forms.amendment_started',
  recordChangeAccepted: 'forms.record_change_accepted',
  recordChangeRejected: 'forms.record_change_rejected',
} as const;
