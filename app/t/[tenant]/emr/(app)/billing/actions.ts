'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { chargeSavedCard, recordDeskPayment, refundPayment } from '@/lib/billing/desk';
import {
  adjustmentFromForm, adjustmentSchema, closeInvoiceSchema, createInvoiceSchema, draftFromForm, invoiceIdSchema, noShowFeeFromForm,
  noShowFeeSchema, updateInvoiceSchema, visitInvoiceSchema,
} from '@/lib/billing/invoice-forms';
import {
  createInvoice, deleteDraftInvoice, openInvoice, postAdjustment, updateDraftInvoice, voidInvoice, writeOffInvoice,
} from '@/lib/billing/invoices';
import { formatMoney } from '@/lib/billing/money';
import { dispatchSoon } from '@/lib/outbox/dispatcher';
import {
  chargeCardSchema, chargeOutcome, deleteDraftSchema, deskPaymentFromForm, deskPaymentOutcome, deskPaymentSchema, refundFromForm, refundOutcome, refundSchema,
} from '@/lib/billing/staff-forms';
import { invoiceFromVisit, noShowFeeInvoice } from '@/lib/billing/visit-invoices';

/**
 * The EMR's billing actions (issue 16 point 6): invoices (draft, send, delete, void, write off,
 * adjust), visits billed from the schedule, payments at the desk, charging the card on file and
 * refunds. Each needs billing.manage (lib/ checks it again) and refreshes the page it was posted
 * from, which also writes a fresh attempt key into its money forms.
 */

const managing = {
  area: 'emr',
  permission: 'billing.manage',
  messages: {
    notFound: 'This invoice, payment or patient no longer exists. Reload the page.',
    forbidden: 'You don’t have permission to change billing.',
  },
} as const;

export const createInvoiceAction = staffAction({ ...managing, schema: createInvoiceSchema }, async (ctx, values): Promise<ActionState> => {
  const { id } = await createInvoice(getDb(), ctx, values.patientId, draftFromForm(values));
  redirect(`/emr/billing/invoices/${id}?done=created`);
});

export const updateInvoiceAction = staffAction({ ...managing, schema: updateInvoiceSchema }, async (ctx, values): Promise<ActionState> => {
  await updateDraftInvoice(getDb(), ctx, values.invoiceId, draftFromForm(values));
  refresh();
  return { ok: true, message: 'Draft saved.' };
});

export const sendInvoiceAction = staffAction({ ...managing, schema: invoiceIdSchema }, async (ctx, { invoiceId }): Promise<ActionState> => {
  dispatchSoon(); // the notice it queues (invoice, receipt, refund) goes out after the response
  const sent = await openInvoice(getDb(), ctx, invoiceId);
  // A new address: the draft's "saved" notice must not stay on the page of a sent invoice.
  redirect(`/emr/billing/invoices/${invoiceId}?done=${sent.total === 0 ? 'sent-zero' : 'sent'}`);
});

export const deleteDraftAction = staffAction({ ...managing, schema: deleteDraftSchema }, async (ctx, { invoiceId, patientId }): Promise<ActionState> => {
  await deleteDraftInvoice(getDb(), ctx, invoiceId);
  redirect(`/emr/patients/${patientId}/billing?done=deleted`);
});

export const voidInvoiceAction = staffAction({ ...managing, schema: closeInvoiceSchema }, async (ctx, { invoiceId, reason }): Promise<ActionState> => {
  await voidInvoice(getDb(), ctx, invoiceId, reason);
  refresh();
  return { ok: true, message: 'The invoice is void. Nothing more is owed on it.' };
});

export const writeOffInvoiceAction = staffAction({ ...managing, schema: closeInvoiceSchema }, async (ctx, { invoiceId, reason }): Promise<ActionState> => {
  await writeOffInvoice(getDb(), ctx, invoiceId, reason);
  refresh();
  return { ok: true, message: 'What was still owed is written off.' };
});

export const adjustInvoiceAction = staffAction({ ...managing, schema: adjustmentSchema }, async (ctx, values): Promise<ActionState> => {
  const input = adjustmentFromForm(values);
  const { due } = await postAdjustment(getDb(), ctx, values.invoiceId, input);
  refresh();
  return { ok: true, message: `${input.amount < 0 ? 'Credit' : 'Charge'} of ${formatMoney(Math.abs(input.amount), input.currency)} added. Now due: ${formatMoney(due, input.currency)}.` };
});

export const invoiceVisitAction = staffAction({ ...managing, schema: visitInvoiceSchema }, async (ctx, { appointmentId }): Promise<ActionState> => {
  const { id } = await invoiceFromVisit(getDb(), ctx, appointmentId);
  redirect(`/emr/billing/invoices/${id}?done=created`);
});

export const noShowFeeAction = staffAction({ ...managing, schema: noShowFeeSchema }, async (ctx, values): Promise<ActionState> => {
  const { id } = await noShowFeeInvoice(getDb(), ctx, values.appointmentId, noShowFeeFromForm(values));
  redirect(`/emr/billing/invoices/${id}?done=created`);
});

export const recordDeskPaymentAction = staffAction({ ...managing, schema: deskPaymentSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // the notice it queues (invoice, receipt, refund) goes out after the response
  const input = deskPaymentFromForm(values);
  const payment = await recordDeskPayment(getDb(), ctx, input);
  refresh();
  return deskPaymentOutcome(payment, formatMoney(input.amount, values.currency));
});

export const chargeCardOnFileAction = staffAction({ ...managing, schema: chargeCardSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // the notice it queues (invoice, receipt, refund) goes out after the response
  const payment = await chargeSavedCard(getDb(), ctx, values);
  // A decline used up this attempt key: the refreshed page carries a new one for a retry.
  refresh();
  return chargeOutcome(payment);
});

export const refundPaymentAction = staffAction({ ...managing, schema: refundSchema }, async (ctx, values): Promise<ActionState> => {
  dispatchSoon(); // the notice it queues (invoice, receipt, refund) goes out after the response
  const input = refundFromForm(values);
  const refund = await refundPayment(getDb(), ctx, values.paymentId, input);
  refresh();
  return refundOutcome(refund, formatMoney(input.amount, values.currency));
});
