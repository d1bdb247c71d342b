import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patientPortalSettings, patients, portalAccountPatients, type PortalRelationship } from '@/db/schema';

export interface LinkedPatient {
  id: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  relationship: PortalRelationship;
}

/** The patients a portal account may act for, excluding any whose portal access staff disabled. */
export async function listLinkedPatients(db: Executor, tenantId: string, accountId: string): Promise<LinkedPatient[]> {
  return db
    .select({
      id: patients.id,
      firstName: patients.firstName,
      lastName: patients.lastName,
      dateOfBirth: patients.dateOfBirth,
      relationship: portalAccountPatients.relationship,
    })
    .from(portalAccountPatients)
    .innerJoin(patients, and(eq(patients.tenantId, portalAccountPatients.tenantId), eq(patients.id, portalAccountPatients.patientId)))
    .leftJoin(
      patientPortalSettings,
      and(eq(patientPortalSettings.tenantId, patients.tenantId), eq(patientPortalSettings.patientId, patients.id)),
    )
    .where(and(
      eq(portalAccountPatients.tenantId, tenantId),
      eq(portalAccountPatients.accountId, accountId),
      isNull(patientPortalSettings.disabledAt),
    ))
    .orderBy(asc(portalAccountPatients.createdAt), asc(patients.firstName));
}
