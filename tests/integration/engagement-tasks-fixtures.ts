import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { accessLevels, auditLog, commerceSettings, locations, patients, staffUsers, tasks } from '@/db/schema';
import type { StaffContext } from '@/lib/access/context';
import type { Permission } from '@/lib/access/permissions';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/**
 * A clinic for the task tests (issue 18 point 5): a location in `timeZone` (the clinic's zone,
 * Los Angeles unless told), the teams "Front desk" and "Billing" (CRM → Shop settings), two
 * patients, and staff: an admin, a physician (`doc`), support, marketing (no tasks), a level
 * with tasks but not patients (`noPatients`), and a deactivated member with tasks (`gone`).
 */
export async function taskClinic(options: { timeZone?: string } = {}) {
  const db = getDb();
  const tenant = await createTestTenant();
  await db.insert(locations).values({ tenantId: tenant.id, name: 'Main', addressLine1: '1 Main St', city: 'Springfield', timeZone: options.timeZone ?? 'America/Los_Angeles' });
  await db.insert(commerceSettings).values({ tenantId: tenant.id, teams: ['Front desk', 'Billing'] });
  const [admin, doc, support, marketing] = await Promise.all([
    createStaffContext(tenant, 'admin'), createStaffContext(tenant, 'physician'), createStaffContext(tenant, 'support'), createStaffContext(tenant, 'marketing'),
  ]);
  const noPatients = await customStaff(tenant, 'Tasks only', ['emr.access', 'tasks.manage']);
  const gone = await createStaffContext(tenant, 'operations');
  await db.update(staffUsers).set({ status: 'deactivated' }).where(and(eq(staffUsers.tenantId, tenant.id), eq(staffUsers.id, gone.actor.id)));
  const [maria, leo] = await db.insert(patients).values([
    { tenantId: tenant.id, recordNumber: 'T-1', firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1986-04-12' },
    { tenantId: tenant.id, recordNumber: 'T-2', firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-01' },
  ]).returning({ id: patients.id });
  return { tenant, admin, doc, support, marketing, noPatients, gone, maria: maria!.id, leo: leo!.id };
}
export type TaskClinic = Awaited<ReturnType<typeof taskClinic>>;

async function customStaff(tenant: Awaited<ReturnType<typeof createTestTenant>>, name: string, permissions: Permission[]): Promise<StaffContext> {
  const db = getDb();
  const [level] = await db.insert(accessLevels).values({ tenantId: tenant.id, name, permissions }).returning({ id: accessLevels.id });
  const [user] = await db.insert(staffUsers).values({ tenantId: tenant.id, email: `${name.replace(/\W/g, '').toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@${tenant.slug}.test`, fullName: name, accessLevelId: level!.id, status: 'active' }).returning();
  return {
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: tenant.status },
    actor: { kind: 'staff', id: user!.id, fullName: user!.fullName, email: user!.email, accessLevelId: level!.id, accessLevelName: name, permissions: new Set(permissions) },
    sessionId: '00000000-0000-0000-0000-000000000000',
  };
}

export async function taskRow(tenantId: string, id: string) {
  const [row] = await getDb().select().from(tasks).where(and(eq(tasks.tenantId, tenantId), eq(tasks.id, id)));
  return row!;
}

/** The clinic's audit entries of a task, oldest first. */
export async function taskAudit(tenantId: string, taskId: string) {
  const rows = await getDb().select({ action: auditLog.action, actorKind: auditLog.actorKind, actorId: auditLog.actorId, patientId: auditLog.patientId, details: auditLog.details })
    .from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.targetType, 'task'), eq(auditLog.targetId, taskId))).orderBy(asc(auditLog.id));
  return rows;
}
