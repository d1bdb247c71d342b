import 'server-only';
/**
 * Audit action names for commerce. Details carry ids, numbers, amounts, statuses and codes;
 * never a product's name or a note (a product may name a treatment).
 * Shared by the commerce modules: add a line in your own section.
 */
export const CommerceAuditActions = {
  // Catalogue and shop options (CRM)
  settingsUpdated: 'commerce.settings_updated',
  productCreated: 'commerce.product_created',
  productUpdated: 'commerce.product_updated',
  productArchived: 'commerce.product_archived',
  productRestored: 'commerce.product_restored',
  productDeleted: 'commerce.product_deleted',
  couponCreated: 'commerce.coupon_created',
  couponUpdated: 'commerce.coupon_updated',
  couponArchived: 'commerce.coupon_archived',
  couponRestored: 'commerce.coupon_restored',
  // Checkout and requirements (portal)
  visitorRegistered: 'commerce.visitor_registered',
  orderPlaced: 'commerce.order_placed',
  couponRedeemed: 'commerce.coupon_redeemed',
  requirementCompleted: 'commerce.requirement_completed',
  // Orders and shipments (EMR), and the patient's orders (portal)
  orderViewed: 'commerce.order_viewed',
  orderMoved: 'commerce.order_moved',
  orderAssigned: 'commerce.order_assigned',
  orderNoteAdded: 'commerce.order_note_added',
  orderPaymentRetried: 'commerce.order_payment_retried',
  orderCancelled: 'commerce.order_cancelled',
  shipmentSaved: 'commerce.shipment_saved',
  shipmentsImported: 'commerce.shipments_imported',
  // Subscriptions
  subscriptionStarted: 'commerce.subscription_started',
  subscriptionChanged: 'commerce.subscription_changed',
  subscriptionCancelled: 'commerce.subscription_cancelled',
  subscriptionRenewed: 'commerce.subscription_renewed',
  subscriptionRenewalFailed: 'commerce.subscription_renewal_failed',
} as const;
