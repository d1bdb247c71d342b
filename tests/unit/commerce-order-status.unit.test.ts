import { describe, expect, it } from 'vitest';
import { orderStatuses, type OrderStatus } from '@/db/schema/commerce';
import {
  canMoveOrder, FINAL_ORDER_STATUSES, ORDER_STATUS_LABELS, ORDER_STATUS_PATIENT_TEXT, ORDER_TRANSITIONS, orderMoveRefusal,
  PAID_ORDER_STATUSES, statusAfterPayment, UNPAID_ORDER_STATUSES,
} from '@/lib/commerce/order-status';
import { orders } from '@/lib/i18n/messages/orders';

/**
 * The order state machine (issue 17 point 5), checked against the issue's own list written out
 * here by hand: a move added to or dropped from lib/commerce/order-status.ts fails this file.
 */
const EXPECTED: Record<OrderStatus, OrderStatus[]> = {
  pending: ['awaiting_payment', 'processing', 'cancelled'],
  awaiting_payment: ['processing', 'cancelled'],
  processing: ['awaiting_requirements', 'awaiting_review', 'awaiting_fulfilment', 'refunded'],
  awaiting_requirements: ['awaiting_review', 'awaiting_fulfilment', 'refunded'],
  awaiting_review: ['awaiting_fulfilment', 'awaiting_requirements', 'completed', 'refunded'],
  awaiting_fulfilment: ['shipped', 'completed', 'refunded'],
  shipped: ['delivered', 'awaiting_fulfilment', 'refunded'],
  delivered: ['completed', 'refunded'],
  completed: ['refunded'],
  cancelled: [],
  refunded: [],
};

const allowed = orderStatuses.flatMap((from) => EXPECTED[from].map((to) => [from, to] as const));
const refused = orderStatuses.flatMap((from) => orderStatuses.filter((to) => !EXPECTED[from].includes(to)).map((to) => [from, to] as const));

describe('the order state machine', () => {
  it('has exactly the moves the issue lists, for every status', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...orderStatuses].sort());
    for (const from of orderStatuses) expect([...ORDER_TRANSITIONS[from]].sort(), from).toEqual([...EXPECTED[from]].sort());
    expect(allowed).toHaveLength(25);
    expect(refused).toHaveLength(11 * 11 - 25);
  });

  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(canMoveOrder(from, to)).toBe(true);
    expect(orderMoveRefusal(from, to)).toBeNull();
  });

  it.each(refused)('refuses %s → %s, in words', (from, to) => {
    expect(canMoveOrder(from, to)).toBe(false);
    const why = orderMoveRefusal(from, to);
    expect(why).toEqual(expect.any(String));
    expect(why!.length).toBeGreaterThan(10);
  });

  it('says why in the words staff need', () => {
    expect(orderMoveRefusal('shipped', 'shipped')).toBe('This order is already shipped.');
    expect(orderMoveRefusal('refunded', 'processing')).toBe('This order is refunded and can no longer change.');
    expect(orderMoveRefusal('cancelled', 'pending')).toBe('This order is cancelled and can no longer change.');
    expect(orderMoveRefusal('processing', 'cancelled')).toBe('This order has been paid: cancel it with a refund instead.');
    expect(orderMoveRefusal('delivered', 'cancelled')).toBe('This order has been paid: cancel it with a refund instead.');
    expect(orderMoveRefusal('pending', 'shipped')).toBe('An order that is pending cannot be moved to shipped.');
    expect(orderMoveRefusal('awaiting_payment', 'refunded')).toBe('An order that is awaiting payment cannot be moved to refunded.');
  });

  it('ends in cancelled or refunded, from which nothing moves', () => {
    expect([...FINAL_ORDER_STATUSES].sort()).toEqual(['cancelled', 'refunded']);
    for (const final of FINAL_ORDER_STATUSES) for (const to of orderStatuses) expect(canMoveOrder(final, to)).toBe(false);
    // Every other status can still reach a final one.
    for (const from of orderStatuses.filter((s) => !FINAL_ORDER_STATUSES.includes(s))) {
      expect(EXPECTED[from].some((to) => FINAL_ORDER_STATUSES.includes(to)), from).toBe(true);
    }
  });

  it('cancels only unpaid orders and refunds only paid ones', () => {
    for (const from of orderStatuses) {
      expect(canMoveOrder(from, 'cancelled'), from).toBe(UNPAID_ORDER_STATUSES.includes(from));
      expect(canMoveOrder(from, 'refunded'), from).toBe(PAID_ORDER_STATUSES.includes(from));
    }
    expect(new Set([...PAID_ORDER_STATUSES, ...UNPAID_ORDER_STATUSES, ...FINAL_ORDER_STATUSES]).size).toBe(orderStatuses.length);
  });

  it('reaches every status from pending', () => {
    const seen = new Set<OrderStatus>(['pending']);
    const queue: OrderStatus[] = ['pending'];
    while (queue.length) for (const to of ORDER_TRANSITIONS[queue.shift()!]) if (!seen.has(to)) { seen.add(to); queue.push(to); }
    expect([...seen].sort()).toEqual([...orderStatuses].sort());
  });

  it('sends a paid order to its requirements first, a renewal straight to fulfilment', () => {
    expect(statusAfterPayment('checkout', true)).toBe('awaiting_requirements');
    expect(statusAfterPayment('checkout', false)).toBe('awaiting_fulfilment');
    expect(statusAfterPayment('staff', true)).toBe('awaiting_requirements');
    expect(statusAfterPayment('renewal', true)).toBe('awaiting_fulfilment');
    for (const kind of ['checkout', 'staff', 'renewal'] as const) for (const req of [true, false]) expect(canMoveOrder('processing', statusAfterPayment(kind, req))).toBe(true);
  });

  it('names every status for staff and for the patient, in the portal in the same words', () => {
    for (const s of orderStatuses) {
      expect(ORDER_STATUS_LABELS[s]).toMatch(/^[A-Z]/);
      expect(ORDER_STATUS_PATIENT_TEXT[s]).toMatch(/^[A-Z]/);
      expect(orders.en[`status_${s}`]).toBe(ORDER_STATUS_PATIENT_TEXT[s]);
    }
  });
});
