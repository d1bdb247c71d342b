import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { portalAccounts } from './identity';
import { locations } from './locations';
import { patients } from './patients';
import { appointments, services } from './scheduling';
import { staffUsers } from './staff';
import { tenants } from './tenants';

// Billing (issue 16). Amounts are integer minor units of the clinic's currency (cents for USD).
// Every movement of money is a row of ledger_entries, which is append-only: a patient's balance
// and an invoice's amount due are sums of it, never stored numbers that could drift.

export const paymentGateways = ['test', 'stripe'] as const;
export type PaymentGatewayKind = (typeof paymentGateways)[number];

/** A clinic's billing options (CRM → Billing). One row per clinic, made on first save. */
export const billingSettings = pgTable(
  'billing_settings',
  {
    tenantId: uuid('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
    paymentsEnabled: boolean('payments_enabled').notNull().default(false),
    // Seed 003: a clinic can turn the balance and invoices off in the portal.
    portalBillingVisible: boolean('portal_billing_visible').notNull().default(true),
    currency: text('currency').notNull().default('USD'),
    invoiceFooter: text('invoice_footer'),
    taxId: text('tax_id'),
    // Basis points (825 = 8.25 %), the rate a new invoice line starts with.
    defaultTaxRateBp: integer('default_tax_rate_bp').notNull().default(0),
    paymentDueDays: integer('payment_due_days').notNull().default(30),
    gateway: text('gateway', { enum: paymentGateways }).notNull().default('test'),
    // Stripe Connect: the clinic's own account (the clinic is the merchant).
    stripeAccountId: text('stripe_account_id'),
    stripeChargesEnabled: boolean('stripe_charges_enabled').notNull().default(false),
    // Invoice numbers are per clinic and never reused: taken from here under the row's lock.
    nextInvoiceNumber: integer('next_invoice_number').notNull().default(1),
    nextReceiptNumber: integer('next_receipt_number').notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Webhooks name the connected account; one clinic per account is checked when connecting
    // (a unique index without tenant_id could not hold once clinics are spread over nodes).
    index('billing_settings_stripe_account_idx').on(t.stripeAccountId),
    check('billing_settings_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('billing_settings_tax_rate', sql`${t.defaultTaxRateBp} between 0 and 10000`),
    check('billing_settings_due_days', sql`${t.paymentDueDays} between 0 and 365`),
    check('billing_settings_numbers', sql`${t.nextInvoiceNumber} > 0 and ${t.nextReceiptNumber} > 0`),
  ],
);
export type BillingSettings = typeof billingSettings.$inferSelect;

export const invoiceStatuses = ['draft', 'open', 'partially_paid', 'paid', 'void', 'uncollectible'] as const;
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/**
 * An invoice. Lines and totals change only while it is a draft; opening it numbers it and posts
 * its total to the ledger as a charge. `status` after that follows the ledger (lib/billing).
 */
export const invoices = clinicTable(
  'invoices',
  {
    patientId: uuid('patient_id').notNull(),
    // Null while a draft: numbered when opened, so drafts thrown away leave no gaps.
    number: integer('number'),
    status: text('status', { enum: invoiceStatuses }).notNull().default('draft'),
    currency: text('currency').notNull(),
    // Calendar days in the clinic's time zone.
    issueDate: date('issue_date'),
    dueDate: date('due_date'),
    // Made from a completed visit (once per visit) or for a missed one (a no-show fee).
    appointmentId: uuid('appointment_id'),
    locationId: uuid('location_id'),
    subtotal: integer('subtotal').notNull().default(0),
    discountTotal: integer('discount_total').notNull().default(0),
    taxTotal: integer('tax_total').notNull().default(0),
    total: integer('total').notNull().default(0),
    note: text('note'),
    voidReason: text('void_reason'),
    createdById: uuid('created_by_id'),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('invoices_patient_fk', t.tenantId, t.patientId, patients).onDelete('restrict'),
    sameClinicReference('invoices_appointment_fk', t.tenantId, t.appointmentId, appointments),
    sameClinicReference('invoices_location_fk', t.tenantId, t.locationId, locations),
    // One invoice per visit (a void one does not count: the visit can be invoiced again).
    uniqueIndex('invoices_appointment_key').on(t.tenantId, t.appointmentId).where(sql`${t.appointmentId} is not null and ${t.status} <> 'void'`),
    uniqueIndex('invoices_number_key').on(t.tenantId, t.number),
    index('invoices_patient_idx').on(t.tenantId, t.patientId, t.createdAt),
    // The portal's list reads a patient's unsettled invoices first (lib/billing/invoice-reads.ts):
    // a handful, however many the patient has paid.
    index('invoices_patient_unsettled_idx').on(t.tenantId, t.patientId, t.createdAt).where(sql`${t.status} in ('open', 'partially_paid')`),
    index('invoices_status_idx').on(t.tenantId, t.status, t.dueDate),
    check('invoices_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('invoices_totals', sql`${t.subtotal} >= 0 and ${t.discountTotal} >= 0 and ${t.taxTotal} >= 0 and ${t.total} >= 0 and ${t.total} = ${t.subtotal} - ${t.discountTotal} + ${t.taxTotal}`),
    check('invoices_numbered', sql`(${t.status} = 'draft') = (${t.number} is null)`),
  ],
);
export type Invoice = typeof invoices.$inferSelect;

export const invoiceLineKinds = ['service', 'product', 'no_show_fee', 'other'] as const;
export type InvoiceLineKind = (typeof invoiceLineKinds)[number];

export const invoiceLines = clinicDetailTable(
  'invoice_lines',
  {
    invoiceId: uuid('invoice_id').notNull(),
    position: integer('position').notNull(),
    kind: text('kind', { enum: invoiceLineKinds }).notNull(),
    serviceId: uuid('service_id'),
    description: text('description').notNull(),
    quantity: integer('quantity').notNull(),
    unitAmount: integer('unit_amount').notNull(),
    discountAmount: integer('discount_amount').notNull().default(0),
    taxRateBp: integer('tax_rate_bp').notNull().default(0),
    // Computed by lib/billing/money.ts when the line is saved.
    subtotal: integer('subtotal').notNull(),
    taxAmount: integer('tax_amount').notNull(),
    total: integer('total').notNull(),
  },
  (t) => [
    sameClinicReference('invoice_lines_invoice_fk', t.tenantId, t.invoiceId, invoices).onDelete('cascade'),
    sameClinicReference('invoice_lines_service_fk', t.tenantId, t.serviceId, services),
    uniqueIndex('invoice_lines_position_key').on(t.tenantId, t.invoiceId, t.position),
    check('invoice_lines_amounts', sql`${t.quantity} between 1 and 10000 and ${t.unitAmount} >= 0 and ${t.discountAmount} >= 0 and ${t.discountAmount} <= ${t.subtotal} and ${t.taxAmount} >= 0`),
    check('invoice_lines_tax_rate', sql`${t.taxRateBp} between 0 and 10000`),
    check('invoice_lines_description', sql`char_length(${t.description}) between 1 and 200`),
  ],
);
export type InvoiceLine = typeof invoiceLines.$inferSelect;

export const paymentMethods = ['card_online', 'card_on_file', 'cash', 'card_terminal', 'check'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];
export const paymentStatuses = ['pending', 'requires_action', 'succeeded', 'failed', 'canceled'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];
export const chargePurposes = ['invoices', 'no_show_fees', 'subscriptions'] as const;
export type ChargePurpose = (typeof chargePurposes)[number];

/**
 * A payment: taken at the desk (succeeded when recorded) or through the gateway. A gateway
 * payment is written as `pending` with its idempotency key before the provider is first called,
 * so a retry, a second click or the reconciliation job repeats the same call, never a new one.
 * While pending or requiring action its allocations hold the invoices' amounts (no overpaying).
 */
export const payments = clinicTable(
  'payments',
  {
    patientId: uuid('patient_id').notNull(),
    method: text('method', { enum: paymentMethods }).notNull(),
    purpose: text('purpose', { enum: chargePurposes }).notNull().default('invoices'),
    status: text('status', { enum: paymentStatuses }).notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    gateway: text('gateway', { enum: paymentGateways }),
    gatewayPaymentRef: text('gateway_payment_ref'),
    // What was charged at the gateway (a Stripe PaymentMethod id, a test token, a saved card's
    // method): kept so a retry after a crash repeats the very same request under the same key.
    gatewaySourceRef: text('gateway_source_ref'),
    savedCardId: uuid('saved_card_id'),
    cardBrand: text('card_brand'),
    cardLast4: text('card_last4'),
    // Plain words for the person (lib/billing/decline-messages.ts) and the provider's code.
    failureCode: text('failure_code'),
    failureMessage: text('failure_message'),
    // Who took it: a portal account (online) or a staff member (desk, card on file).
    accountId: uuid('account_id'),
    staffId: uuid('staff_id'),
    locationId: uuid('location_id'),
    // A check number or a terminal's slip number.
    reference: text('reference'),
    receiptNumber: integer('receipt_number'),
    succeededAt: timestamp('succeeded_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('payments_patient_fk', t.tenantId, t.patientId, patients).onDelete('restrict'),
    sameClinicReference('payments_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('set null'),
    sameClinicReference('payments_staff_fk', t.tenantId, t.staffId, staffUsers),
    sameClinicReference('payments_location_fk', t.tenantId, t.locationId, locations),
    uniqueIndex('payments_idempotency_key').on(t.tenantId, t.idempotencyKey),
    uniqueIndex('payments_gateway_ref_key').on(t.tenantId, t.gateway, t.gatewayPaymentRef),
    uniqueIndex('payments_receipt_number_key').on(t.tenantId, t.receiptNumber),
    index('payments_patient_idx').on(t.tenantId, t.patientId, t.createdAt),
    index('payments_day_idx').on(t.tenantId, t.succeededAt),
    index('payments_unsettled_idx').on(t.tenantId, t.status, t.createdAt).where(sql`${t.status} in ('pending', 'requires_action')`),
    check('payments_amount_positive', sql`${t.amount} > 0`),
    check('payments_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('payments_gateway_method', sql`(${t.gateway} is null) = (${t.method} in ('cash', 'card_terminal', 'check'))`),
    check('payments_succeeded_at', sql`(${t.status} = 'succeeded') = (${t.succeededAt} is not null)`),
  ],
);
export type Payment = typeof payments.$inferSelect;

/** Which invoices a payment pays, and how much of each. Written with the payment, never changed. */
export const paymentAllocations = pgTable(
  'payment_allocations',
  {
    tenantId: uuid('tenant_id').notNull(),
    paymentId: uuid('payment_id').notNull(),
    invoiceId: uuid('invoice_id').notNull(),
    amount: integer('amount').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.paymentId, t.invoiceId] }),
    sameClinicReference('payment_allocations_payment_fk', t.tenantId, t.paymentId, payments).onDelete('cascade'),
    sameClinicReference('payment_allocations_invoice_fk', t.tenantId, t.invoiceId, invoices),
    index('payment_allocations_invoice_idx').on(t.tenantId, t.invoiceId),
    check('payment_allocations_positive', sql`${t.amount} > 0`),
  ],
);

export const refundStatuses = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

/** Money given back from a payment. Pending refunds count against what may still be refunded. */
export const refunds = clinicTable(
  'refunds',
  {
    paymentId: uuid('payment_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    amount: integer('amount').notNull(),
    status: text('status', { enum: refundStatuses }).notNull(),
    reason: text('reason').notNull(),
    // Also lower what the patient owes by the refund (a credit), or not (they owe it again).
    creditInvoice: boolean('credit_invoice').notNull().default(true),
    idempotencyKey: text('idempotency_key').notNull(),
    gatewayRefundRef: text('gateway_refund_ref'),
    failureMessage: text('failure_message'),
    staffId: uuid('staff_id'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('refunds_payment_fk', t.tenantId, t.paymentId, payments),
    sameClinicReference('refunds_patient_fk', t.tenantId, t.patientId, patients).onDelete('restrict'),
    sameClinicReference('refunds_staff_fk', t.tenantId, t.staffId, staffUsers),
    uniqueIndex('refunds_idempotency_key').on(t.tenantId, t.idempotencyKey),
    index('refunds_payment_idx').on(t.tenantId, t.paymentId),
    check('refunds_amount_positive', sql`${t.amount} > 0`),
    check('refunds_reason_length', sql`char_length(${t.reason}) between 1 and 500`),
  ],
);
export type Refund = typeof refunds.$inferSelect;

export const ledgerKinds = ['charge', 'payment', 'refund', 'adjustment', 'write_off', 'void'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

/**
 * The ledger. `amount` is signed as the patient sees it: a charge or a refund raises what they
 * owe, a payment, credit, write-off or void lowers it. Append-only (migration 0017); the unique
 * indexes make posting the same event twice (a webhook replayed, two runners) a no-op.
 */
export const ledgerEntries = clinicTable(
  'ledger_entries',
  {
    patientId: uuid('patient_id').notNull(),
    kind: text('kind', { enum: ledgerKinds }).notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    invoiceId: uuid('invoice_id'),
    paymentId: uuid('payment_id'),
    refundId: uuid('refund_id'),
    memo: text('memo'),
    actorKind: text('actor_kind', { enum: ['staff', 'patient', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('ledger_entries_patient_fk', t.tenantId, t.patientId, patients).onDelete('restrict'),
    sameClinicReference('ledger_entries_invoice_fk', t.tenantId, t.invoiceId, invoices),
    sameClinicReference('ledger_entries_payment_fk', t.tenantId, t.paymentId, payments),
    sameClinicReference('ledger_entries_refund_fk', t.tenantId, t.refundId, refunds),
    index('ledger_entries_patient_idx').on(t.tenantId, t.patientId, t.occurredAt),
    index('ledger_entries_invoice_idx').on(t.tenantId, t.invoiceId),
    uniqueIndex('ledger_entries_charge_once').on(t.tenantId, t.invoiceId).where(sql`${t.kind} = 'charge'`),
    uniqueIndex('ledger_entries_closing_once').on(t.tenantId, t.invoiceId).where(sql`${t.kind} in ('void', 'write_off')`),
    uniqueIndex('ledger_entries_payment_once').on(t.tenantId, t.paymentId, t.invoiceId).where(sql`${t.kind} = 'payment'`),
    uniqueIndex('ledger_entries_refund_once').on(t.tenantId, t.refundId, t.invoiceId, t.kind).where(sql`${t.refundId} is not null`),
    check('ledger_entries_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('ledger_entries_nonzero', sql`${t.amount} <> 0`),
    check('ledger_entries_sign', sql`case ${t.kind} when 'charge' then ${t.amount} > 0 when 'refund' then ${t.amount} > 0 when 'payment' then ${t.amount} < 0 when 'write_off' then ${t.amount} < 0 when 'void' then ${t.amount} < 0 else true end`),
  ],
);
export type LedgerEntry = typeof ledgerEntries.$inferSelect;

/** The patient's customer at the gateway (Stripe Customer), made when a card is first saved. */
export const gatewayCustomers = pgTable(
  'gateway_customers',
  {
    tenantId: uuid('tenant_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    customerRef: text('customer_ref').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.patientId, t.gateway] }),
    sameClinicReference('gateway_customers_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
  ],
);

export const cardSetupStatuses = ['pending', 'requires_action', 'succeeded', 'failed'] as const;

/**
 * Saving a card: an attempt (a Stripe SetupIntent) written with its idempotency key before the
 * provider is called, with the authorisation the patient asked to give alongside it.
 */
export const cardSetups = clinicTable(
  'card_setups',
  {
    patientId: uuid('patient_id').notNull(),
    accountId: uuid('account_id'),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    status: text('status', { enum: cardSetupStatuses }).notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    setupRef: text('setup_ref'),
    savedCardId: uuid('saved_card_id'),
    failureMessage: text('failure_message'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('card_setups_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('card_setups_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('set null'),
    uniqueIndex('card_setups_idempotency_key').on(t.tenantId, t.idempotencyKey),
    uniqueIndex('card_setups_setup_ref_key').on(t.tenantId, t.gateway, t.setupRef),
  ],
);

/** A card kept at the gateway for a patient: only its brand, last four digits and expiry here. */
export const savedCards = clinicTable(
  'saved_cards',
  {
    patientId: uuid('patient_id').notNull(),
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    paymentMethodRef: text('payment_method_ref').notNull(),
    brand: text('brand').notNull(),
    last4: text('last4').notNull(),
    expMonth: integer('exp_month').notNull(),
    expYear: integer('exp_year').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    addedByAccountId: uuid('added_by_account_id'),
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('saved_cards_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('saved_cards_account_fk', t.tenantId, t.addedByAccountId, portalAccounts).onDelete('set null'),
    uniqueIndex('saved_cards_method_key').on(t.tenantId, t.gateway, t.paymentMethodRef),
    uniqueIndex('saved_cards_one_default').on(t.tenantId, t.patientId).where(sql`${t.isDefault} and ${t.removedAt} is null`),
    index('saved_cards_patient_idx').on(t.tenantId, t.patientId),
    check('saved_cards_last4', sql`${t.last4} ~ '^[0-9]{4}$'`),
    check('saved_cards_expiry', sql`${t.expMonth} between 1 and 12 and ${t.expYear} between 2000 and 2100`),
  ],
);
export type SavedCard = typeof savedCards.$inferSelect;

/**
 * The patient's permission for the clinic to charge a saved card without them (seed 002's
 * "authorized provider"): the wording's version they agreed to, what it covers, an optional
 * ceiling per charge, and when, from where and with what browser. Revoked, never deleted.
 */
export const cardAuthorizations = clinicTable(
  'card_authorizations',
  {
    savedCardId: uuid('saved_card_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    accountId: uuid('account_id'),
    textVersion: text('text_version').notNull(),
    scopes: text('scopes', { enum: chargePurposes }).array().notNull(),
    maxAmount: integer('max_amount'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: text('revoked_by', { enum: ['patient', 'staff', 'card_removed'] }),
  },
  (t) => [
    sameClinicReference('card_authorizations_card_fk', t.tenantId, t.savedCardId, savedCards).onDelete('cascade'),
    sameClinicReference('card_authorizations_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('card_authorizations_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('set null'),
    // At most one active authorisation per card: a new one replaces (revokes) the old.
    uniqueIndex('card_authorizations_one_active').on(t.tenantId, t.savedCardId).where(sql`${t.revokedAt} is null`),
    check('card_authorizations_scopes', sql`cardinality(${t.scopes}) > 0`),
    check('card_authorizations_max', sql`${t.maxAmount} is null or ${t.maxAmount} > 0`),
  ],
);
export type CardAuthorization = typeof cardAuthorizations.$inferSelect;

/**
 * Webhook events from a payment provider, stored once by the provider's event id (a replay
 * changes nothing) and then worked like outbox rows: claimed with SKIP LOCKED, retried on failure.
 */
export const paymentEvents = clinicTable(
  'payment_events',
  {
    gateway: text('gateway', { enum: paymentGateways }).notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    // The object's id (pi_…, seti_…, re_…), and the event as received: it holds no health
    // information, because nothing Carebridge sends the provider does.
    objectRef: text('object_ref').notNull(),
    payload: text('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('payment_events_event_key').on(t.tenantId, t.gateway, t.eventId),
    index('payment_events_due_idx').on(t.nextAttemptAt).where(sql`${t.processedAt} is null`),
  ],
);

/**
 * The built-in test gateway's own records (what Stripe would keep on its side): the simulated
 * payments, setups and refunds, each made once per idempotency key. Refused in production.
 */
export const testGatewayObjects = clinicTable(
  'test_gateway_objects',
  {
    ref: text('ref').notNull(),
    kind: text('kind', { enum: ['payment', 'setup', 'refund', 'customer', 'card'] }).notNull(),
    idempotencyKey: text('idempotency_key'),
    status: text('status').notNull(),
    amount: integer('amount'),
    data: text('data').notNull().default('{}'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('test_gateway_objects_ref_key').on(t.tenantId, t.ref),
    uniqueIndex('test_gateway_objects_idempotency_key').on(t.tenantId, t.kind, t.idempotencyKey),
  ],
);
