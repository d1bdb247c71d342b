import type { OrderStatus } from '@/db/schema/commerce';
import { isCalendarDate } from '@/lib/billing/invoice-forms';
import { STRICT_FORM } from '@/lib/billing/settings-forms';
import { isUuid } from '@/lib/kernel/ids';
import { withoutControlChars } from '@/lib/validation/text';
import { z } from '@/lib/validation/zod';

/**
 * The EMR's order forms (issue 17 point 5), shared by the browser (useActionForm) and the server
 * actions; browser-safe. The list's filters are search params, read leniently (a bad value is
 * no filter, never an error). Forms that move money (retry the payment, cancel with a refund)
 * carry `attemptKey`, a UUID written into the page when it was shown, so a second click or a
 * resent form is the same attempt.
 */

export const ORDER_STATUSES = [
  'pending', 'awaiting_payment', 'processing', 'awaiting_requirements', 'awaiting_review',
  'awaiting_fulfilment', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded',
] as const satisfies readonly OrderStatus[];

export const ORDER_FORM_LIMITS = { note: 2000, moveNote: 500, reason: 500, team: 60 } as const;

/**
 * The list's views: every order, or "Needs attention" and each of its buckets: failed payments,
 * requirements past their due date, shipment exceptions, and orders waiting for a clinician's
 * review longer than ORDER_REVIEW_WAIT_DAYS.
 */
export const ORDER_VIEWS = ['all', 'attention', 'failed_payment', 'requirements_overdue', 'shipment_exception', 'review_waiting'] as const;
export type OrderView = (typeof ORDER_VIEWS)[number];
export const ORDER_VIEW_LABELS: Record<OrderView, string> = {
  all: 'All orders',
  attention: 'Needs attention',
  failed_payment: 'Failed payments',
  requirements_overdue: 'Requirements overdue',
  shipment_exception: 'Shipment exceptions',
  review_waiting: 'Waiting for review',
};
export const ORDER_REVIEW_WAIT_DAYS = 2;

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const pick = <T extends string>(values: readonly T[]) => (v: unknown): T | undefined => {
  const value = first(v);
  return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as T) : undefined;
};
const dateParam = (v: unknown) => {
  const value = first(v);
  return typeof value === 'string' && isCalendarDate(value) ? value : undefined;
};

/**
 * Who an order is assigned to, as the filter and the assignment form post it: `me`, `none`,
 * `staff:<id>` or `team:<name>`.
 */
export type AssigneeFilter = { kind: 'me' } | { kind: 'none' } | { kind: 'staff'; id: string } | { kind: 'team'; name: string };

export function parseAssigneeFilter(v: unknown): AssigneeFilter | undefined {
  const value = first(v);
  if (typeof value !== 'string') return undefined;
  if (value === 'me') return { kind: 'me' };
  if (value === 'none') return { kind: 'none' };
  if (value.startsWith('staff:') && isUuid(value.slice(6))) return { kind: 'staff', id: value.slice(6) };
  if (value.startsWith('team:')) {
    const name = value.slice(5).trim();
    if (name.length > 0 && name.length <= ORDER_FORM_LIMITS.team && !/[\u0000-\u001f\u007f]/.test(name)) return { kind: 'team', name };
  }
  return undefined;
}

export function assigneeFilterValue(filter: AssigneeFilter | undefined): string {
  if (!filter) return '';
  switch (filter.kind) {
    case 'staff': return `staff:${filter.id}`;
    case 'team': return `team:${filter.name}`;
    default: return filter.kind;
  }
}

/** /emr/orders's search params: a bad value is no filter, never an error. */
export function orderListQuery(params: Record<string, unknown>) {
  const from = dateParam(params.from);
  const to = dateParam(params.to);
  const page = first(params.page);
  return {
    view: pick(ORDER_VIEWS)(params.view) ?? 'all',
    status: pick(ORDER_STATUSES)(params.status),
    assignee: parseAssigneeFilter(params.assignee),
    productId: isUuid(first(params.product)) ? (first(params.product) as string) : undefined,
    // A range given backwards is read the right way round.
    ...(from && to && to < from ? { from: to, to: from } : { from, to }),
    page: typeof page === 'string' && /^\d{1,5}$/.test(page) && Number(page) > 0 ? Number(page) : 1,
  };
}
export type OrderListQuery = ReturnType<typeof orderListQuery>;

const orderId = z.uuid('This order no longer exists. Reload the page.');
const attemptKey = z.uuid('This form has expired. Reload the page and try again.');
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const blankToNull = (v: unknown) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : v);

function requiredText(what: string, max: number) {
  return z.preprocess(
    trimmed,
    withoutControlChars(z.string({ error: `Enter ${what}.` })).min(1, `Enter ${what}.`).max(max, `Keep ${what} to ${max} characters or fewer.`),
  );
}

/** "Move to": one of the moves the page offered, and an optional note for the history. */
export const moveOrderSchema = z.strictObject({
  orderId,
  to: z.enum(ORDER_STATUSES, { error: 'Choose the status to move the order to.' }),
  note: z.preprocess(
    blankToNull,
    withoutControlChars(z.string({ error: 'Enter the note as text.' })).trim()
      .max(ORDER_FORM_LIMITS.moveNote, `Keep the note to ${ORDER_FORM_LIMITS.moveNote} characters or fewer.`).nullable(),
  ),
}, STRICT_FORM);
export type MoveOrderForm = z.output<typeof moveOrderSchema>;

/** "Assign": a staff member with orders access and/or one of the clinic's teams; blank clears. */
export const assignOrderSchema = z.strictObject({
  orderId,
  staffId: z.preprocess(blankToNull, z.uuid('Choose a staff member from the list.').nullable()),
  team: z.preprocess(
    blankToNull,
    withoutControlChars(z.string({ error: 'Choose a team from the list.' })).trim()
      .max(ORDER_FORM_LIMITS.team, 'Choose a team from the list.').nullable(),
  ),
}, STRICT_FORM);
export type AssignOrderForm = z.output<typeof assignOrderSchema>;

/** An internal note: staff only, never shown to the patient. */
export const orderNoteSchema = z.strictObject({
  orderId,
  body: requiredText('the note', ORDER_FORM_LIMITS.note),
}, STRICT_FORM);

/**
 * "Retry payment": charges the patient's saved card for what the page showed as due (minor
 * units, hidden); lib/billing refuses if that changed since, so nobody charges an amount unseen.
 */
export const retryPaymentSchema = z.strictObject({
  orderId,
  attemptKey,
  amount: z.preprocess(
    (v) => (typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number({ error: 'Reload the page and try again.' }).int('Reload the page and try again.').positive('Nothing is due on this order.')
      .max(1_000_000_000, 'Reload the page and try again.'),
  ),
}, STRICT_FORM);

/** "Cancel order" (not paid yet): why, kept on the order for staff. */
export const cancelOrderSchema = z.strictObject({
  orderId,
  reason: requiredText('the reason for cancelling', ORDER_FORM_LIMITS.reason),
}, STRICT_FORM);

/** "Cancel and refund" (paid): every payment of the order is refunded, then it is refunded. */
export const cancelRefundSchema = z.strictObject({
  orderId,
  attemptKey,
  reason: requiredText('the reason for the refund', ORDER_FORM_LIMITS.reason),
}, STRICT_FORM);
