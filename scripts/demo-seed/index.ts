import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { BUILTIN_LEVELS, BUILTIN_LEVEL_KEYS } from '@/lib/access/permissions';
import { hashPassword } from '@/lib/identity/password-hash';
import { protectNationalId } from '@/lib/patients/national-id';
import type { Database, Executor } from '@/db/client';
import { encryptField } from '@/lib/crypto/field-encryption';
import { ensureDefaultDocumentTypes } from '@/lib/documents/default-types';
import { nationalIdLookupHash } from '@/lib/patients/national-id';
import {
  accessLevels,
  documentTypes,
  patientPortalSettings,
  platformOperators,
  portalAccountPatients,
  portalAccounts,
  locations,
  patientContacts,
  patients,
  staffUsers,
  tenantBranding,
  tenantDomains,
  tenantSettings,
  tenants,
} from '@/db/schema';
import { seedBilling } from './billing';
import { seedCommerce } from './commerce';
import { seedDocuments } from './documents';
import { seedForms } from './forms';
import { seedNotes } from './notes';
import { seedMessages } from './messages';
import { seedSchedule } from './scheduling';
import { seedTasks } from './tasks';
import { seedEngagement } from './engagement';
import { seedSegments } from './segments';
import { seedCampaigns } from './campaigns';
import { seedSmsUsage } from './sms-usage';
import { DEMO_CLINICS, DEMO_OPERATOR, DEMO_PASSWORD, DEMO_TOTP_SECRET, type DemoClinic } from './demo-data';

/**
 * Creates the demo clinics. Idempotent: every row is keyed on a natural key (slug, host name,
 * email, record number) and skipped when it exists, so it can run on every start.
 */
export async function seedDemoData(db: Database): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const clinic of DEMO_CLINICS) {
    await db.transaction((tx) => seedClinic(tx, clinic, passwordHash));
    // After the clinic's transaction: the forms go through the product's own functions, and a
    // submitted form's PDF is filed after its submission commits.
    await seedForms(db, clinic.slug, clinic.forms);
    await seedBilling(db, clinic.slug, clinic.billing);
    await seedCommerce(db, clinic.slug, clinic.commerce);
    await seedTasks(db, clinic.slug);
    await seedEngagement(db, clinic.slug);
    await seedSegments(db, clinic.slug);
    await seedCampaigns(db, clinic.slug);
    await seedSmsUsage(db, clinic.slug);
  }
  await db
    .insert(platformOperators)
    .values({ ...DEMO_OPERATOR, passwordHash, totpSecretEnc: encryptField(DEMO_TOTP_SECRET), totpEnrolledAt: new Date() })
    .onConflictDoNothing();
}

export async function hasAnyTenant(db: Database): Promise<boolean> {
  const rows = await db.select({ one: sql<number>`1` }).from(tenants).limit(1);
  return rows.length > 0;
}

async function seedClinic(tx: Executor, clinic: DemoClinic, passwordHash: string): Promise<void> {
  await tx.insert(tenants).values({ slug: clinic.slug, name: clinic.name }).onConflictDoNothing();
  const [tenant] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, clinic.slug));
  const tenantId = tenant!.id;

  const token = () => randomBytes(16).toString('hex');
  await tx
    .insert(tenantDomains)
    .values([
      { tenantId, kind: 'subdomain' as const, hostname: clinic.slug, verificationToken: token(), verifiedAt: new Date() },
      ...clinic.customDomains.map((hostname) => ({
        tenantId, kind: 'custom' as const, hostname, verificationToken: token(), verifiedAt: new Date(),
      })),
    ])
    .onConflictDoNothing();

  await tx
    .insert(tenantBranding)
    .values({ tenantId, displayName: clinic.name, ...clinic.branding })
    .onConflictDoNothing();
  await tx
    .insert(tenantSettings)
    .values({
      tenantId, identificationMode: clinic.identificationMode, accessMode: clinic.accessMode,
      portalPasskeysAllowed: clinic.portalAccess?.passkeysAllowed ?? false,
      portalTotpAllowed: clinic.portalAccess?.totpAllowed ?? false,
      selfRegistration: clinic.portalAccess?.selfRegistration ?? 'off',
    })
    .onConflictDoNothing();

  const existingLocations = await tx.select({ name: locations.name }).from(locations).where(eq(locations.tenantId, tenantId));
  const missingLocations = clinic.locations.filter((l) => !existingLocations.some((e) => e.name === l.name));
  if (missingLocations.length) {
    await tx.insert(locations).values(missingLocations.map((l) => ({ tenantId, ...l })));
  }

  await tx
    .insert(accessLevels)
    .values(BUILTIN_LEVEL_KEYS.map((key) => ({
      tenantId, builtinKey: key, name: BUILTIN_LEVELS[key].name, permissions: [...BUILTIN_LEVELS[key].permissions],
    })))
    .onConflictDoNothing();
  const levels = await tx
    .select({ id: accessLevels.id, key: accessLevels.builtinKey })
    .from(accessLevels)
    .where(eq(accessLevels.tenantId, tenantId));
  const levelId = (key: string) => levels.find((l) => l.key === key)!.id;

  await tx
    .insert(staffUsers)
    .values(clinic.staff.map((s) => ({
      tenantId,
      email: s.email,
      fullName: s.fullName,
      title: s.title,
      phone: s.phone,
      passwordHash,
      accessLevelId: levelId(s.level),
      status: 'active' as const,
      isProvider: s.isProvider ?? false,
      totpSecretEnc: encryptField(DEMO_TOTP_SECRET),
      totpEnrolledAt: new Date(),
    })))
    .onConflictDoNothing();

  await tx
    .insert(patients)
    .values(clinic.patients.map(({ nationalId, ...p }) => ({
      tenantId,
      ...p,
      country: 'US',
      ...(nationalId ? protectNationalId(nationalId) : {}),
    })))
    .onConflictDoNothing();

  const byRecord = async (recordNumber: string) => {
    const [row] = await tx
      .select({ id: patients.id })
      .from(patients)
      .where(and(eq(patients.tenantId, tenantId), eq(patients.recordNumber, recordNumber)));
    return row!.id;
  };
  for (const link of clinic.contacts) {
    const patientId = await byRecord(link.patient);
    const contactPatientId = await byRecord(link.contact);
    const [existing] = await tx
      .select({ id: patientContacts.id })
      .from(patientContacts)
      .where(and(
        eq(patientContacts.tenantId, tenantId),
        eq(patientContacts.patientId, patientId),
        eq(patientContacts.contactPatientId, contactPatientId),
      ));
    if (!existing) {
      await tx.insert(patientContacts).values({ tenantId, patientId, contactPatientId, relationship: link.relationship });
    }
  }
  await seedPortal(tx, tenantId, clinic, passwordHash, byRecord);
  await ensureDefaultDocumentTypes(tx, tenantId);
  for (const type of clinic.documentTypeTranslations ?? []) {
    await tx.update(documentTypes).set({ translations: type.translations }).where(and(eq(documentTypes.tenantId, tenantId), eq(documentTypes.name, type.name)));
  }
  await seedSchedule(tx, tenantId, clinic.schedule);
  await seedDocuments(tx, tenantId, clinic.name, clinic.documents);
  await seedMessages(tx, tenantId, clinic.slug);
  await seedNotes(tx, tenantId, clinic.notes);
}

async function seedPortal(tx: Executor, tenantId: string, clinic: DemoClinic, passwordHash: string, byRecord: (r: string) => Promise<string>) {
  for (const account of clinic.portalAccounts) {
    await tx
      .insert(portalAccounts)
      .values({
        tenantId,
        fullName: account.fullName,
        email: account.email ?? null,
        nationalIdHash: account.nationalId ? nationalIdLookupHash(account.nationalId) : null,
        phone: account.phone,
        phoneVerifiedAt: new Date(),
        passwordHash,
      })
      .onConflictDoNothing();
    const [row] = await tx
      .select({ id: portalAccounts.id })
      .from(portalAccounts)
      .where(and(eq(portalAccounts.tenantId, tenantId), account.email ? eq(portalAccounts.email, account.email) : eq(portalAccounts.nationalIdHash, nationalIdLookupHash(account.nationalId!))));
    for (const link of account.links) {
      const patientId = await byRecord(link.patient);
      await tx.insert(portalAccountPatients).values({ tenantId, accountId: row!.id, patientId, relationship: link.relationship }).onConflictDoNothing();
      await tx.insert(patientPortalSettings).values({ tenantId, patientId, accessEnabled: true }).onConflictDoNothing();
    }
  }
  for (const printed of clinic.printedActivations) {
    const patientId = await byRecord(printed.patient);
    await tx
      .insert(patientPortalSettings)
      .values({ tenantId, patientId, accessEnabled: true, portalCode: printed.portalCode, portalCodeCreatedAt: new Date() })
      .onConflictDoNothing();
  }
}
