import 'server-only';
import { and, asc, eq, isNotNull, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  availabilityRules, formTemplates, locations, providerServices, services, staffUsers, tenantBranding, tenantDomains, tenantSettings,
  type AccessMode, type IdentificationMode, type MessagingPolicy,
} from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { isProduction, platformRootDomain } from '@/lib/config/env';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { portalHost, portalUrl } from './portal-address';

/**
 * What the handout says depends on: the clinic's brand, where its portal answers, how people get
 * in, and what it has switched on. Gathered once per handout; content.ts turns it into sections.
 * Needs `settings.manage`, as the rest of the CRM's portal configuration.
 */
export interface HandoutFacts {
  clinicName: string;
  primaryColor: string;
  logoUrl: string | null;
  portalHost: string;
  portalUrl: string;
  portalEnabled: boolean;
  identificationMode: IdentificationMode;
  nationalIdLabel: string;
  accessMode: AccessMode;
  messagingPolicy: MessagingPolicy;
  patientUploadsAllowed: boolean;
  /** Something a patient can book online (as lib/scheduling/online-booking.ts decides). */
  onlineBooking: boolean;
  /** A published, unarchived form of the kinds patients fill in. */
  forms: boolean;
  /** A published, unarchived home activity. */
  homeActivities: boolean;
  /** The first active location's phone with one, for "Questions? Call …". */
  contactPhone: string | null;
  note: string | null;
  /** The language the handout is in when the CRM user has not chosen one. */
  defaultLanguage: string;
}

/** `requestOrigin` is the origin of the staff member's request (the port a dev server listens on). */
export async function loadHandoutFacts(db: Executor, ctx: StaffContext, requestOrigin: string): Promise<HandoutFacts> {
  assertPermission(ctx, 'settings.manage');
  const tenantId = ctx.tenant.id;
  const [[clinic], hosts, [bookable], kinds, [phone]] = await Promise.all([
    db
      .select({
        clinicName: tenantBranding.displayName,
        primaryColor: tenantBranding.primaryColor,
        logoUrl: tenantBranding.logoUrl,
        portalEnabled: tenantSettings.portalEnabled,
        identificationMode: tenantSettings.identificationMode,
        nationalIdLabel: tenantSettings.nationalIdLabel,
        accessMode: tenantSettings.accessMode,
        messagingPolicy: tenantSettings.messagingPolicy,
        patientUploadsAllowed: tenantSettings.patientUploadsAllowed,
        note: tenantSettings.handoutNote,
        defaultLanguage: tenantSettings.defaultLanguage,
      })
      .from(tenantBranding)
      .innerJoin(tenantSettings, eq(tenantSettings.tenantId, tenantBranding.tenantId))
      .where(eq(tenantBranding.tenantId, tenantId)),
    db
      .select({ kind: tenantDomains.kind, hostname: tenantDomains.hostname, verifiedAt: tenantDomains.verifiedAt })
      .from(tenantDomains)
      .where(eq(tenantDomains.tenantId, tenantId)),
    // The same conditions as the portal's booking flow: an active online service, offered by an
    // active provider with hours at an active location.
    db
      .select({ serviceId: services.id })
      .from(services)
      .innerJoin(providerServices, and(eq(providerServices.tenantId, services.tenantId), eq(providerServices.serviceId, services.id)))
      .innerJoin(staffUsers, and(eq(staffUsers.tenantId, providerServices.tenantId), eq(staffUsers.id, providerServices.providerId)))
      .innerJoin(availabilityRules, and(eq(availabilityRules.tenantId, staffUsers.tenantId), eq(availabilityRules.providerId, staffUsers.id)))
      .innerJoin(locations, and(eq(locations.tenantId, availabilityRules.tenantId), eq(locations.id, availabilityRules.locationId)))
      .where(and(
        eq(services.tenantId, tenantId), eq(services.active, true), eq(services.bookableOnline, true),
        eq(staffUsers.isProvider, true), eq(staffUsers.status, 'active'), eq(locations.active, true),
      ))
      .limit(1),
    db
      .selectDistinct({ kind: formTemplates.kind })
      .from(formTemplates)
      .where(and(eq(formTemplates.tenantId, tenantId), isNotNull(formTemplates.publishedVersion), isNull(formTemplates.archivedAt))),
    db
      .select({ phone: locations.phone })
      .from(locations)
      .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true), isNotNull(locations.phone)))
      .orderBy(asc(locations.name), asc(locations.id))
      .limit(1),
  ]);
  if (!clinic) throw new NotFoundError('settings');
  const host = portalHost(hosts, platformRootDomain());
  if (!host) throw new NotFoundError('domain');
  const published = new Set(kinds.map((k) => k.kind));
  return {
    ...clinic,
    portalHost: host,
    portalUrl: portalUrl(host, requestOrigin, isProduction),
    onlineBooking: Boolean(bookable),
    forms: published.has('intake') || published.has('consent') || published.has('questionnaire'),
    homeActivities: published.has('home_activity'),
    contactPhone: phone?.phone ? formatPhoneForDisplay(phone.phone) : null,
  };
}
