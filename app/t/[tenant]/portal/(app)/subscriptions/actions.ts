'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { portalAction, type RuleWords } from '@/lib/actions/wrappers';
import { portalSubscriptionSchemas as schemas } from '@/lib/commerce/subscription-forms';
import { cancelSubscription, pauseSubscription, rescheduleSubscription, resumeSubscription, skipNextCycle } from '@/lib/commerce/subscriptions';
import { subscriptionsMessages, type SubscriptionsKey } from '@/lib/i18n/messages/subscriptions';

/**
 * The portal's subscription actions: the patient is the session's selected patient (lib checks
 * the subscription is theirs: anyone else's answers "no longer available"), and each change is
 * allowed only as the clinic's settings allow it. Success goes back to the subscription's page
 * with a notice, so the forms work without JavaScript.
 */

// lib's refusals (English, by code) in the patient's language: the catalogue's `rule_<code>`, on the form and on its field.
const rules = Object.fromEntries(
  (Object.keys(subscriptionsMessages.en) as SubscriptionsKey[]).filter((key) => key.startsWith('rule_')).map((key) => [key.slice('rule_'.length), { message: key, fields: key }]),
) as Record<string, RuleWords<SubscriptionsKey>>;

const spec = {
  catalog: subscriptionsMessages,
  messages: { invalid: 'fixErrors', notFound: 'errNotFound', busy: 'errBusy', conflict: 'errBusy' },
  rules,
} as const;

function done(subscriptionId: string, what: 'skipped' | 'paused' | 'resumed' | 'rescheduled' | 'cancelled'): never {
  revalidatePath('/portal/subscriptions');
  redirect(`/portal/subscriptions/${subscriptionId}?done=${what}`);
}

export const skipNextCycleAction = portalAction(
  { area: 'orders', ...spec, schema: schemas.subscriptionId },
  async (ctx, { subscriptionId }): Promise<ActionState> => {
    await skipNextCycle(getDb(), ctx, subscriptionId);
    done(subscriptionId, 'skipped');
  },
);

export const pauseSubscriptionAction = portalAction(
  { area: 'orders', ...spec, schema: schemas.pause, echo: ['until'] },
  async (ctx, { subscriptionId, until }): Promise<ActionState> => {
    await pauseSubscription(getDb(), ctx, subscriptionId, until);
    done(subscriptionId, 'paused');
  },
);

export const resumeSubscriptionAction = portalAction(
  { area: 'orders', ...spec, schema: schemas.subscriptionId },
  async (ctx, { subscriptionId }): Promise<ActionState> => {
    await resumeSubscription(getDb(), ctx, subscriptionId);
    done(subscriptionId, 'resumed');
  },
);

export const rescheduleSubscriptionAction = portalAction(
  { area: 'orders', ...spec, schema: schemas.reschedule, echo: ['date'] },
  async (ctx, { subscriptionId, date }): Promise<ActionState> => {
    await rescheduleSubscription(getDb(), ctx, subscriptionId, date);
    done(subscriptionId, 'rescheduled');
  },
);

export const cancelSubscriptionAction = portalAction(
  { area: 'orders', ...spec, schema: schemas.cancel, echo: ['reason', 'other'] },
  async (ctx, { subscriptionId, reason, other }): Promise<ActionState> => {
    await cancelSubscription(getDb(), ctx, subscriptionId, { reason, other: other ?? null });
    done(subscriptionId, 'cancelled');
  },
);
