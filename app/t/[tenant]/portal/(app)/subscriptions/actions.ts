'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction } from '@/lib/actions/wrappers';
import { portalSubscriptionSchemas as schemas } from '@/lib/commerce/subscription-forms';
import {
  cancelSubscription, pauseSubscription, rescheduleSubscription, resumeSubscription, skipNextCycle, SubscriptionRuleError,
} from '@/lib/commerce/subscriptions';
import type { Translate } from '@/lib/i18n/core';
import { subscriptionsMessages, type SubscriptionsKey } from '@/lib/i18n/messages/subscriptions';

/**
 * The portal's subscription actions: the patient is the session's selected patient (lib checks
 * the subscription is theirs: anyone else's answers "no longer available"), and each change is
 * allowed only as the clinic's settings allow it. Success goes back to the subscription's page
 * with a notice, so the forms work without JavaScript.
 */

type T = Translate<typeof subscriptionsMessages.en>;

const spec = {
  catalog: subscriptionsMessages,
  messages: { invalid: 'fixErrors', notFound: 'errNotFound', busy: 'errBusy', conflict: 'errBusy' },
} as const;

/** lib's refusal (English, by code) in the patient's language, on the form and on its field. */
async function refusedIn(t: T, change: () => Promise<void>): Promise<ActionState | null> {
  try {
    await change();
    return null;
  } catch (error) {
    if (!(error instanceof SubscriptionRuleError)) throw error;
    const message = t(`rule_${error.code}` as SubscriptionsKey);
    const field = Object.keys(error.fieldErrors ?? {})[0];
    return { ok: false, message, ...(field ? { fieldErrors: { [field]: message } } : {}) };
  }
}

function done(subscriptionId: string, what: 'skipped' | 'paused' | 'resumed' | 'rescheduled' | 'cancelled'): never {
  revalidatePath('/portal/subscriptions');
  redirect(`/portal/subscriptions/${subscriptionId}?done=${what}`);
}

export const skipNextCycleAction = portalAction(
  { ...spec, schema: schemas.subscriptionId },
  async (ctx, { subscriptionId }, { t }): Promise<ActionState> => (await refusedIn(t, () => skipNextCycle(getDb(), ctx, subscriptionId))) ?? done(subscriptionId, 'skipped'),
);

export const pauseSubscriptionAction = portalAction(
  { ...spec, schema: schemas.pause, echo: ['until'] },
  async (ctx, { subscriptionId, until }, { t }): Promise<ActionState> => (await refusedIn(t, () => pauseSubscription(getDb(), ctx, subscriptionId, until))) ?? done(subscriptionId, 'paused'),
);

export const resumeSubscriptionAction = portalAction(
  { ...spec, schema: schemas.subscriptionId },
  async (ctx, { subscriptionId }, { t }): Promise<ActionState> => (await refusedIn(t, () => resumeSubscription(getDb(), ctx, subscriptionId))) ?? done(subscriptionId, 'resumed'),
);

export const rescheduleSubscriptionAction = portalAction(
  { ...spec, schema: schemas.reschedule, echo: ['date'] },
  async (ctx, { subscriptionId, date }, { t }): Promise<ActionState> => (await refusedIn(t, () => rescheduleSubscription(getDb(), ctx, subscriptionId, date))) ?? done(subscriptionId, 'rescheduled'),
);

export const cancelSubscriptionAction = portalAction(
  { ...spec, schema: schemas.cancel, echo: ['reason', 'other'] },
  async (ctx, { subscriptionId, reason, other }, { t }): Promise<ActionState> =>
    (await refusedIn(t, () => cancelSubscription(getDb(), ctx, subscriptionId, { reason, other: other ?? null }))) ?? done(subscriptionId, 'cancelled'),
);
