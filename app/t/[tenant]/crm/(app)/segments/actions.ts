'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction, staffCall } from '@/lib/actions/wrappers';
import { RuleError } from '@/lib/kernel/errors';
import {
  createSegmentSchema, filterFromForm, onSlots, SEGMENT_ECHO, segmentCountSchema, segmentFromForm, segmentIdSchema, updateSegmentSchema,
  type SegmentCountState,
} from '@/lib/engagement/segments/forms';
import { archiveSegment, countSegmentForStaff, createSegment, restoreSegment, updateSegment } from '@/lib/engagement/segments/segments';

/**
 * CRM → Segments (issue 18 point 6): add, edit, archive and restore segments, and the builder's
 * live count, each with campaigns.manage (lib/ checks it again). A refusal about a condition
 * (a service of another clinic) shows on the slot it was typed in.
 */

const managing = {
  area: 'crm',
  permission: 'campaigns.manage',
  messages: {
    notFound: 'This segment no longer exists. Reload the page to see the current list.',
    forbidden: 'You don’t have permission to change segments.',
  },
} as const;

/** lib's refusal about a condition, moved to the slot the condition was typed in. */
async function onTheirSlots<T>(slots: number[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof RuleError ? onSlots(error, slots) : error;
  }
}

export const createSegmentAction = staffAction({ ...managing, schema: createSegmentSchema, echo: SEGMENT_ECHO }, async (ctx, values): Promise<ActionState> => {
  const { input, slots } = segmentFromForm(values);
  const { id } = await onTheirSlots(slots, () => createSegment(getDb(), ctx, input));
  redirect(`/crm/segments/${id}?done=created`);
});

export const updateSegmentAction = staffAction({ ...managing, schema: updateSegmentSchema, echo: SEGMENT_ECHO }, async (ctx, values): Promise<ActionState> => {
  const { input, slots } = segmentFromForm(values);
  const { changed } = await onTheirSlots(slots, () => updateSegment(getDb(), ctx, values.segmentId as string, input));
  if (!changed) return { ok: true, message: 'Nothing to save: the segment is already as shown.' };
  refresh();
  return { ok: true, message: 'Segment saved.' };
});

export const archiveSegmentAction = staffAction({ ...managing, schema: segmentIdSchema }, async (ctx, { segmentId }): Promise<ActionState> => {
  const { changed } = await archiveSegment(getDb(), ctx, segmentId);
  refresh();
  return { ok: true, message: changed ? 'Archived: new campaigns no longer offer it.' : 'The segment was already archived.' };
});

export const restoreSegmentAction = staffAction({ ...managing, schema: segmentIdSchema }, async (ctx, { segmentId }): Promise<ActionState> => {
  const { changed } = await restoreSegment(getDb(), ctx, segmentId);
  refresh();
  return { ok: true, message: changed ? 'Restored: campaigns can go to it again.' : 'The segment was already active.' };
});

/** The builder's live count: the number of the clinic's patients the conditions take, never who. */
export const countSegmentAction = staffCall({ ...managing, schema: segmentCountSchema }, async (ctx, values): Promise<SegmentCountState> => {
  return { ok: true, count: await countSegmentForStaff(getDb(), ctx, filterFromForm(values).filter) };
});
