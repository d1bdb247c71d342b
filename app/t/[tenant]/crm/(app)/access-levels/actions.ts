'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { createAccessLevel, deleteAccessLevel, renameAccessLevel, updatePermissionMatrix } from '@/lib/access-levels/access-levels';
import { ACCESS_LEVEL_MESSAGES } from '@/lib/access-levels/errors';
import { staffAction } from '@/lib/actions/wrappers';
import type { SettingsActionState } from '@/lib/settings/action-state';

const levels = { area: 'crm', permission: 'users.manage', messages: ACCESS_LEVEL_MESSAGES } as const;

function changed() {
  revalidatePath('/crm/access-levels');
  // The users page lists the levels in its pickers.
  revalidatePath('/crm/users');
}

export const createAccessLevelAction = staffAction({ ...levels, pick: ['name'] }, async (ctx, values): Promise<SettingsActionState> => {
  await createAccessLevel(getDb(), ctx, values);
  changed();
  return { ok: true, message: `“${values.name?.trim()}” created. Tick its permissions in the matrix below and save.` };
});

/**
 * The matrix form lists each editable level in `level` (so a column with every box unticked
 * still arrives) and its ticked permissions as `p:{levelId}`.
 */
export const savePermissionMatrixAction = staffAction(levels, async (ctx, _input, { form }): Promise<SettingsActionState> => {
  const matrix: Record<string, string[]> = {};
  for (const levelId of form?.getAll('level') ?? []) {
    if (typeof levelId !== 'string') continue;
    matrix[levelId] = form!.getAll(`p:${levelId}`).filter((v): v is string => typeof v === 'string');
  }
  const count = (await updatePermissionMatrix(getDb(), ctx, matrix)).changed;
  if (count === 0) return { ok: true, message: 'No permissions changed.' };
  changed();
  return {
    ok: true,
    message: `Saved ${count === 1 ? '1 level' : `${count} levels`}. People with ${count === 1 ? 'it' : 'them'} get the new permissions on their next page load.`,
  };
});

export const renameAccessLevelAction = staffAction({ ...levels, pick: ['name', 'levelId'] }, async (ctx, { levelId = '', ...values }): Promise<SettingsActionState> => {
  const result = await renameAccessLevel(getDb(), ctx, levelId, values);
  if (!result.changed) return { ok: true, message: 'The name is unchanged.', values };
  changed();
  return { ok: true, message: 'Renamed.', values };
});

export const deleteAccessLevelAction = staffAction({ ...levels, pick: ['levelId'] }, async (ctx, { levelId = '' }): Promise<SettingsActionState> => {
  const { name } = await deleteAccessLevel(getDb(), ctx, levelId);
  changed();
  return { ok: true, message: `“${name}” deleted.` };
});
