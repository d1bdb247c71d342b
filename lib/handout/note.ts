import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantSettings } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { parseSettings } from '@/lib/settings/schemas';
import { handoutNoteSchema } from './schemas';

/** Audit action names of the handout (`domain.verb`, as lib/audit/actions.ts). */
export const HandoutAuditActions = {
  noteChanged: 'settings.handout_note_changed',
} as const;

/** The clinic's own paragraph on the portal handout; null when it has none. Needs `settings.manage`. */
export async function getHandoutNote(db: Executor, ctx: StaffContext): Promise<string | null> {
  assertPermission(ctx, 'settings.manage');
  const [row] = await db.select({ note: tenantSettings.handoutNote }).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id));
  if (!row) throw new NotFoundError('settings');
  return row.note;
}

/**
 * Saves the paragraph (blank removes it). Audited with before and after, as the other clinic
 * settings are: it is the clinic's public wording, never a patient's information.
 */
export async function updateHandoutNote(db: Executor, ctx: StaffContext, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const { note } = parseSettings(handoutNoteSchema, input);
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ note: tenantSettings.handoutNote }).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id)).for('update');
    if (!before) throw new NotFoundError('settings');
    if (before.note === note) return { changed: false };
    await tx.update(tenantSettings).set({ handoutNote: note, updatedAt: now() }).where(eq(tenantSettings.tenantId, ctx.tenant.id));
    await recordAudit(tx, ctx, {
      action: HandoutAuditActions.noteChanged,
      target: { type: 'tenant_settings', id: ctx.tenant.id },
      details: { changed: { handoutNote: { before: before.note, after: note } } },
    });
    return { changed: true };
  });
}
