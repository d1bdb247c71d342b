import { sql } from 'drizzle-orm';
import { boolean, check, date, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { invoices, payments, savedCards } from './billing';
import { clinicDetailTable, clinicTable } from './clinic-table';
import { createdAt, sameClinicReference, updatedAt } from './columns';
import { documents, documentTypes } from './documents';
import { formAssignments, formTemplates } from './forms';
import { portalAccounts } from './identity';
import { patients } from './patients';
import { staffUsers } from './staff';
import { tenants } from './tenants';

// Commerce (issue 17): the catalogue (products with phases and requirements, coupons), orders
// with their status history and shipments, and subscriptions with their renewals. Amounts are
// integer minor units of the clinic's billing currency; money itself moves only through billing
// (an order is paid by an invoice; lib/billing keeps the ledger).

/** A clinic's shop and subscription options (CRM → Shop). One row per clinic, made on first save. */
export const commerceSettings = pgTable(
  'commerce_settings',
  {
    tenantId: uuid('tenant_id').primaryKey().references(() => tenants.id, { onDelete: 'cascade' }),
    shopEnabled: boolean('shop_enabled').notNull().default(false),
    // Seed 004's "patient who never visited the clinic": a visitor may create an account at checkout.
    openToNewVisitors: boolean('open_to_new_visitors').notNull().default(false),
    // What a patient may do to their own subscription in the portal (staff always may).
    allowSkip: boolean('allow_skip').notNull().default(true),
    allowPause: boolean('allow_pause').notNull().default(true),
    maxPauseDays: integer('max_pause_days').notNull().default(90),
    allowReschedule: boolean('allow_reschedule').notNull().default(true),
    // How far the next date may move from the date it was due (either way), in days.
    rescheduleWindowDays: integer('reschedule_window_days').notNull().default(14),
    allowCancel: boolean('allow_cancel').notNull().default(true),
    // Days after a failed renewal on which it is tried again; after the last one it is cancelled.
    retryDays: integer('retry_days').array().notNull().default(sql`'{1,3,7}'::integer[]`),
    // Days after an order is paid by which its forms and uploads should be done ("overdue" after).
    requirementsDueDays: integer('requirements_due_days').notNull().default(7),
    // Teams an order can be assigned to, besides a staff member.
    teams: text('teams').array().notNull().default(sql`'{"Clinical review","Fulfilment","Support"}'::text[]`),
    nextOrderNumber: integer('next_order_number').notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('commerce_settings_pause', sql`${t.maxPauseDays} between 1 and 365`),
    check('commerce_settings_reschedule', sql`${t.rescheduleWindowDays} between 0 and 90`),
    check('commerce_settings_requirements_due', sql`${t.requirementsDueDays} between 1 and 90`),
    check('commerce_settings_retry_days', sql`cardinality(${t.retryDays}) <= 6`),
    check('commerce_settings_next_order', sql`${t.nextOrderNumber} > 0`),
  ],
);
export type CommerceSettings = typeof commerceSettings.$inferSelect;

export const productKinds = ['one_time', 'subscription'] as const;
export type ProductKind = (typeof productKinds)[number];
export const productVisibilities = ['portal', 'staff'] as const;
export type ProductVisibility = (typeof productVisibilities)[number];
export const productStatuses = ['active', 'archived'] as const;
export type ProductStatus = (typeof productStatuses)[number];

/**
 * Something a clinic sells. A one-time product has `unitAmount`; a subscription product has
 * phases (product_phases) and no price of its own. Archived products stay for their orders.
 */
export const products = clinicTable(
  'products',
  {
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    category: text('category'),
    kind: text('kind', { enum: productKinds }).notNull(),
    unitAmount: integer('unit_amount'),
    visibility: text('visibility', { enum: productVisibilities }).notNull().default('portal'),
    status: text('status', { enum: productStatuses }).notNull().default('active'),
    taxable: boolean('taxable').notNull().default(true),
    requiresShipping: boolean('requires_shipping').notNull().default(true),
    // The product's picture, kept in storage like branding assets (lib/storage).
    imageKey: text('image_key'),
    imageAlt: text('image_alt'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('products_list_idx').on(t.tenantId, t.status, t.position),
    check('products_name', sql`char_length(${t.name}) between 1 and 120`),
    check('products_description', sql`char_length(${t.description}) <= 4000`),
    check('products_price', sql`(${t.kind} = 'one_time') = (${t.unitAmount} is not null) and (${t.unitAmount} is null or ${t.unitAmount} >= 0)`),
  ],
);
export type Product = typeof products.$inferSelect;

export const intervalUnits = ['day', 'week', 'month', 'year'] as const;
export type IntervalUnit = (typeof intervalUnits)[number];

/**
 * A phase of a subscription product: "month 1 at $99" is (9900, month, 1, cycles 1), "then $149
 * every month" is (14900, month, 1, cycles null). Phases run in `position` order; a subscription
 * ends after the last phase's cycles (null cycles: it repeats until cancelled; only the last).
 */
export const productPhases = clinicDetailTable(
  'product_phases',
  {
    productId: uuid('product_id').notNull(),
    position: integer('position').notNull(),
    unitAmount: integer('unit_amount').notNull(),
    intervalUnit: text('interval_unit', { enum: intervalUnits }).notNull(),
    intervalCount: integer('interval_count').notNull(),
    cycles: integer('cycles'),
  },
  (t) => [
    sameClinicReference('product_phases_product_fk', t.tenantId, t.productId, products).onDelete('cascade'),
    uniqueIndex('product_phases_position_key').on(t.tenantId, t.productId, t.position),
    check('product_phases_amount', sql`${t.unitAmount} >= 0`),
    check('product_phases_interval', sql`${t.intervalCount} between 1 and 365`),
    check('product_phases_cycles', sql`${t.cycles} is null or ${t.cycles} between 1 and 1000`),
  ],
);
export type ProductPhase = typeof productPhases.$inferSelect;

/** Forms a product requires (an intake, a consent): assigned to the patient when the order is paid. */
export const productRequiredForms = pgTable(
  'product_required_forms',
  {
    tenantId: uuid('tenant_id').notNull(),
    productId: uuid('product_id').notNull(),
    templateId: uuid('template_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.productId, t.templateId] }),
    sameClinicReference('product_required_forms_product_fk', t.tenantId, t.productId, products).onDelete('cascade'),
    sameClinicReference('product_required_forms_template_fk', t.tenantId, t.templateId, formTemplates).onDelete('cascade'),
  ],
);

/** Uploads a product requires (a photo ID): asked of the patient when the order is paid. */
export const productRequiredUploads = clinicDetailTable(
  'product_required_uploads',
  {
    productId: uuid('product_id').notNull(),
    label: text('label').notNull(),
    documentTypeId: uuid('document_type_id'),
  },
  (t) => [
    sameClinicReference('product_required_uploads_product_fk', t.tenantId, t.productId, products).onDelete('cascade'),
    sameClinicReference('product_required_uploads_type_fk', t.tenantId, t.documentTypeId, documentTypes),
    index('product_required_uploads_product_idx').on(t.tenantId, t.productId),
    check('product_required_uploads_label', sql`char_length(${t.label}) between 1 and 120`),
  ],
);

export const couponKinds = ['percent', 'amount'] as const;
export type CouponKind = (typeof couponKinds)[number];

/**
 * A coupon. `codeKey` is the code folded to lower case (unique per clinic: codes are typed in any
 * case). `redemptionCount` is raised by a conditional UPDATE when an order takes it, so a limit
 * holds however many checkouts race for the last redemptions.
 */
export const coupons = clinicTable(
  'coupons',
  {
    code: text('code').notNull(),
    codeKey: text('code_key').notNull(),
    description: text('description'),
    kind: text('kind', { enum: couponKinds }).notNull(),
    // Basis points for a percent coupon (1000 = 10 %), minor units for a fixed amount.
    percentBp: integer('percent_bp'),
    amountOff: integer('amount_off'),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validTo: timestamp('valid_to', { withTimezone: true }),
    appliesToAll: boolean('applies_to_all').notNull().default(true),
    maxRedemptions: integer('max_redemptions'),
    perPatientLimit: integer('per_patient_limit'),
    firstOrderOnly: boolean('first_order_only').notNull().default(false),
    // How many cycles of a subscription it lowers (null: every cycle; 1: the first payment only).
    subscriptionCycles: integer('subscription_cycles'),
    redemptionCount: integer('redemption_count').notNull().default(0),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('coupons_code_key').on(t.tenantId, t.codeKey),
    check('coupons_code', sql`${t.code} ~ '^[A-Za-z0-9_-]{3,32}$' and ${t.codeKey} = lower(${t.code})`),
    check('coupons_value', sql`case ${t.kind} when 'percent' then ${t.percentBp} between 1 and 10000 and ${t.amountOff} is null else ${t.amountOff} > 0 and ${t.percentBp} is null end`),
    check('coupons_validity', sql`${t.validFrom} is null or ${t.validTo} is null or ${t.validFrom} < ${t.validTo}`),
    check('coupons_limits', sql`(${t.maxRedemptions} is null or ${t.maxRedemptions} > 0) and (${t.perPatientLimit} is null or ${t.perPatientLimit} > 0) and (${t.subscriptionCycles} is null or ${t.subscriptionCycles} > 0)`),
    check('coupons_redemptions', sql`${t.redemptionCount} >= 0 and (${t.maxRedemptions} is null or ${t.redemptionCount} <= ${t.maxRedemptions})`),
  ],
);
export type Coupon = typeof coupons.$inferSelect;

/** The products a coupon is limited to, when it is not for all of them. */
export const couponProducts = pgTable(
  'coupon_products',
  {
    tenantId: uuid('tenant_id').notNull(),
    couponId: uuid('coupon_id').notNull(),
    productId: uuid('product_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.couponId, t.productId] }),
    sameClinicReference('coupon_products_coupon_fk', t.tenantId, t.couponId, coupons).onDelete('cascade'),
    sameClinicReference('coupon_products_product_fk', t.tenantId, t.productId, products).onDelete('cascade'),
  ],
);

export const orderStatuses = [
  'pending', 'awaiting_payment', 'processing', 'awaiting_requirements', 'awaiting_review',
  'awaiting_fulfilment', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];
export const orderKinds = ['checkout', 'renewal', 'staff'] as const;
export type OrderKind = (typeof orderKinds)[number];

/**
 * An order. Its status changes only through lib/commerce/order-transitions.ts, which checks the
 * move against the one state machine (order-status.ts) and writes order_status_history.
 */
export const orders = clinicTable(
  'orders',
  {
    number: integer('number').notNull(),
    patientId: uuid('patient_id').notNull(),
    // Who placed it in the portal (a parent for a child), or null when staff or a renewal did.
    accountId: uuid('account_id'),
    kind: text('kind', { enum: orderKinds }).notNull(),
    status: text('status', { enum: orderStatuses }).notNull(),
    subscriptionId: uuid('subscription_id'),
    invoiceId: uuid('invoice_id'),
    couponId: uuid('coupon_id'),
    currency: text('currency').notNull(),
    subtotal: integer('subtotal').notNull(),
    discountTotal: integer('discount_total').notNull().default(0),
    taxTotal: integer('tax_total').notNull().default(0),
    total: integer('total').notNull(),
    shipName: text('ship_name'),
    shipLine1: text('ship_line1'),
    shipLine2: text('ship_line2'),
    shipCity: text('ship_city'),
    shipRegion: text('ship_region'),
    shipPostalCode: text('ship_postal_code'),
    shipCountry: text('ship_country'),
    assignedStaffId: uuid('assigned_staff_id'),
    assignedTeam: text('assigned_team'),
    requirementsDueAt: timestamp('requirements_due_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    // When the order entered its current status (set with it by lib/commerce/order-transitions.ts):
    // "waiting for review longer than two days" is a range on it, not a read of each order's history.
    statusSince: timestamp('status_since', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('orders_patient_fk', t.tenantId, t.patientId, patients).onDelete('restrict'),
    sameClinicReference('orders_account_fk', t.tenantId, t.accountId, portalAccounts).onDelete('set null'),
    sameClinicReference('orders_invoice_fk', t.tenantId, t.invoiceId, invoices),
    sameClinicReference('orders_coupon_fk', t.tenantId, t.couponId, coupons),
    sameClinicReference('orders_staff_fk', t.tenantId, t.assignedStaffId, staffUsers),
    uniqueIndex('orders_number_key').on(t.tenantId, t.number),
    uniqueIndex('orders_invoice_key').on(t.tenantId, t.invoiceId),
    index('orders_patient_idx').on(t.tenantId, t.patientId, t.createdAt),
    index('orders_status_idx').on(t.tenantId, t.status, t.createdAt),
    index('orders_subscription_idx').on(t.tenantId, t.subscriptionId),
    // The order-processing job's queue across clinics: orders paid but not yet set up.
    index('orders_processing_idx').on(t.updatedAt).where(sql`${t.status} = 'processing'`),
    check('orders_currency', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('orders_totals', sql`${t.subtotal} >= 0 and ${t.discountTotal} >= 0 and ${t.taxTotal} >= 0 and ${t.total} = ${t.subtotal} - ${t.discountTotal} + ${t.taxTotal}`),
    check('orders_number', sql`${t.number} > 0`),
  ],
);
export type Order = typeof orders.$inferSelect;

export const orderLines = clinicDetailTable(
  'order_lines',
  {
    orderId: uuid('order_id').notNull(),
    position: integer('position').notNull(),
    productId: uuid('product_id').notNull(),
    description: text('description').notNull(),
    quantity: integer('quantity').notNull(),
    unitAmount: integer('unit_amount').notNull(),
    discountAmount: integer('discount_amount').notNull().default(0),
    taxAmount: integer('tax_amount').notNull().default(0),
    total: integer('total').notNull(),
    // For a subscription line: the phase charged (0-based position) and the cycle (1-based).
    phasePosition: integer('phase_position'),
    cycleNumber: integer('cycle_number'),
  },
  (t) => [
    sameClinicReference('order_lines_order_fk', t.tenantId, t.orderId, orders).onDelete('cascade'),
    sameClinicReference('order_lines_product_fk', t.tenantId, t.productId, products),
    uniqueIndex('order_lines_position_key').on(t.tenantId, t.orderId, t.position),
    check('order_lines_amounts', sql`${t.quantity} between 1 and 100 and ${t.unitAmount} >= 0 and ${t.discountAmount} >= 0 and ${t.taxAmount} >= 0 and ${t.total} = ${t.unitAmount} * ${t.quantity} - ${t.discountAmount} + ${t.taxAmount}`),
  ],
);
export type OrderLine = typeof orderLines.$inferSelect;

/** Every status change of an order: from, to, who, when. Append-only (migration 0018). */
export const orderStatusHistory = clinicDetailTable(
  'order_status_history',
  {
    orderId: uuid('order_id').notNull(),
    fromStatus: text('from_status', { enum: orderStatuses }),
    toStatus: text('to_status', { enum: orderStatuses }).notNull(),
    actorKind: text('actor_kind', { enum: ['staff', 'patient', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    note: text('note'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('order_status_history_order_fk', t.tenantId, t.orderId, orders).onDelete('cascade'),
    index('order_status_history_order_idx').on(t.tenantId, t.orderId, t.occurredAt),
  ],
);

/** Staff's internal notes on an order (never shown to the patient). */
export const orderNotes = clinicDetailTable(
  'order_notes',
  {
    orderId: uuid('order_id').notNull(),
    staffId: uuid('staff_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('order_notes_order_fk', t.tenantId, t.orderId, orders).onDelete('cascade'),
    sameClinicReference('order_notes_staff_fk', t.tenantId, t.staffId, staffUsers),
    index('order_notes_order_idx').on(t.tenantId, t.orderId, t.createdAt),
    check('order_notes_body', sql`char_length(${t.body}) between 1 and 2000`),
  ],
);

export const requirementKinds = ['form', 'upload'] as const;
export type RequirementKind = (typeof requirementKinds)[number];

/**
 * What the patient must do for an order after paying: a form (its assignment) or an upload (the
 * document they sent). Made from the products' requirements when the order is paid.
 */
export const orderRequirements = clinicDetailTable(
  'order_requirements',
  {
    orderId: uuid('order_id').notNull(),
    kind: text('kind', { enum: requirementKinds }).notNull(),
    label: text('label').notNull(),
    templateId: uuid('template_id'),
    formAssignmentId: uuid('form_assignment_id'),
    documentTypeId: uuid('document_type_id'),
    documentId: uuid('document_id'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('order_requirements_order_fk', t.tenantId, t.orderId, orders).onDelete('cascade'),
    sameClinicReference('order_requirements_template_fk', t.tenantId, t.templateId, formTemplates),
    sameClinicReference('order_requirements_assignment_fk', t.tenantId, t.formAssignmentId, formAssignments).onDelete('set null'),
    sameClinicReference('order_requirements_type_fk', t.tenantId, t.documentTypeId, documentTypes),
    sameClinicReference('order_requirements_document_fk', t.tenantId, t.documentId, documents).onDelete('set null'),
    index('order_requirements_order_idx').on(t.tenantId, t.orderId),
    index('order_requirements_assignment_idx').on(t.tenantId, t.formAssignmentId),
    check('order_requirements_kind', sql`(${t.kind} = 'form') = (${t.templateId} is not null)`),
  ],
);
export type OrderRequirement = typeof orderRequirements.$inferSelect;

export const carriers = ['usps', 'ups', 'fedex', 'dhl', 'other'] as const;
export type Carrier = (typeof carriers)[number];
export const shipmentStatuses = ['label_created', 'in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

export const shipments = clinicTable(
  'shipments',
  {
    orderId: uuid('order_id').notNull(),
    carrier: text('carrier', { enum: carriers }).notNull(),
    trackingNumber: text('tracking_number').notNull(),
    status: text('status', { enum: shipmentStatuses }).notNull().default('label_created'),
    exceptionNote: text('exception_note'),
    shippedAt: timestamp('shipped_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdById: uuid('created_by_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('shipments_order_fk', t.tenantId, t.orderId, orders).onDelete('cascade'),
    sameClinicReference('shipments_staff_fk', t.tenantId, t.createdById, staffUsers),
    uniqueIndex('shipments_tracking_key').on(t.tenantId, t.carrier, t.trackingNumber),
    index('shipments_order_idx').on(t.tenantId, t.orderId),
    index('shipments_status_idx').on(t.tenantId, t.status),
    check('shipments_tracking', sql`${t.trackingNumber} ~ '^[A-Za-z0-9-]{4,40}$'`),
  ],
);
export type Shipment = typeof shipments.$inferSelect;

export const subscriptionStatuses = ['active', 'paused', 'past_due', 'cancelled', 'ended'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/**
 * A patient's subscription to a product. `nextCycleAt` is when the next renewal is charged (the
 * clinic's local time of day kept across DST; `anchorDay` keeps "the 31st" across short months).
 * Renewals are claimed by the renewal job (lib/commerce/renewals.ts) and charged once per cycle.
 */
export const subscriptions = clinicTable(
  'subscriptions',
  {
    patientId: uuid('patient_id').notNull(),
    productId: uuid('product_id').notNull(),
    firstOrderId: uuid('first_order_id'),
    status: text('status', { enum: subscriptionStatuses }).notNull(),
    // The phase now running (its position) and how many cycles of it were charged.
    phasePosition: integer('phase_position').notNull().default(0),
    cyclesInPhase: integer('cycles_in_phase').notNull().default(0),
    // Cycles charged in all; the next renewal is cycle cyclesBilled + 1.
    cyclesBilled: integer('cycles_billed').notNull().default(0),
    anchorDay: integer('anchor_day').notNull(),
    nextCycleAt: timestamp('next_cycle_at', { withTimezone: true }),
    pausedUntil: date('paused_until', { mode: 'string' }),
    savedCardId: uuid('saved_card_id'),
    couponId: uuid('coupon_id'),
    // Cycles the coupon still lowers (null: every one).
    couponCyclesLeft: integer('coupon_cycles_left'),
    // Dunning: failed tries of the current cycle and when to try again.
    failedAttempts: integer('failed_attempts').notNull().default(0),
    nextRetryAt: timestamp('next_retry_at', { withTimezone: true }),
    pastDueSince: timestamp('past_due_since', { withTimezone: true }),
    cancelReason: text('cancel_reason'),
    cancelledBy: text('cancelled_by', { enum: ['patient', 'staff', 'system'] }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('subscriptions_patient_fk', t.tenantId, t.patientId, patients).onDelete('restrict'),
    sameClinicReference('subscriptions_product_fk', t.tenantId, t.productId, products),
    sameClinicReference('subscriptions_card_fk', t.tenantId, t.savedCardId, savedCards).onDelete('set null'),
    sameClinicReference('subscriptions_coupon_fk', t.tenantId, t.couponId, coupons),
    sameClinicReference('subscriptions_first_order_fk', t.tenantId, t.firstOrderId, orders),
    index('subscriptions_patient_idx').on(t.tenantId, t.patientId),
    // One subscription per product of a checkout order, whatever retries the order's processing.
    uniqueIndex('subscriptions_first_order_product_key').on(t.tenantId, t.firstOrderId, t.productId),
    // The renewal job's queue: due cycles and due retries, across clinics.
    index('subscriptions_due_idx').on(t.nextCycleAt).where(sql`${t.status} = 'active'`),
    index('subscriptions_retry_idx').on(t.nextRetryAt).where(sql`${t.status} = 'past_due'`),
    index('subscriptions_paused_idx').on(t.pausedUntil).where(sql`${t.status} = 'paused'`),
    check('subscriptions_anchor_day', sql`${t.anchorDay} between 1 and 31`),
    check('subscriptions_counts', sql`${t.phasePosition} >= 0 and ${t.cyclesInPhase} >= 0 and ${t.cyclesBilled} >= 0 and ${t.failedAttempts} >= 0`),
    check('subscriptions_cancelled', sql`(${t.status} = 'cancelled') = (${t.cancelledAt} is not null)`),
  ],
);
export type Subscription = typeof subscriptions.$inferSelect;

/** What happened to a subscription, by whom (skip, pause, resume, reschedule, cancel, phase). */
export const subscriptionEvents = clinicDetailTable(
  'subscription_events',
  {
    subscriptionId: uuid('subscription_id').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status', { enum: subscriptionStatuses }),
    toStatus: text('to_status', { enum: subscriptionStatuses }),
    actorKind: text('actor_kind', { enum: ['staff', 'patient', 'system'] }).notNull(),
    actorId: uuid('actor_id'),
    // Dates and positions only: never health information.
    details: text('details'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameClinicReference('subscription_events_subscription_fk', t.tenantId, t.subscriptionId, subscriptions).onDelete('cascade'),
    index('subscription_events_subscription_idx').on(t.tenantId, t.subscriptionId, t.occurredAt),
  ],
);

export const renewalStatuses = ['charging', 'succeeded', 'failed', 'abandoned'] as const;
export type RenewalStatus = (typeof renewalStatuses)[number];

/**
 * One renewal of one cycle: the unique (subscription, cycle) is what makes a renewal happen once
 * whatever runs it. Written (with its order and invoice) before the card is charged; each try
 * charges under its own idempotency key `renewal:<id>:<attempt>`, so a crash between the charge
 * and recording it repeats the same request and the provider answers with the first result.
 */
export const subscriptionRenewals = clinicTable(
  'subscription_renewals',
  {
    subscriptionId: uuid('subscription_id').notNull(),
    cycleNumber: integer('cycle_number').notNull(),
    status: text('status', { enum: renewalStatuses }).notNull().default('charging'),
    orderId: uuid('order_id'),
    invoiceId: uuid('invoice_id'),
    attempts: integer('attempts').notNull().default(0),
    lastPaymentId: uuid('last_payment_id'),
    // A runner's claim on the renewal while it charges; another runner leaves it alone until then.
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sameClinicReference('subscription_renewals_subscription_fk', t.tenantId, t.subscriptionId, subscriptions).onDelete('cascade'),
    sameClinicReference('subscription_renewals_order_fk', t.tenantId, t.orderId, orders),
    sameClinicReference('subscription_renewals_invoice_fk', t.tenantId, t.invoiceId, invoices),
    sameClinicReference('subscription_renewals_payment_fk', t.tenantId, t.lastPaymentId, payments),
    uniqueIndex('subscription_renewals_cycle_key').on(t.tenantId, t.subscriptionId, t.cycleNumber),
    check('subscription_renewals_cycle', sql`${t.cycleNumber} > 0`),
  ],
);
export type SubscriptionRenewal = typeof subscriptionRenewals.$inferSelect;

/** A coupon used by an order: the per-patient limit and "first order only" read these. */
export const couponRedemptions = clinicTable(
  'coupon_redemptions',
  {
    couponId: uuid('coupon_id').notNull(),
    patientId: uuid('patient_id').notNull(),
    orderId: uuid('order_id').notNull(),
    amount: integer('amount').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    sameClinicReference('coupon_redemptions_coupon_fk', t.tenantId, t.couponId, coupons),
    sameClinicReference('coupon_redemptions_patient_fk', t.tenantId, t.patientId, patients).onDelete('cascade'),
    sameClinicReference('coupon_redemptions_order_fk', t.tenantId, t.orderId, orders).onDelete('cascade'),
    uniqueIndex('coupon_redemptions_order_key').on(t.tenantId, t.couponId, t.orderId),
    index('coupon_redemptions_patient_idx').on(t.tenantId, t.couponId, t.patientId),
    check('coupon_redemptions_amount', sql`${t.amount} >= 0`),
  ],
);
