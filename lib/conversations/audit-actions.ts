import 'server-only';
/** Audit action names for messaging; details carry ids only, never a subject or body. */
export const MessagingAuditActions = {
  messageSent: 'message.sent',
  messageRead: 'message.read',
  messageDeleted: 'message.deleted',
  conversationStarted: 'conversation.started',
  conversationAssigned: 'conversation.assigned',
  conversationClosed: 'conversation.closed',
  conversationReopened: 'conversation.reopened',
  conversationAutoClosed: 'conversation.auto_closed',
  proxyVisibilityChanged: 'conversation.proxy_visibility_changed',
  patientAssigned: 'patient.assigned',
  patientUnassigned: 'patient.unassigned',
  attachmentRead: 'message.attachment_read',
} as const;
