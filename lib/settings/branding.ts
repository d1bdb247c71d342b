import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantBranding } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { SettingsAuditActions } from './audit-actions';
import { checkBrandColor } from './brand-color';
import { changedFields, SettingsRuleError } from './errors';
import { brandingSchema, parseSettings } from './schemas';

/** Branding the CRM edits (logo and favicon are uploaded separately). Needs `settings.manage`. */

export async function getBranding(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  const [row] = await db
    .select({
      displayName: tenantBranding.displayName,
      primaryColor: tenantBranding.primaryColor,
      theme: tenantBranding.theme,
      logoUrl: tenantBranding.logoUrl,
    })
    .from(tenantBranding)
    .where(eq(tenantBranding.tenantId, ctx.tenant.id));
  if (!row) throw new NotFoundError('branding');
  return row;
}

/**
 * Saves name, colour and theme. A colour whose text would not read at AA is refused with a
 * suggestion; nothing is written. Returns whether anything changed (callers revalidate).
 */
export async function updateBranding(db: Executor, ctx: StaffContext, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(brandingSchema, input);
  const check = checkBrandColor(data.primaryColor);
  if (!check.passes) {
    throw new SettingsRuleError('poor-contrast', { color: data.primaryColor, suggestion: check.suggestion!, ratio: String(check.ratio) });
  }
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ displayName: tenantBranding.displayName, primaryColor: tenantBranding.primaryColor, theme: tenantBranding.theme })
      .from(tenantBranding)
      .where(eq(tenantBranding.tenantId, ctx.tenant.id))
      .for('update');
    if (!before) throw new NotFoundError('branding');
    const changed = changedFields(before, data);
    if (Object.keys(changed).length === 0) return { changed: false };
    await tx
      .update(tenantBranding)
      .set({ displayName: data.displayName, primaryColor: data.primaryColor, theme: data.theme, updatedAt: now() })
      .where(eq(tenantBranding.tenantId, ctx.tenant.id));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.brandingChanged,
      target: { type: 'tenant_branding', id: ctx.tenant.id }, details: { changed },
    });
    return { changed: true };
  });
}
