'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { staffSubscriptionSchemas as schemas } from '@/lib/commerce/subscription-forms';
import {
  cancelSubscription, changeSubscriptionPhase, pauseSubscription, rescheduleSubscription, resumeSubscription, skipNextCycle,
} from '@/lib/commerce/subscriptions';

/**
 * The EMR's subscription actions (orders.manage, re-checked in lib): what a patient may do, without
 * the clinic's limits on patients, and moving the subscription to another phase. Another clinic's
 * subscription answers "no longer exists". Success goes back to the subscription's page with a notice.
 */

const spec = { area: 'emr', permission: 'orders.manage' } as const;

function done(subscriptionId: string, what: string): never {
  revalidatePath('/emr/orders/subscriptions');
  redirect(`/emr/orders/subscriptions/${subscriptionId}?done=${what}`);
}

export const staffSkipNextCycleAction = staffAction({ ...spec, schema: schemas.subscriptionId }, async (ctx, { subscriptionId }): Promise<ActionState> => {
  await skipNextCycle(getDb(), ctx, subscriptionId);
  done(subscriptionId, 'skipped');
});

export const staffPauseSubscriptionAction = staffAction({ ...spec, schema: schemas.pause, echo: ['until'] }, async (ctx, { subscriptionId, until }): Promise<ActionState> => {
  await pauseSubscription(getDb(), ctx, subscriptionId, until);
  done(subscriptionId, 'paused');
});

export const staffResumeSubscriptionAction = staffAction({ ...spec, schema: schemas.subscriptionId }, async (ctx, { subscriptionId }): Promise<ActionState> => {
  await resumeSubscription(getDb(), ctx, subscriptionId);
  done(subscriptionId, 'resumed');
});

export const staffRescheduleSubscriptionAction = staffAction({ ...spec, schema: schemas.reschedule, echo: ['date'] }, async (ctx, { subscriptionId, date }): Promise<ActionState> => {
  await rescheduleSubscription(getDb(), ctx, subscriptionId, date);
  done(subscriptionId, 'rescheduled');
});

export const staffCancelSubscriptionAction = staffAction({ ...spec, schema: schemas.cancel, echo: ['reason', 'other'] }, async (ctx, { subscriptionId, reason, other }): Promise<ActionState> => {
  await cancelSubscription(getDb(), ctx, subscriptionId, { reason, other: other ?? null });
  done(subscriptionId, 'cancelled');
});

export const staffChangePhaseAction = staffAction({ ...spec, schema: schemas.phase }, async (ctx, { subscriptionId, position }): Promise<ActionState> => {
  await changeSubscriptionPhase(getDb(), ctx, subscriptionId, position);
  done(subscriptionId, 'phase');
});
