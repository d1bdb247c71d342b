import 'server-only';
import type { ChartSection } from '@/lib/patients/chart-audit';

/**
 * Which audit entries a patient sees in "Who viewed my record" (/portal/access-log), and in what
 * words. A closed list: every audit action the app writes is either mapped here (a read or a
 * change of a patient's record) or excluded with the reason; tests/unit/access-log-rules.unit.test.ts
 * reads the source tree and fails on an action that is neither, so a new read cannot go unseen.
 *
 * Who did it is a separate rule (lib/audit/access-log.ts): only staff entries are shown, never
 * the patient's own, a family member's or the system's, so mapping an action the portal also
 * writes shows only the staff's share of it.
 */

export const ACCESS_KINDS = ['view', 'download', 'print', 'change'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** What happened, as the patient reads it: a key of lib/i18n/messages/access-log.ts (`phrase_<key>`). */
export type AccessPhrase =
  // Reads
  | 'viewedChart' | 'viewedAppointments' | 'viewedAutomations' | 'viewedBilling' | 'viewedCareTeam' | 'viewedConsent'
  | 'viewedContacts' | 'viewedForms' | 'viewedMessages' | 'viewedOrders' | 'viewedTasks' | 'viewedRelationships'
  | 'viewedNotes' | 'viewedNote' | 'viewedDocuments' | 'viewedDocument' | 'downloadedDocument' | 'readConversation'
  | 'viewedAttachment' | 'downloadedAttachment' | 'viewedFormResponse' | 'viewedActivities' | 'viewedActivity'
  | 'viewedRecordChanges' | 'viewedInvoice' | 'downloadedInvoice' | 'viewedStatement' | 'printedStatement'
  | 'viewedOrder' | 'viewedTask'
  // Changes
  | 'createdRecord' | 'changedDetails' | 'changedContactDetails' | 'changedContacts' | 'changedCareTeam'
  | 'addedDocument' | 'changedDocument' | 'removedDocument' | 'addedNote' | 'changedNote' | 'removedNote'
  | 'sentMessage' | 'removedMessage' | 'startedConversation' | 'closedConversation' | 'reopenedConversation'
  | 'changedConversationVisibility' | 'assignedForm' | 'cancelledForm' | 'answeredForm' | 'reviewedForm'
  | 'askedFormCorrection' | 'acceptedRecordChange' | 'rejectedRecordChange' | 'markedActivity'
  | 'bookedVisit' | 'movedVisit' | 'cancelledVisit' | 'completedVisit' | 'missedVisit' | 'confirmedVisit'
  | 'addedToWaitlist' | 'removedFromWaitlist'
  | 'createdInvoice' | 'changedInvoice' | 'deletedInvoice' | 'sentInvoice' | 'voidedInvoice' | 'wroteOffInvoice'
  | 'adjustedBalance' | 'tookPayment' | 'chargedCard' | 'startedRefund' | 'changedCards' | 'changedCardAuthorization'
  | 'placedOrder' | 'changedOrder' | 'addedOrderNote' | 'retriedOrderPayment' | 'cancelledOrder' | 'savedShipment'
  | 'startedSubscription' | 'changedSubscription' | 'cancelledSubscription' | 'changedConsent' | 'addedTask'
  | 'changedTask' | 'createdPortalAccount' | 'unlockedPortal' | 'enabledPortal' | 'disabledPortal'
  | 'changedNotifications' | 'sentInvite' | 'revokedInvite' | 'changedProxyAccess'
  | 'viewedRegistration' | 'approvedRegistration' | 'rejectedRegistration';

export interface AccessRule {
  kind: AccessKind;
  phrase: AccessPhrase;
}

/** An action whose meaning depends on one text value of its details (`details->>key`). */
export interface AccessRuleByDetail {
  detail: string;
  cases: Readonly<Record<string, AccessRule>>;
  /** Any other value, or none. */
  otherwise: AccessRule;
}

export type AccessMapping = AccessRule | AccessRuleByDetail;

const view = (phrase: AccessPhrase): AccessRule => ({ kind: 'view', phrase });
const change = (phrase: AccessPhrase): AccessRule => ({ kind: 'change', phrase });

/** A file served inline was looked at; one saved (`attachment`) was downloaded. */
const byDisposition = (viewed: AccessPhrase, downloaded: AccessPhrase): AccessRuleByDetail => ({
  detail: 'disposition',
  cases: { inline: view(viewed) },
  otherwise: { kind: 'download', phrase: downloaded },
});

const SECTION_PHRASES: Readonly<Record<ChartSection, AccessPhrase>> = {
  appointments: 'viewedAppointments', automations: 'viewedAutomations', billing: 'viewedBilling', care_team: 'viewedCareTeam',
  consent: 'viewedConsent', contacts: 'viewedContacts', forms: 'viewedForms', messages: 'viewedMessages', orders: 'viewedOrders',
  tasks: 'viewedTasks',
};

/** Reads and changes of a patient's record, by audit action. */
export const ACCESS_LOG_ACTIONS: Readonly<Record<string, AccessMapping>> = {
  // The chart and its sections
  'patient.viewed': view('viewedChart'),
  'patient.section_viewed': {
    detail: 'section',
    cases: Object.fromEntries(Object.entries(SECTION_PHRASES).map(([section, phrase]) => [section, view(phrase)])),
    otherwise: view('viewedChart'),
  },
  'patient.relationships_viewed': view('viewedRelationships'),
  'patient.created': change('createdRecord'),
  'patient.updated': change('changedDetails'),
  'portal.contact_changed': change('changedContactDetails'),
  'patient.contact_added': change('changedContacts'),
  'patient.contact_removed': change('changedContacts'),
  'patient.assigned': change('changedCareTeam'),
  'patient.unassigned': change('changedCareTeam'),
  // Notes
  'patient_note.listed': view('viewedNotes'),
  'patient_note.viewed': view('viewedNote'),
  'patient_note.created': change('addedNote'),
  'patient_note.updated': change('changedNote'),
  'patient_note.deleted': change('removedNote'),
  // Documents
  'document.listed': view('viewedDocuments'),
  'document.downloaded': byDisposition('viewedDocument', 'downloadedDocument'),
  'document.uploaded': change('addedDocument'),
  'document.updated': change('changedDocument'),
  'document.deleted': change('removedDocument'),
  // Messages
  'message.read': view('readConversation'),
  'message.attachment_read': byDisposition('viewedAttachment', 'downloadedAttachment'),
  'message.sent': change('sentMessage'),
  'message.deleted': change('removedMessage'),
  'conversation.started': change('startedConversation'),
  'conversation.closed': change('closedConversation'),
  'conversation.reopened': change('reopenedConversation'),
  'conversation.proxy_visibility_changed': change('changedConversationVisibility'),
  // Forms and home activities
  'forms.listed': view('viewedForms'),
  'forms.response_viewed': view('viewedFormResponse'),
  'forms.activities_listed': view('viewedActivities'),
  'forms.activity_viewed': view('viewedActivity'),
  'forms.record_changes_listed': view('viewedRecordChanges'),
  'forms.assigned': change('assignedForm'),
  'forms.assignment_cancelled': change('cancelledForm'),
  'forms.response_saved': change('answeredForm'),
  'forms.response_submitted': change('answeredForm'),
  'forms.file_uploaded': change('answeredForm'),
  'forms.response_reviewed': change('reviewedForm'),
  'forms.amendment_started': change('askedFormCorrection'),
  'forms.record_change_accepted': change('acceptedRecordChange'),
  'forms.record_change_rejected': change('rejectedRecordChange'),
  'forms.activity_day_marked': change('markedActivity'),
  'forms.activity_day_unmarked': change('markedActivity'),
  // Visits
  'appointment.booked': change('bookedVisit'),
  'appointment.rescheduled': change('movedVisit'),
  'appointment.cancelled': change('cancelledVisit'),
  'appointment.completed': change('completedVisit'),
  'appointment.no_show': change('missedVisit'),
  'appointment.confirmed': change('confirmedVisit'),
  // The waitlist (staff's share: a patient's own joining and leaving are not shown)
  'waitlist.joined': change('addedToWaitlist'),
  'waitlist.removed': change('removedFromWaitlist'),
  // Billing
  'billing.invoice_viewed': view('viewedInvoice'),
  'billing.invoice_downloaded': { kind: 'download', phrase: 'downloadedInvoice' },
  'billing.statement_viewed': view('viewedStatement'),
  'billing.statement_printed': { kind: 'print', phrase: 'printedStatement' },
  'billing.invoice_created': change('createdInvoice'),
  'billing.invoice_updated': change('changedInvoice'),
  'billing.invoice_deleted': change('deletedInvoice'),
  'billing.invoice_opened': change('sentInvoice'),
  'billing.invoice_voided': change('voidedInvoice'),
  'billing.invoice_written_off': change('wroteOffInvoice'),
  'billing.adjustment_posted': change('adjustedBalance'),
  'billing.payment_started': change('tookPayment'),
  'billing.payment_recorded': change('tookPayment'),
  'billing.card_charged': change('chargedCard'),
  'billing.refund_started': change('startedRefund'),
  'billing.card_saved': change('changedCards'),
  'billing.card_removed': change('changedCards'),
  'billing.card_default_changed': change('changedCards'),
  'billing.authorization_granted': change('changedCardAuthorization'),
  'billing.authorization_revoked': change('changedCardAuthorization'),
  // Orders and subscriptions
  'commerce.order_viewed': view('viewedOrder'),
  'commerce.order_placed': change('placedOrder'),
  'commerce.order_moved': change('changedOrder'),
  'commerce.order_note_added': change('addedOrderNote'),
  'commerce.order_payment_retried': change('retriedOrderPayment'),
  'commerce.order_cancelled': change('cancelledOrder'),
  'commerce.shipment_saved': change('savedShipment'),
  'commerce.subscription_started': change('startedSubscription'),
  'commerce.subscription_changed': change('changedSubscription'),
  'commerce.subscription_cancelled': change('cancelledSubscription'),
  // Consent and tasks
  'engagement.consent_changed': change('changedConsent'),
  'engagement.task_viewed': view('viewedTask'),
  'engagement.task_created': change('addedTask'),
  'engagement.task_updated': change('changedTask'),
  // Portal access for the patient and their family
  'portal.user_created': change('createdPortalAccount'),
  'portal.unlocked': change('unlockedPortal'),
  'portal.access_enabled': change('enabledPortal'),
  'portal.access_disabled': change('disabledPortal'),
  'portal.notification_preference_changed': change('changedNotifications'),
  'invite.sent': change('sentInvite'),
  'invite.revoked': change('revokedInvite'),
  'portal.proxy_link_changed': change('changedProxyAccess'),
  'portal.proxy_teen_consent_given': change('changedProxyAccess'),
  'portal.proxy_teen_consent_withdrawn': change('changedProxyAccess'),
  'portal.proxy_adult_grant_given': change('changedProxyAccess'),
  'portal.proxy_adult_grant_withdrawn': change('changedProxyAccess'),
  // Self-registration (the record is made by the registrant; staff decide on it)
  'portal.registered': change('createdRecord'),
  'portal.registrations_listed': view('viewedRegistration'),
  'portal.registration_approved': change('approvedRegistration'),
  'portal.registration_rejected': change('rejectedRegistration'),
};

/** Actions that neither read nor change a patient's record, each with the reason. */
export const ACCESS_LOG_EXCLUDED: Readonly<Record<string, string>> = {
  'patient.searched': 'a search of the patient list, naming no one patient',
  'staff_home.overview_viewed': "the EMR overview's lists of the day's work (counts only), naming no one patient",
  'audit.exported': "the clinic's audit log exported in the CRM",
  'portal.access_log_viewed': 'the patient reading this very log',
  'portal.access_log_exported': 'the patient exporting this very log',
  'document.upload_started': 'a file on its way: the record changes when it is uploaded (document.uploaded)',
  'document.upload_failed': 'a file refused before it reached the record',
  'document.upload_abandoned': 'a file that never reached the record',
  'conversation.assigned': "the clinic routing a conversation to a colleague (its own workflow)",
  'conversation.auto_closed': 'the system closing a quiet conversation',
  'forms.response_filed': "the system filing a submitted form's PDF (the document is listed when read)",
  'forms.assignment_expired': 'the system expiring an unanswered form request',
  'billing.payment_succeeded': "the payment provider's answer to a payment listed when it was taken",
  'billing.payment_failed': "the payment provider's answer to a payment listed when it was taken",
  'billing.refund_succeeded': "the payment provider's answer to a refund listed when it was started",
  'billing.refund_failed': "the payment provider's answer to a refund listed when it was started",
  'billing.report_exported': "the clinic's billing report",
  'billing.settings_updated': "the clinic's billing settings",
  'billing.stripe_connected': "the clinic's payment account",
  'forms.draft_saved': "the clinic's form templates",
  'forms.published': "the clinic's form templates",
  'forms.archived': "the clinic's form templates",
  'forms.restored': "the clinic's form templates",
  'commerce.settings_updated': "the clinic's shop settings",
  'commerce.order_assigned': 'the clinic routing an order to a team (its own workflow)',
  'commerce.coupon_redeemed': 'part of placing an order (commerce.order_placed)',
  'commerce.requirement_completed': "an order's form or upload done (the form or document is listed)",
  'commerce.visitor_registered': 'the shop sign-up (patient.created is listed)',
  'commerce.subscription_renewed': "the system's renewal (the charge is in billing)",
  'commerce.subscription_renewal_failed': "the system's renewal (the charge is in billing)",
  'commerce.shipments_imported': 'a tracking import across orders (each shipment is its own entry)',
  'engagement.address_suppressed': "the email provider's bounce or complaint report",
  'engagement.task_assigned': "the clinic's work list: who does a task",
  'engagement.task_completed': "the clinic's work list: a task done",
  'engagement.task_reopened': "the clinic's work list: a task reopened",
  'portal.activated': "the patient's own portal sign-up",
  'portal.activation_failed': "a failed portal sign-up attempt",
  'portal.claimed': "the patient's own portal sign-up",
  'portal.account_unlinked': "a portal account's own settings",
  'portal.account_deleted': "a portal account's own settings",
  'portal.preferences_updated': "a portal account's own settings",
  'invite.accepted': "the invited person's own sign-up",
  'portal.registration_failed': 'a registration that made no record',
  'data_export.requested': "the patient's own export of their data",
  'data_export.built': "the patient's own export of their data",
  'data_export.failed': "the patient's own export of their data",
  'data_export.expired': "the patient's own export of their data",
  'data_export.downloaded': "the patient's own export of their data",
  'data_export.download_refused': "the patient's own export of their data",
  'waitlist.offer_accepted': "the patient's own answer to a waitlist offer by its link (the visit it books is appointment.booked)",
  'waitlist.offer_declined': "the patient's own answer to a waitlist offer by its link",
};

/**
 * Whole families that are never about one patient's record: sign-in and account security, the
 * clinic's configuration, the platform console, staff accounts. A new action there needs no line.
 */
export const ACCESS_LOG_EXCLUDED_PREFIXES: Readonly<Record<string, string>> = {
  'auth.': 'sign-in and account security events',
  'platform.': "the operators' console",
  'settings.': "the clinic's configuration",
  'sms.': "the clinic's SMS budget and sending limits",
  'domain.': "the clinic's addresses",
  'access_level.': "the clinic's staff roles",
  'staff.': "the clinic's staff accounts",
  'forms.template_': "the clinic's form templates",
  'engagement.automation_': "the clinic's automations",
  'engagement.campaign_': "the clinic's campaigns",
  'engagement.segment_': "the clinic's segments",
  'engagement.template_': "the clinic's message templates",
  'commerce.product_': "the clinic's catalogue",
  'commerce.coupon_': "the clinic's coupons",
};

export function isExcludedFromAccessLog(action: string): boolean {
  return Object.hasOwn(ACCESS_LOG_EXCLUDED, action) || Object.keys(ACCESS_LOG_EXCLUDED_PREFIXES).some((p) => action.startsWith(p));
}

/** The rule an entry falls under, or null when the patient is not shown it. */
export function describeAccess(action: string, details: Record<string, unknown> | null): AccessRule | null {
  if (!Object.hasOwn(ACCESS_LOG_ACTIONS, action)) return null;
  const mapping = ACCESS_LOG_ACTIONS[action]!;
  if ('kind' in mapping) return mapping;
  const value = details?.[mapping.detail];
  return (typeof value === 'string' && Object.hasOwn(mapping.cases, value) ? mapping.cases[value] : undefined) ?? mapping.otherwise;
}

/** Every (action, rule, detail condition) pair, for building the SQL of a kind filter. */
export function accessRulesByAction(): { action: string; rule: AccessRule; detail?: { key: string; equals: string } | { key: string; notIn: string[] } }[] {
  return Object.entries(ACCESS_LOG_ACTIONS).flatMap(([action, mapping]) => {
    if ('kind' in mapping) return [{ action, rule: mapping }];
    const values = Object.keys(mapping.cases);
    return [
      ...Object.entries(mapping.cases).map(([equals, rule]) => ({ action, rule, detail: { key: mapping.detail, equals } })),
      { action, rule: mapping.otherwise, detail: { key: mapping.detail, notIn: values } },
    ];
  });
}
