import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { services } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { mergeTranslations, sameTranslations } from '@/lib/i18n/clinic-text';
import { clinicDefaultLanguage } from '@/lib/i18n/clinic-text-sql';
import { changedFields } from '@/lib/settings/errors';
import { parseSettings } from '@/lib/settings/schemas';
import { findClinicRow, listClinicRows, mostUsedValue } from '@/lib/settings/clinic-rows';
import { clinicNameTaken, withUniqueName } from '@/lib/settings/unique-name';
import { ServiceRuleError } from './errors';
import { replaceServiceRequiredForms } from './required-forms';
import { SERVICE_TRANSLATED_FIELDS, serviceSchema } from './schemas';
import { numberFormat } from '@/lib/intl/number-format';

/**
 * What a clinic offers: name, duration, optional price, whether patients can book it online and
 * whether it is a video visit. Services are deactivated, never deleted: appointments point at
 * them. Needs `settings.manage`.
 */

export const ServiceAuditActions = {
  added: 'settings.service_added',
  changed: 'settings.service_changed',
} as const;

const view = {
  id: services.id,
  name: services.name,
  description: services.description,
  durationMinutes: services.durationMinutes,
  priceCents: services.priceCents,
  currency: services.currency,
  bookableOnline: services.bookableOnline,
  isVideo: services.isVideo,
  active: services.active,
  translations: services.translations,
};

export async function listServices(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  return listClinicRows(db, ctx, services, view);
}
export type ServiceView = Awaited<ReturnType<typeof listServices>>[number];

function targetService(db: Executor, ctx: StaffContext, serviceId: string, lock = false) {
  return findClinicRow(db, ctx, services, view, serviceId, 'service', lock);
}

export async function getService(db: Executor, ctx: StaffContext, serviceId: string): Promise<ServiceView> {
  assertPermission(ctx, 'settings.manage');
  return targetService(db, ctx, serviceId);
}

/**
 * The clinic has no currency setting of its own yet: a new service takes the currency its other
 * services use, else USD (the column's default).
 */
export async function clinicCurrency(db: Executor, ctx: StaffContext): Promise<string> {
  assertPermission(ctx, 'settings.manage');
  return (await mostUsedValue(db, ctx, services, services.currency)) ?? 'USD';
}

export async function createService(db: Executor, ctx: StaffContext, input: unknown): Promise<{ id: string }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(serviceSchema, input);
  const [currency, language] = await Promise.all([clinicCurrency(db, ctx), clinicDefaultLanguage(db, ctx.tenant.id)]);
  // The name and description in the portal's other languages; none stored blank.
  const translations = mergeTranslations({}, data, SERVICE_TRANSLATED_FIELDS, language);
  const taken = () => new ServiceRuleError('name-taken', { name: data.name });
  return withUniqueName(taken, () => db.transaction(async (tx) => {
    if (await clinicNameTaken(tx, ctx, services, data.name)) throw taken();
    const [row] = await tx
      .insert(services)
      .values({
        tenantId: ctx.tenant.id,
        name: data.name,
        description: data.description,
        durationMinutes: data.durationMinutes,
        priceCents: data.price,
        currency,
        bookableOnline: data.bookableOnline,
        isVideo: data.isVideo,
        active: data.active,
        translations,
      })
      .returning({ id: services.id });
    const forms = await replaceServiceRequiredForms(tx, ctx, row!.id, data.requiredFormIds ?? []);
    await recordAudit(tx, ctx, {
      action: ServiceAuditActions.added,
      target: { type: 'service', id: row!.id },
      details: {
        after: { name: data.name, description: data.description, durationMinutes: data.durationMinutes, priceCents: data.price, currency, bookableOnline: data.bookableOnline, isVideo: data.isVideo, active: data.active, translations },
        ...(forms.added.length ? { requiredForms: forms } : {}),
      },
    });
    return { id: row!.id };
  }));
}

export async function updateService(db: Executor, ctx: StaffContext, serviceId: string, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(serviceSchema, input);
  const language = await clinicDefaultLanguage(db, ctx.tenant.id);
  const taken = () => new ServiceRuleError('name-taken', { name: data.name });
  return withUniqueName(taken, () => db.transaction(async (tx) => {
    const { translations: savedTranslations, ...before } = await targetService(tx, ctx, serviceId, true);
    const translations = mergeTranslations(savedTranslations, data, SERVICE_TRANSLATED_FIELDS, language);
    const after = {
      name: data.name, description: data.description, durationMinutes: data.durationMinutes, priceCents: data.price,
      bookableOnline: data.bookableOnline, isVideo: data.isVideo, active: data.active,
    };
    const changed: Record<string, { before: unknown; after: unknown }> = changedFields(before, after);
    if (!sameTranslations(savedTranslations, translations)) changed.translations = { before: savedTranslations, after: translations };
    if (changed.name && (await clinicNameTaken(tx, ctx, services, data.name, before.id))) throw taken();
    const forms = data.requiredFormIds ? await replaceServiceRequiredForms(tx, ctx, before.id, data.requiredFormIds) : { added: [], removed: [] };
    const formsChanged = forms.added.length + forms.removed.length > 0;
    if (Object.keys(changed).length === 0 && !formsChanged) return { changed: false };
    if (Object.keys(changed).length) await tx.update(services).set({ ...after, translations }).where(and(eq(services.tenantId, ctx.tenant.id), eq(services.id, before.id)));
    await recordAudit(tx, ctx, {
      action: ServiceAuditActions.changed,
      target: { type: 'service', id: before.id }, details: { name: before.name, changed, ...(formsChanged ? { requiredForms: forms } : {}) },
    });
    return { changed: true };
  }));
}

/** "$120.00" in the service's currency, or null when it has no price. */
export function formatServicePrice(priceCents: number | null, currency: string, locale = 'en-US'): string | null {
  if (priceCents === null) return null;
  return numberFormat(locale, { style: 'currency', currency }).format(priceCents / 100);
}
