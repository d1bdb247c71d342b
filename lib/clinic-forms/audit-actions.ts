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
  assignmentExpired: 'forms.assignment_expired',
  listed: 'forms.listed',
  responseSaved: 'forms.response_saved',
  fileUploaded: 'forms.file_uploaded',
  responseSubmitted: 'forms.response_submitted',
  responseFiled: 'forms.response_filed',
  responseViewed: 'forms.response_viewed',
  /** Staff opened Forms → To review: one entry per patient whose proposed changes were shown. */
  recordChangesListed: 'forms.record_changes_listed',
  responseReviewed: 'forms.response_reviewed',
  amendmentStarted: 'forms.amendment_started',
  recordChangeAccepted: 'forms.record_change_accepted',
  recordChangeRejected: 'forms.record_change_rejected',
  activitiesListed: 'forms.activities_listed',
  activityViewed: 'forms.activity_viewed',
  activityDayMarked: 'forms.activity_day_marked',
  activityDayUnmarked: 'forms.activity_day_unmarked',
} as const;
