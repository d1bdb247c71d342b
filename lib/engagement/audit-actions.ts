import 'server-only';
/**
 * Audit action names for engagement (issue 18). Details carry ids, statuses, dates and the names
 * of the fields that changed; never a task's title or details, a message's text or a template's
 * words (staff may write a diagnosis into any of them).
 * Shared by the engagement modules: add a line in your own section.
 */
export const EngagementAuditActions = {
  // Tasks (EMR /emr/tasks, and tasks made by automations)
  taskCreated: 'engagement.task_created',
  taskViewed: 'engagement.task_viewed',
  taskUpdated: 'engagement.task_updated',
  taskAssigned: 'engagement.task_assigned',
  taskCompleted: 'engagement.task_completed',
  taskReopened: 'engagement.task_reopened',
  // Consent and suppression (the chart's consent panel, the portal's settings, the unsubscribe
  // link, SMS keywords): details name the channel, purpose, answer and source, never an address.
  consentChanged: 'engagement.consent_changed',
  // Message templates (CRM /crm/templates): details name the channel, purpose, languages and the
  // fields that changed, never the words.
  templateCreated: 'engagement.template_created',
  templateUpdated: 'engagement.template_updated',
  templateArchived: 'engagement.template_archived',
  templateRestored: 'engagement.template_restored',
  // Segments (CRM /crm/segments): details name the condition kinds and what changed, never the
  // segment's name or description (typed by staff) or any patient.
  segmentCreated: 'engagement.segment_created',
  segmentUpdated: 'engagement.segment_updated',
  segmentArchived: 'engagement.segment_archived',
  segmentRestored: 'engagement.segment_restored',
  // Automations (CRM /crm/automations): details name the trigger, status and version, never the words of a step.
  automationCreated: 'engagement.automation_created',
  automationUpdated: 'engagement.automation_updated',
  automationStatusChanged: 'engagement.automation_status_changed',
} as const;

export type EngagementAuditAction = (typeof EngagementAuditActions)[keyof typeof EngagementAuditActions];
