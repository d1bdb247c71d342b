'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { createAccessLevel, deleteAccessLevel, renameAccessLevel, updatePermissionMatrix } from '@/lib/access-levels/access-levels';
import { accessLevelFailure } from '@/lib/access-levels/errors';
import { requireStaff } from '@/lib/auth/staff-session';
import { formFields, type SettingsActionState } from '@/lib/settings/action-state';

function changed() {
  revalidatePath('/crm/access-levels');
  // The users page lists the levels in its pickers.
  revalidatePath('/crm/users');
}

export async function createAccessLevelAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const values = formFields(form, ['name']);
  try {
    await createAccessLevel(getDb(), ctx, values);
  } catch (error) {
    return accessLevelFailure(error, values);
  }
  changed();
  return { ok: true, message: `“${values.name?.trim()}” created. Tick its permissions in the matrix below and save.` };
}

/**
 * The matrix form lists each editable level in `level` (so a column with every box unticked
 * still arrives) and its ticked permissions as `p:{levelId}`.
 */
export async function savePermissionMatrixAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const matrix: Record<string, string[]> = {};
  for (const levelId of form.getAll('level')) {
    if (typeof levelId !== 'string') continue;
    matrix[levelId] = form.getAll(`p:${levelId}`).filter((v): v is string => typeof v === 'string');
  }
  let count: number;
  try {
    count = (await updatePermissionMatrix(getDb(), ctx, matrix)).changed;
  } catch (error) {
    return accessLevelFailure(error);
  }
  if (count === 0) return { ok: true, message: 'No permissions changed.' };
  changed();
  return {
    ok: true,
    message: `Saved ${count === 1 ? '1 level' : `${count} levels`}. People with ${count === 1 ? 'it' : 'them'} get the new permissions on their next page load.`,
  };
}

export async function renameAccessLevelAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  const values = formFields(form, ['name']);
  try {
    const result = await renameAccessLevel(getDb(), ctx, String(form.get('levelId') ?? ''), values);
    if (!result.changed) return { ok: true, message: 'The name is unchanged.', values };
  } catch (error) {
    return accessLevelFailure(error, values);
  }
  changed();
  return { ok: true, message: 'Renamed.', values };
}

export async function deleteAccessLevelAction(_: SettingsActionState, form: FormData): Promise<SettingsActionState> {
  const ctx = await requireStaff('crm', 'users.manage');
  let name: string;
  try {
    name = (await deleteAccessLevel(getDb(), ctx, String(form.get('levelId') ?? ''))).name;
  } catch (error) {
    return accessLevelFailure(error);
  }
  changed();
  return { ok: true, message: `“${name}” deleted.` };
}
