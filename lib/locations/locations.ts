import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { locations } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { mergeTranslations, sameTranslations } from '@/lib/i18n/clinic-text';
import { clinicDefaultLanguage } from '@/lib/i18n/clinic-text-sql';
import { SettingsAuditActions } from '@/lib/settings/audit-actions';
import { findClinicRow, listClinicRows, mostUsedValue } from '@/lib/settings/clinic-rows';
import { locationAddressColumns } from './address-columns';
import { changedFields, SettingsRuleError } from '@/lib/settings/errors';
import { LOCATION_TRANSLATED_FIELDS, locationSchema, parseSettings, type LocationInput } from '@/lib/settings/schemas';

/**
 * A clinic's locations (shown on the portal's sign-in page and used for booking). Locations are
 * deactivated, never deleted: appointments and history point at them. Needs `settings.manage`.
 */

const view = {
  id: locations.id,
  name: locations.name,
  ...locationAddressColumns,
  country: locations.country,
  timeZone: locations.timeZone,
  phone: locations.phone,
  notes: locations.notes,
  translations: locations.translations,
  active: locations.active,
};

export async function listLocations(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  return listClinicRows(db, ctx, locations, view);
}

function targetLocation(db: Executor, ctx: StaffContext, locationId: string, lock = false) {
  return findClinicRow(db, ctx, locations, view, locationId, 'location', lock);
}

export type LocationView = Awaited<ReturnType<typeof listLocations>>[number];

export async function getLocation(db: Executor, ctx: StaffContext, locationId: string): Promise<LocationView> {
  assertPermission(ctx, 'settings.manage');
  return targetLocation(db, ctx, locationId);
}

/** The columns the location form writes, picked from the parsed form (never spread from input). */
function locationColumns(data: LocationInput) {
  return {
    name: data.name,
    addressLine1: data.addressLine1,
    addressLine2: data.addressLine2,
    city: data.city,
    region: data.region,
    postalCode: data.postalCode,
    country: data.country,
    timeZone: data.timeZone,
    phone: data.phone,
    notes: data.notes,
  };
}

export async function createLocation(db: Executor, ctx: StaffContext, input: unknown): Promise<{ id: string }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(locationSchema, input);
  // The name and notes in the portal's other languages; none stored blank.
  const translations = mergeTranslations({}, data, LOCATION_TRANSLATED_FIELDS, await clinicDefaultLanguage(db, ctx.tenant.id));
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(locations)
      .values({ tenantId: ctx.tenant.id, ...locationColumns(data), translations })
      .returning({ id: locations.id });
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.locationAdded,
      target: { type: 'location', id: row!.id }, details: { after: { ...locationColumns(data), translations } },
    });
    return { id: row!.id };
  });
}

export async function updateLocation(db: Executor, ctx: StaffContext, locationId: string, input: unknown): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const data = parseSettings(locationSchema, input);
  const language = await clinicDefaultLanguage(db, ctx.tenant.id);
  return db.transaction(async (tx) => {
    const { translations: savedTranslations, ...before } = await targetLocation(tx, ctx, locationId, true);
    const translations = mergeTranslations(savedTranslations, data, LOCATION_TRANSLATED_FIELDS, language);
    const changed: Record<string, { before: unknown; after: unknown }> = changedFields(before, locationColumns(data));
    if (!sameTranslations(savedTranslations, translations)) changed.translations = { before: savedTranslations, after: translations };
    if (Object.keys(changed).length === 0) return { changed: false };
    await tx
      .update(locations)
      .set({ ...locationColumns(data), translations })
      .where(and(eq(locations.tenantId, ctx.tenant.id), eq(locations.id, before.id)));
    await recordAudit(tx, ctx, {
      action: SettingsAuditActions.locationChanged,
      target: { type: 'location', id: before.id }, details: { changed },
    });
    return { changed: true };
  });
}

/**
 * Deactivating hides a location from the portal and from new bookings. The clinic keeps at
 * least one active location: the other active rows are locked first, so two admins
 * deactivating the last two locations at once cannot both succeed.
 */
export async function setLocationActive(db: Executor, ctx: StaffContext, locationId: string, active: boolean): Promise<void> {
  assertPermission(ctx, 'settings.manage');
  await db.transaction(async (tx) => {
    const location = await targetLocation(tx, ctx, locationId, true);
    if (location.active === active) return;
    if (!active) {
      const others = await tx
        .select({ id: locations.id })
        .from(locations)
        .where(and(eq(locations.tenantId, ctx.tenant.id), eq(locations.active, true), ne(locations.id, location.id)))
        .for('update');
      if (others.length === 0) throw new SettingsRuleError('last-active-location', { name: location.name });
    }
    await tx
      .update(locations)
      .set({ active })
      .where(and(eq(locations.tenantId, ctx.tenant.id), eq(locations.id, location.id)));
    await recordAudit(tx, ctx, {
      action: active ? SettingsAuditActions.locationReactivated : SettingsAuditActions.locationDeactivated,
      target: { type: 'location', id: location.id },
      details: { changed: { active: { before: !active, after: active } }, name: location.name },
    });
  });
}

/** The time zone a new location starts with: the clinic's most used one, else New York. */
export async function defaultTimeZone(db: Executor, ctx: StaffContext): Promise<string> {
  assertPermission(ctx, 'settings.manage');
  return (await mostUsedValue(db, ctx, locations, locations.timeZone)) ?? 'America/New_York';
}
