import * as zm from 'zod/mini';
import type { SubscriptionStatus } from '@/db/schema/commerce';
import { formSchema } from '@/lib/validation/zod-mini';

/**
 * The subscription forms (issue 17 point 8), browser-safe: the portal's (zod/mini, messages are
 * keys of lib/i18n/messages/subscriptions.ts, checked in the browser once the page is
 * interactive) and the EMR's (English, a posted field the form does not have refused); zod/mini
 * for both, so the portal's pages ship no classic zod. Which
 * patient acts comes from the session, never a field; the subscription's id is checked again in
 * lib (another patient's or clinic's answers not found).
 */

export const SUBSCRIPTION_STATUSES = ['active', 'paused', 'past_due', 'cancelled', 'ended'] as const satisfies readonly SubscriptionStatus[];

export const SUBSCRIPTION_STATUS_LABELS: Record<SubscriptionStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  past_due: 'Past due',
  cancelled: 'Cancelled',
  ended: 'Ended',
};

/** The reasons offered when cancelling (codes; the words are the pages'). */
export const CANCEL_REASON_CODES = ['too_expensive', 'not_needed', 'switching', 'delivery', 'other'] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];

export const CANCEL_REASON_LABELS: Record<CancelReasonCode | 'payment failed', string> = {
  too_expensive: 'It costs too much',
  not_needed: 'I no longer need it',
  switching: 'I am switching to something else',
  delivery: 'Problems with delivery',
  other: 'Another reason',
  'payment failed': 'The payment failed after every retry',
};

export const OTHER_REASON_MAX = 200;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

interface Words {
  notFound: string;
  fix: string;
  pauseDate: string;
  nextDate: string;
  reason: string;
  other: string;
  phase: string;
}

/**
 * The forms' schemas with their messages: catalogue keys for the portal (the action wrapper
 * translates them), English for the EMR, where a posted field the form does not have is refused.
 */
function schemas(w: Words, strict: boolean) {
  const object = <S extends zm.core.$ZodLooseShape>(shape: S, error: string) =>
    strict ? zm.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? STRICT_FORM_MESSAGE : error) }) : zm.object(shape, { error });
  const subscriptionId = zm.uuid({ error: w.notFound });
  const date = (message: string) => zm.string({ error: message }).check(zm.trim(), zm.refine(isDate, message));
  return {
    subscriptionId: formSchema(object({ subscriptionId }, w.notFound)),
    pause: formSchema(object({ subscriptionId, until: date(w.pauseDate) }, w.fix)),
    reschedule: formSchema(object({ subscriptionId, date: date(w.nextDate) }, w.fix)),
    cancel: formSchema(object({
      subscriptionId,
      reason: zm.enum(CANCEL_REASON_CODES, { error: w.reason }),
      other: zm.optional(zm.string({ error: w.other }).check(zm.trim(), zm.maxLength(OTHER_REASON_MAX, w.other), zm.refine((v) => !CONTROL.test(v), w.other))),
    }, w.fix)),
    phase: formSchema(object({
      subscriptionId,
      position: zm.pipe(
        zm.string({ error: w.phase }).check(zm.regex(/^\d{1,4}$/, w.phase)),
        zm.transform((v: string) => Number(v)),
      ),
    }, w.fix)),
  };
}

const STRICT_FORM_MESSAGE = 'This form sent a field it does not have. Reload the page and try again.';

/** The portal's forms (/portal/subscriptions): messages are keys of the subscriptions catalogue. */
export const portalSubscriptionSchemas = schemas({
  notFound: 'errNotFound', fix: 'fixErrors', pauseDate: 'errPauseDate', nextDate: 'errNextDate', reason: 'errReason', other: 'errOther', phase: 'errNotFound',
}, false);

/** The EMR's forms (/emr/orders/subscriptions), in English. */
export const staffSubscriptionSchemas = schemas({
  notFound: 'This subscription is no longer available. Reload the page.',
  fix: 'Check the highlighted fields.',
  pauseDate: 'Enter the date the pause ends.',
  nextDate: 'Enter the new date of the next payment.',
  reason: 'Choose a reason.',
  other: `Keep the reason to ${OTHER_REASON_MAX} characters or fewer, without control characters.`,
  phase: 'Choose a phase of this product.',
}, true);

// ---------------------------------------------------------------------------------------------
// The EMR list's filters: search params, read leniently (a bad value is no filter, never an error)

export interface SubscriptionListQuery {
  status?: SubscriptionStatus;
  q?: string;
  page?: number;
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export function parseSubscriptionListQuery(params: Record<string, string | string[] | undefined>): SubscriptionListQuery {
  const status = first(params.status);
  const q = first(params.q);
  const page = Number(first(params.page));
  return {
    status: typeof status === 'string' && (SUBSCRIPTION_STATUSES as readonly string[]).includes(status) ? (status as SubscriptionStatus) : undefined,
    q: typeof q === 'string' && q.trim() !== '' ? q.trim().slice(0, 100) : undefined,
    page: Number.isInteger(page) && page > 1 && page < 10_000 ? page : undefined,
  };
}
