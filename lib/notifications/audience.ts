import 'server-only';
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  patientPortalSettings,
  patients,
  tenantBranding,
  tenantSettings,
  tenants,
} from '@/db/schema';
import { linkHears, queryPatientsAudienceLinks } from '@/lib/access/linked-patients';
import type { PortalArea } from '@/lib/portal-access/proxy-scope';
import { pickNotificationLanguage, type NotificationLanguage } from './texts';

export interface PatientAudience {
  clinicName: string;
  slug: string;
  /** The clinic's branding, for the email layout (email-brand.ts). */
  logoUrl: string | null;
  primaryColor: string;
  language: NotificationLanguage;
  emails: string[];
  /** Empty unless the patient's preference, or else the clinic's default, is 'email_sms'. */
  phones: string[];
}

/** What a notice is about, for which proxies hear it: its portal area, and whether staff hid it from proxies. */
export interface NoticeSubject {
  area?: PortalArea;
  hiddenFromProxies?: boolean;
}

/**
 * Who hears about something that happened to a patient: the patient's own email and phone and
 * every active portal account linked to the patient (a parent, a caregiver), without duplicates;
 * a proxy only while their link opens the notice's area today and never about a document or
 * conversation hidden from proxies (lib/access/linked-patients.ts linkHears). Email always; SMS
 * only with 'email_sms' (SMS costs the clinic money). Null when the patient is not in this clinic.
 */
export async function patientAudience(tx: Executor, tenantId: string, patientId: string, about: NoticeSubject = {}): Promise<PatientAudience | null> {
  return (await patientAudiences(tx, tenantId, [patientId], about)).get(patientId) ?? null;
}

/**
 * patientAudience for many patients of a clinic about the same kind of thing, in two statements
 * however many (a renewal pass's receipts): the patients, then their linked accounts. A patient
 * not in this clinic is absent from the map.
 */
export async function patientAudiences(
  tx: Executor, tenantId: string, patientIds: readonly string[], about: NoticeSubject = {},
): Promise<Map<string, PatientAudience>> {
  const ids = [...new Set(patientIds)];
  if (ids.length === 0) return new Map();
  const found = await tx
    .select({
      id: patients.id,
      email: patients.email,
      phone: patients.phone,
      preferredLanguage: patients.preferredLanguage,
      slug: tenants.slug,
      clinicName: tenantBranding.displayName,
      logoUrl: tenantBranding.logoUrl,
      primaryColor: tenantBranding.primaryColor,
      defaultLanguage: tenantSettings.defaultLanguage,
      clinicPreference: tenantSettings.defaultDocumentNotification,
      patientPreference: patientPortalSettings.documentNotification,
    })
    .from(patients)
    .innerJoin(tenants, eq(tenants.id, patients.tenantId))
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, patients.tenantId))
    .innerJoin(tenantSettings, eq(tenantSettings.tenantId, patients.tenantId))
    .leftJoin(
      patientPortalSettings,
      and(eq(patientPortalSettings.tenantId, patients.tenantId), eq(patientPortalSettings.patientId, patients.id)),
    )
    .where(and(eq(patients.tenantId, tenantId), inArray(patients.id, ids)));
  if (found.length === 0) return new Map();

  // One statement: the active accounts linked to these patients and what each link opens today.
  const links = await queryPatientsAudienceLinks(tx, tenantId, found.map((p) => p.id));
  return new Map(found.map((patient) => {
    const hearing = (links.get(patient.id) ?? []).filter((link) => linkHears(link, about));
    const people = [{ email: patient.email, phone: patient.phone }, ...hearing];
    const withSms = (patient.patientPreference ?? patient.clinicPreference) === 'email_sms';
    return [patient.id, {
      clinicName: patient.clinicName,
      slug: patient.slug,
      logoUrl: patient.logoUrl,
      primaryColor: patient.primaryColor,
      language: pickNotificationLanguage(patient.preferredLanguage, patient.defaultLanguage),
      emails: unique(people.map((p) => p.email?.trim().toLowerCase())),
      phones: withSms ? unique(people.map((p) => p.phone?.trim())) : [],
    }];
  }));
}

function unique(values: (string | null | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => Boolean(v)))];
}
