import 'server-only';
import type { OrderStatus } from '@/db/schema/commerce';

/**
 * The order state machine, in one place. Pure: every change of an order's status is checked here
 * (lib/commerce/order-transitions.ts is the only writer of `orders.status`).
 *
 *   pending ─────────────┐ (no payment method yet)
 *   awaiting_payment ────┤ (a charge failed; retried or paid again)
 *                        ▼ paid
 *                    processing ──▶ awaiting_requirements ──▶ awaiting_review ──▶ awaiting_fulfilment
 *                        │  (no requirements) ──────────────────────────────────▶ awaiting_fulfilment
 *                        ▼                                                         │
 *   shipped ◀────────────────────────────────────────────────────────────────────┘ (or completed when
 *      └──▶ delivered ──▶ completed                                                  nothing ships)
 *   Before payment an order can be cancelled; after it, cancelled with a refund (refunded).
 */

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['awaiting_payment', 'processing', 'cancelled'],
  awaiting_payment: ['processing', 'cancelled'],
  processing: ['awaiting_requirements', 'awaiting_review', 'awaiting_fulfilment', 'refunded'],
  awaiting_requirements: ['awaiting_review', 'awaiting_fulfilment', 'refunded'],
  // A clinician may send it back for more (a clearer photo, a corrected form).
  awaiting_review: ['awaiting_fulfilment', 'awaiting_requirements', 'completed', 'refunded'],
  awaiting_fulfilment: ['shipped', 'completed', 'refunded'],
  shipped: ['delivered', 'awaiting_fulfilment', 'refunded'],
  delivered: ['completed', 'refunded'],
  completed: ['refunded'],
  cancelled: [],
  refunded: [],
};

/** Statuses in which the order has been paid (a refund is how it ends early). */
export const PAID_ORDER_STATUSES: readonly OrderStatus[] = [
  'processing', 'awaiting_requirements', 'awaiting_review', 'awaiting_fulfilment', 'shipped', 'delivered', 'completed',
];
export const UNPAID_ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'awaiting_payment'];
export const FINAL_ORDER_STATUSES: readonly OrderStatus[] = ['cancelled', 'refunded'];

export function canMoveOrder(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].includes(to);
}

/** Why staff cannot move an order from `from` to `to`, in their words, or null when they can. */
export function orderMoveRefusal(from: OrderStatus, to: OrderStatus): string | null {
  if (from === to) return `This order is already ${ORDER_STATUS_LABELS[to].toLowerCase()}.`;
  if (canMoveOrder(from, to)) return null;
  if (FINAL_ORDER_STATUSES.includes(from)) return `This order is ${ORDER_STATUS_LABELS[from].toLowerCase()} and can no longer change.`;
  if (to === 'cancelled') return 'This order has been paid: cancel it with a refund instead.';
  return `An order that is ${ORDER_STATUS_LABELS[from].toLowerCase()} cannot be moved to ${ORDER_STATUS_LABELS[to].toLowerCase()}.`;
}

/** Where a just-paid order goes next: its requirements first, or straight to fulfilment. */
export function statusAfterPayment(kind: 'checkout' | 'renewal' | 'staff', hasRequirements: boolean): OrderStatus {
  if (kind === 'renewal') return 'awaiting_fulfilment';
  return hasRequirements ? 'awaiting_requirements' : 'awaiting_fulfilment';
}

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending: 'Pending',
  awaiting_payment: 'Awaiting payment',
  processing: 'Processing',
  awaiting_requirements: 'Awaiting requirements',
  awaiting_review: 'Awaiting review',
  awaiting_fulfilment: 'Awaiting fulfilment',
  shipped: 'Shipped',
  delivered: 'Delivered',
  completed: 'Completed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

/** What the patient reads about their order's status in the portal. */
export const ORDER_STATUS_PATIENT_TEXT: Record<OrderStatus, string> = {
  pending: 'Waiting for payment',
  awaiting_payment: 'Payment failed — update your card',
  processing: 'Paid — being prepared',
  awaiting_requirements: 'Waiting for your forms or uploads',
  awaiting_review: 'Being reviewed by the clinic',
  awaiting_fulfilment: 'Being prepared',
  shipped: 'On its way',
  delivered: 'Delivered',
  completed: 'Completed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};
