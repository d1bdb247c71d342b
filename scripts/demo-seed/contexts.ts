import { and, eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { accessLevels, patients, portalAccountPatients, portalAccounts, staffUsers, type PortalRelationship, type Tenant } from '@/db/schema';
import type { PortalContext, StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import { queryLinkedPatients } from '@/lib/access/linked-patients';

/**
 * The contexts the demo seed acts through, as a signed-in staff member's or portal account's
 * session would build them: the seed goes through the product's own functions, never around them.
 */

const NO_SESSION = '00000000-0000-0000-0000-000000000000';

const ref = (t: Tenant) => ({ id: t.id, slug: t.slug, name: t.name, status: t.status });

export async function demoStaffContext(db: Database, t: Tenant, email: string): Promise<StaffContext> {
  const [row] = await db
    .select({ id: staffUsers.id, fullName: staffUsers.fullName, email: staffUsers.email, levelId: accessLevels.id, levelName: accessLevels.name, permissions: accessLevels.permissions })
    .from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(eq(staffUsers.tenantId, t.id), eq(staffUsers.email, email)));
  const s = row!;
  return {
    tenant: ref(t),
    actor: { kind: 'staff', id: s.id, fullName: s.fullName, email: s.email, accessLevelId: s.levelId, accessLevelName: s.levelName, permissions: new Set(s.permissions as Permission[]) },
    sessionId: NO_SESSION,
  };
}

export async function demoPortalContext(db: Database, t: Tenant, email: string, forPatient: string): Promise<PortalContext> {
  const [row] = await db
    .select({ id: portalAccounts.id, fullName: portalAccounts.fullName, phone: portalAccounts.phone, relationship: portalAccountPatients.relationship })
    .from(portalAccounts)
    .innerJoin(portalAccountPatients, and(eq(portalAccountPatients.tenantId, portalAccounts.tenantId), eq(portalAccountPatients.accountId, portalAccounts.id)))
    .where(and(eq(portalAccounts.tenantId, t.id), eq(portalAccounts.email, email), eq(portalAccountPatients.patientId, forPatient)));
  const [patient] = await db.select().from(patients).where(and(eq(patients.tenantId, t.id), eq(patients.id, forPatient)));
  // The link as the session would see it (its scope, dates and the age rules: lib/access/linked-patients.ts).
  const [loaded] = (await queryLinkedPatients(db, t.id, row!.id)).filter((p) => p.id === forPatient);
  const linked = loaded ?? { id: forPatient, firstName: patient!.firstName, lastName: patient!.lastName, dateOfBirth: patient!.dateOfBirth, relationship: row!.relationship as PortalRelationship, areas: [], scopeReason: 'ended' as const };
  return {
    tenant: ref(t),
    sessionId: NO_SESSION,
    idleTimeoutSeconds: 900,
    account: { id: row!.id, fullName: row!.fullName, email, phone: row!.phone ?? '', language: 'en', timeZone: null },
    patients: [linked],
    patient: linked,
    ip: '203.0.113.10',
    userAgent: 'Carebridge demo seed',
  };
}

export async function demoPatientId(db: Database, tenantId: string, recordNumber: string): Promise<string> {
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenantId), eq(patients.recordNumber, recordNumber)));
  return row!.id;
}
