'use server';

import { refresh } from 'next/cache';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { chargeOutcome } from '@/lib/billing/staff-forms';
import { formatMoney } from '@/lib/billing/money';
import { addOrderNote, assignOrder, cancelAndRefundOrder, cancelOrder, moveOrderByStaff, retryOrderPayment } from '@/lib/commerce/order-changes';
import { assignOrderSchema, cancelOrderSchema, cancelRefundSchema, moveOrderSchema, orderNoteSchema, retryPaymentSchema } from '@/lib/commerce/order-forms';
import { ORDER_STATUS_LABELS } from '@/lib/commerce/order-status';
import { addShipmentSchema, importApplySchema, importPreviewSchema, shipmentStatusSchema } from '@/lib/commerce/shipment-forms';
import { addShipment, applyShipmentImport, previewShipmentImport, updateShipmentStatus, type ImportPlan } from '@/lib/commerce/shipments';
import { SHIPMENT_STATUS_LABELS } from '@/lib/commerce/tracking';
import { dispatchSoon } from '@/lib/outbox/dispatcher';

/**
 * The EMR's order actions (issue 17 points 5 and 6): move, assign, note, retry the payment,
 * cancel (with a refund once paid), ship and track, and the CSV import. Each needs
 * orders.manage (lib/ checks it again; money also needs billing.manage, which lib/billing
 * checks) and refreshes the page it was posted from, which writes a fresh attempt key into the
 * money forms.
 */

const managing = {
  area: 'emr',
  permission: 'orders.manage',
  messages: {
    notFound: 'This order or shipment no longer exists. Reload the page.',
    forbidden: 'You don’t have permission to change orders.',
  },
} as const;

export const moveOrderAction = staffAction({ ...managing, schema: moveOrderSchema }, async (ctx, values): Promise<ActionState> => {
  const moved = await moveOrderByStaff(getDb(), ctx, values);
  refresh();
  return { ok: true, message: `Moved to ${ORDER_STATUS_LABELS[moved.status].toLowerCase()}.` };
});

export const assignOrderAction = staffAction({ ...managing, schema: assignOrderSchema }, async (ctx, values): Promise<ActionState> => {
  await assignOrder(getDb(), ctx, values);
  refresh();
  return { ok: true, message: values.staffId || values.team ? 'Assignment saved.' : 'The order is no longer assigned.' };
});

export const addOrderNoteAction = staffAction({ ...managing, schema: orderNoteSchema }, async (ctx, values): Promise<ActionState> => {
  await addOrderNote(getDb(), ctx, values);
  refresh();
  return { ok: true, message: 'Note added.' };
});

export const retryOrderPaymentAction = staffAction({ ...managing, schema: retryPaymentSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // the receipt it queues goes out after the response
  const payment = await retryOrderPayment(getDb(), ctx, values);
  // A decline used up this attempt key: the refreshed page carries a new one.
  refresh();
  const outcome = chargeOutcome(payment);
  return payment.status === 'succeeded' ? { ok: true, message: 'The card was charged and the order is paid. The receipt is on its way to the patient.' } : outcome;
});

export const cancelOrderAction = staffAction({ ...managing, schema: cancelOrderSchema }, async (ctx, values): Promise<ActionState> => {
  const { invoiceVoided } = await cancelOrder(getDb(), ctx, values);
  refresh();
  return { ok: true, message: invoiceVoided ? 'The order is cancelled and its invoice voided; its coupon can be used again.' : 'The order is cancelled; its coupon can be used again.' };
});

export const cancelRefundOrderAction = staffAction({ ...managing, schema: cancelRefundSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // the refund notices it queues go out after the response
  const outcome = await cancelAndRefundOrder(getDb(), ctx, values);
  refresh();
  if (outcome.state === 'waiting') {
    return { ok: true, message: 'The refund was sent to the card provider. Once it is confirmed, press Cancel and refund again to close the order.' };
  }
  return { ok: true, message: outcome.refunded > 0 ? `Refunded ${formatMoney(outcome.refunded, outcome.currency)}; the order is closed as refunded.` : 'The order is closed as refunded (nothing was left to refund).' };
});

export const addShipmentAction = staffAction({ ...managing, schema: addShipmentSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // the "shipped" notice goes out after the response
  const { shipped } = await addShipment(getDb(), ctx, values);
  refresh();
  return { ok: true, message: shipped ? 'Shipment added. The order is shipped and the patient is told how to track it.' : 'Shipment added. The patient is told how to track it.' };
});

export const shipmentStatusAction = staffAction({ ...managing, schema: shipmentStatusSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // a "delivered" notice goes out after the response
  const { changed, orderStatus } = await updateShipmentStatus(getDb(), ctx, values);
  refresh();
  if (!changed) return { ok: true, message: `The package is already ${SHIPMENT_STATUS_LABELS[values.status].toLowerCase()}.` };
  return { ok: true, message: orderStatus === 'delivered' && values.status === 'delivered' ? 'Delivered. Every package has arrived, so the order is delivered.' : `Status saved: ${SHIPMENT_STATUS_LABELS[values.status].toLowerCase()}.` };
});

interface ImportState extends ActionState { plan?: ImportPlan; csv?: string; applied?: boolean }

export const previewImportAction = staffAction({ ...managing, schema: importPreviewSchema, echo: ['csv'] }, async (ctx, values): Promise<ImportState> => {
  const csv = values.file ? await values.file.text() : values.csv ?? '';
  const plan = await previewShipmentImport(getDb(), ctx, csv);
  return { ok: true, plan, csv };
});

export const applyImportAction = staffAction({ ...managing, schema: importApplySchema }, async (ctx, { csv }): Promise<ImportState> => {
  dispatchSoon(); // the "shipped" and "delivered" notices go out after the response
  const plan = await applyShipmentImport(getDb(), ctx, csv);
  const changed = plan.counts.add + plan.counts.update;
  return { ok: true, plan, csv, applied: true, message: changed === 0 ? 'Nothing changed: every row was already there or had a problem.' : `Imported ${changed} ${changed === 1 ? 'row' : 'rows'}.` };
});
