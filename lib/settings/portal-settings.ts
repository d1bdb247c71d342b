import 'server-only';
import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { tenantSettings } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { SettingsAuditActions } from './audit-actions';
import { changedFields } from './errors';
import { parseSettings, portalSettingsSchema } from './schemas';

/**
 * Patient portal behaviour (seed 004) edited in the CRM, with issue 19's sign-in choices,
 * self-registration and the proxy age rules, and issue 20's waitlist. Needs `settings.manage`. Form reminders
 * are not here: they are the built-in "Form due reminder" automation (CRM → Automations).
 */

const columns = {
  portalEnabled: tenantSettings.portalEnabled,
  identificationMode: tenantSettings.identificationMode,
  nationalIdLabel: tenantSettings.nationalIdLabel,
  accessMode: tenantSettings.accessMode,
  defaultDocumentNotification: tenantSettings.defaultDocumentNotification,
  patientUploadsAllowed: tenantSettings.patientUploadsAllowed,
  minNoticeMinutes: tenantSettings.minNoticeMinutes,
  bookingHorizonDays: tenantSettings.bookingHorizonDays,
  bufferMinutes: tenantSettings.bufferMinutes,
  cancellationWindowHours: tenantSettings.cancellationWindowHours,
  staffIdleTimeoutMinutes: tenantSettings.staffIdleTimeoutMinutes,
  messagingPolicy: tenantSettings.messagingPolicy,
  portalPasskeysAllowed: tenantSettings.portalPasskeysAllowed,
  portalTotpAllowed: tenantSettings.portalTotpAllowed,
  selfRegistration: tenantSettings.selfRegistration,
  proxyAgeRules: tenantSettings.proxyAgeRules,
  proxyTeenAge: tenantSettings.proxyTeenAge,
  proxyAdultAge: tenantSettings.proxyAdultAge,
  waitlistPortal: tenantSettings.waitlistPortal,
  waitlistOfferMinutes: tenantSettings.waitlistOfferMinutes,
  waitlistOfferBatch: tenantSettings.waitlistOfferBatch,
};

export async function getPortalSettings(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  const [row] = await db.select(columns).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id));
  if (!row) throw new NotFoundError('settings');
  return row;
}

/** Saves every field of the form at once; the audit entry lists the fields that changed. */
export async function updatePortalSettings(db: Executor, ctx: StaffContext, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(portalSettingsSchema, input);
  return db.transaction(async (tx) => {
    const [before] = await tx.select(columns).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id)).for('update');
    if (!before) throw new NotFoundError('settings');
    const changed = changedFields(before, data);
    if (Object.keys(changed).length === 0) return { changed: false };
    await tx
      .update(tenantSettings)
      .set({
        portalEnabled: data.portalEnabled,
        identificationMode: data.identificationMode,
        nationalIdLabel: data.nationalIdLabel,
        accessMode: data.accessMode,
        defaultDocumentNotification: data.defaultDocumentNotification,
        patientUploadsAllowed: data.patientUploadsAllowed,
        minNoticeMinutes: data.minNoticeMinutes,
        bookingHorizonDays: data.bookingHorizonDays,
        bufferMinutes: data.bufferMinutes,
        cancellationWindowHours: data.cancellationWindowHours,
        staffIdleTimeoutMinutes: data.staffIdleTimeoutMinutes,
        messagingPolicy: data.messagingPolicy,
        portalPasskeysAllowed: data.portalPasskeysAllowed,
        portalTotpAllowed: data.portalTotpAllowed,
        selfRegistration: data.selfRegistration,
        proxyAgeRules: data.proxyAgeRules,
        proxyTeenAge: data.proxyTeenAge,
        proxyAdultAge: data.proxyAdultAge,
        waitlistPortal: data.waitlistPortal,
        waitlistOfferMinutes: data.waitlistOfferMinutes,
        waitlistOfferBatch: data.waitlistOfferBatch,
        updatedAt: now(),
      })
      .where(eq(tenantSettings.tenantId, ctx.tenant.id));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.portalChanged,
      target: { type: 'tenant_settings', id: ctx.tenant.id }, details: { changed },
    });
    return { changed: true };
  });
}

export type PortalSettingsView = Awaited<ReturnType<typeof getPortalSettings>>;
