'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import type { ActionState } from '@/lib/actions/result';
import { staffAction } from '@/lib/actions/wrappers';
import { assignTaskSchema, createTaskSchema, taskStatusSchema, updateTaskSchema } from '@/lib/engagement/task-forms';
import { assignTask, completeTask, createTask, reopenTask, updateTask } from '@/lib/engagement/tasks';

/**
 * The EMR's task actions (issue 18 point 5): create, edit, reassign, done and reopen. Each needs
 * tasks.manage (lib/ checks it again) and refreshes the page it was posted from; a new task
 * opens its own page.
 */

const managing = {
  area: 'emr',
  permission: 'tasks.manage',
  messages: {
    notFound: 'This task no longer exists. Reload the page.',
    forbidden: 'You don’t have permission to work on tasks.',
  },
} as const;

export const createTaskAction = staffAction({ ...managing, schema: createTaskSchema, echo: ['title', 'details', 'dueOn'] }, async (ctx, values): Promise<ActionState> => {
  const { id } = await createTask(getDb(), ctx, values);
  redirect(`/emr/tasks/${id}?created=1`);
});

export const updateTaskAction = staffAction({ ...managing, schema: updateTaskSchema }, async (ctx, values): Promise<ActionState> => {
  const { changed } = await updateTask(getDb(), ctx, values);
  refresh();
  return { ok: true, message: changed ? 'Saved.' : 'Nothing to save: the task already says that.' };
});

export const assignTaskAction = staffAction({ ...managing, schema: assignTaskSchema }, async (ctx, values): Promise<ActionState> => {
  const { changed } = await assignTask(getDb(), ctx, values);
  refresh();
  if (!changed) return { ok: true, message: 'The task is already assigned that way.' };
  return { ok: true, message: values.assigneeStaffId || values.assigneeTeam ? 'Assignment saved.' : 'The task is no longer assigned: it shows under Unassigned.' };
});

export const completeTaskAction = staffAction({ ...managing, schema: taskStatusSchema }, async (ctx, values): Promise<ActionState> => {
  const { changed, doneByStaffId } = await completeTask(getDb(), ctx, values);
  refresh();
  if (changed) return { ok: true, message: 'Marked done.' };
  return { ok: true, message: doneByStaffId === ctx.actor.id ? 'You already marked this task done.' : 'Someone already marked this task done.' };
});

export const reopenTaskAction = staffAction({ ...managing, schema: taskStatusSchema }, async (ctx, values): Promise<ActionState> => {
  const { changed } = await reopenTask(getDb(), ctx, values);
  refresh();
  return { ok: true, message: changed ? 'Reopened: the task is open again.' : 'The task is already open.' };
});
