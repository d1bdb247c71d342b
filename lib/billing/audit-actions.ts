import 'server-only';
/**
 * Audit action names for billing. Details carry ids, numbers, amounts, statuses and methods;
 * never a line's description or a note (they may name a treatment).
 */
export const BillingAuditActions = {
  settingsUpdated: 'billing.settings_updated',
  invoiceCreated: 'billing.invoice_created',
  invoiceUpdated: 'billing.invoice_updated',
  invoiceDeleted: 'billing.invoice_deleted',
  invoiceOpened: 'billing.invoice_opened',
  invoiceVoided: 'billing.invoice_voided',
  invoiceWrittenOff: 'billing.invoice_written_off',
  invoiceViewed: 'billing.invoice_viewed',
  /** Staff downloaded an invoice's PDF. */
  invoiceDownloaded: 'billing.invoice_downloaded',
  adjustmentPosted: 'billing.adjustment_posted',
  paymentStarted: 'billing.payment_started',
  paymentSucceeded: 'billing.payment_succeeded',
  paymentFailed: 'billing.payment_failed',
  paymentRecorded: 'billing.payment_recorded',
  cardCharged: 'billing.card_charged',
  refundStarted: 'billing.refund_started',
  refundSucceeded: 'billing.refund_succeeded',
  refundFailed: 'billing.refund_failed',
  cardSaved: 'billing.card_saved',
  cardRemoved: 'billing.card_removed',
  cardDefaultChanged: 'billing.card_default_changed',
  authorizationGranted: 'billing.authorization_granted',
  authorizationRevoked: 'billing.authorization_revoked',
  statementViewed: 'billing.statement_viewed',
  /** Staff opened the print dialog on a patient's statement (the page's beforeprint). */
  statementPrinted: 'billing.statement_printed',
  reportExported: 'billing.report_exported',
  stripeConnected: 'billing.stripe_connected',
} as const;
