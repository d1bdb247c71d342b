import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { auditLog, formAssignments, formTemplates, locations, outboxMessages, patients } from '@/db/schema';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { createTestTenant } from '../support/factories';
import { createPortalAccount } from '../support/portal-fixtures';
import { createStaffContext } from '../support/staff-context';

/**
 * A clinic in New York with the starter forms published (v1), an admin, and a patient with a
 * portal account. The forms tests run on Monday 2030-03-04, 10:00 in New York.
 */
export const TZ = 'America/New_York';
export const T0 = new Date('2030-03-04T15:00:00Z');
export const TODAY = '2030-03-04';

export async function formsClinic(settings: { formFirstReminderDays?: number; formLastReminderDays?: number } = {}) {
  const db = getDb();
  const tenant = await createTestTenant({ settings });
  await db.insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ });
  await installStarterTemplates(db, tenant.id);
  const admin = await createStaffContext(tenant, 'admin');
  const physician = await createStaffContext(tenant, 'physician');
  const tag = randomBytes(3).toString('hex');
  const family = await createPortalAccount(tenant, { email: `philippa-${tag}@example.test`, phone: '+15550100001', password: 'x' });
  const templates = await db.select({ id: formTemplates.id, key: formTemplates.starterKey, title: formTemplates.title }).from(formTemplates).where(eq(formTemplates.tenantId, tenant.id));
  const template = (key: string) => templates.find((t) => t.key === key)!;
  return { tenant, admin, physician, patient: family.patient, account: family.account, intake: template('general-intake'), privacy: template('privacy-acknowledgement'), phq9: template('phq-9') };
}

export async function addPatient(tenantId: string, values: Partial<typeof patients.$inferInsert> = {}) {
  const [row] = await getDb()
    .insert(patients)
    .values({ tenantId, recordNumber: `F-${randomBytes(4).toString('hex')}`, firstName: 'Octavia', lastName: 'Brennerman', dateOfBirth: '1970-05-06', email: `octavia-${randomBytes(3).toString('hex')}@example.test`, ...values })
    .returning();
  return row!;
}

export async function assignmentsOf(tenantId: string, patientId?: string) {
  return getDb().select().from(formAssignments).where(and(eq(formAssignments.tenantId, tenantId), patientId ? eq(formAssignments.patientId, patientId) : undefined));
}

export async function outboxOf(tenantId: string) {
  return getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, tenantId));
}

export async function auditOf(tenantId: string, action: string) {
  return getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));
}

export const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
