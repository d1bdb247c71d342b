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
  // The email provider's reports (Resend webhooks): a hard bounce or a complaint put an address on
  // the clinic's suppression list. Details name the channel and reason; the target is the message.
  addressSuppressed: 'engagement.address_suppressed',
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
  // Campaigns (CRM /crm/campaigns): details name the channel, template, segment and status, never the words sent.
  campaignCreated: 'engagement.campaign_created',
  campaignUpdated: 'engagement.campaign_updated',
  campaignScheduled: 'engagement.campaign_scheduled',
  campaignCancelled: 'engagement.campaign_cancelled',
} as const;

export type EngagementAuditAction = (typeof EngagementAuditActions)[keyof typeof EngagementAuditActions];
