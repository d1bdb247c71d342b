import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { locations, tenantBranding, tenantSettings, tenants, type SelfRegistrationMode } from '@/db/schema';
import type { ClinicTranslations } from '@/lib/i18n/clinic-text';
import type { LocationAddress } from '@/lib/locations/address';
import { locationAddressColumns } from '@/lib/locations/address-columns';
import type { ProxyAgeRules } from '@/lib/portal-access/proxy-scope';

/**
 * What every page of a clinic needs to draw itself: branding, the public part of the settings
 * and the locations. Plain JSON, so it can live in Next's data cache.
 */
export interface TenantProfile {
  id: string;
  slug: string;
  name: string;
  branding: {
    displayName: string;
    logoUrl: string | null;
    faviconUrl: string | null;
    primaryColor: string;
    theme: 'light' | 'dark' | 'system';
  };
  portal: {
    enabled: boolean;
    identificationMode: 'email' | 'national_id';
    nationalIdLabel: string;
    accessMode: 'manual' | 'automatic';
    patientUploadsAllowed: boolean;
    defaultLanguage: string;
    defaultDocumentNotification: 'email' | 'email_sms';
    /** Sign-in (issue 19): a passkey may replace the SMS code; an authenticator app may too. */
    passkeysAllowed: boolean;
    totpAllowed: boolean;
    selfRegistration: SelfRegistrationMode;
    /** Proxy age rules (lib/portal-access/proxy-scope.ts). */
    ageRules: ProxyAgeRules;
  };
  staffIdleTimeoutMinutes: number;
  /** Name and notes as the clinic wrote them, with their translations: a page shows localized() ones. */
  locations: ({ id: string; name: string } & LocationAddress & { timeZone: string; phone: string | null; notes: string | null; translations: ClinicTranslations<'name' | 'notes'> })[];
}

export async function loadTenantProfile(db: Executor, tenantId: string): Promise<TenantProfile | null> {
  const [row] = await db
    .select({
      id: tenants.id,
      slug: tenants.slug,
      name: tenants.name,
      displayName: tenantBranding.displayName,
      logoUrl: tenantBranding.logoUrl,
      faviconUrl: tenantBranding.faviconUrl,
      primaryColor: tenantBranding.primaryColor,
      theme: tenantBranding.theme,
      portalEnabled: tenantSettings.portalEnabled,
      identificationMode: tenantSettings.identificationMode,
      nationalIdLabel: tenantSettings.nationalIdLabel,
      accessMode: tenantSettings.accessMode,
      patientUploadsAllowed: tenantSettings.patientUploadsAllowed,
      defaultLanguage: tenantSettings.defaultLanguage,
      defaultDocumentNotification: tenantSettings.defaultDocumentNotification,
      staffIdleTimeoutMinutes: tenantSettings.staffIdleTimeoutMinutes,
      passkeysAllowed: tenantSettings.portalPasskeysAllowed,
      totpAllowed: tenantSettings.portalTotpAllowed,
      selfRegistration: tenantSettings.selfRegistration,
      proxyAgeRules: tenantSettings.proxyAgeRules,
      proxyTeenAge: tenantSettings.proxyTeenAge,
      proxyAdultAge: tenantSettings.proxyAdultAge,
    })
    .from(tenants)
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, tenants.id))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, tenants.id))
    .where(eq(tenants.id, tenantId));
  if (!row) return null;
  const locationRows = await db
    .select({
      id: locations.id,
      name: locations.name,
      ...locationAddressColumns,
      timeZone: locations.timeZone,
      phone: locations.phone,
      notes: locations.notes,
      translations: locations.translations,
    })
    .from(locations)
    .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true)))
    .orderBy(asc(locations.name));
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    branding: {
      displayName: row.displayName,
      logoUrl: row.logoUrl,
      faviconUrl: row.faviconUrl,
      primaryColor: row.primaryColor,
      theme: row.theme,
    },
    portal: {
      enabled: row.portalEnabled,
      identificationMode: row.identificationMode,
      nationalIdLabel: row.nationalIdLabel,
      accessMode: row.accessMode,
      patientUploadsAllowed: row.patientUploadsAllowed,
      defaultLanguage: row.defaultLanguage,
      defaultDocumentNotification: row.defaultDocumentNotification,
      passkeysAllowed: row.passkeysAllowed,
      totpAllowed: row.totpAllowed,
      selfRegistration: row.selfRegistration,
      ageRules: { enabled: row.proxyAgeRules, teenAge: row.proxyTeenAge, adultAge: row.proxyAdultAge },
    },
    staffIdleTimeoutMinutes: row.staffIdleTimeoutMinutes,
    locations: locationRows,
  };
}
