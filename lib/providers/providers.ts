import 'server-only';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { providerServices, services, staffUsers } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { findClinicRow } from '@/lib/settings/clinic-rows';
import { ProviderRuleError } from './errors';

/**
 * Which staff see patients (staff_users.is_provider) and which services each offers. Weekly
 * hours and time off are in provider-schedule.ts. Needs `settings.manage`.
 */

export const ProviderAuditActions = {
  flagChanged: 'settings.provider_flag_changed',
  servicesChanged: 'settings.provider_services_changed',
  hoursAdded: 'settings.provider_hours_added',
  hoursRemoved: 'settings.provider_hours_removed',
  timeOffAdded: 'settings.provider_time_off_added',
  timeOffRemoved: 'settings.provider_time_off_removed',
} as const;

/** Active staff (any of whom can be made a provider) and anyone still flagged as one. */
export async function listProviderCandidates(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'settings.manage');
  const rows = await db
    .select({ id: staffUsers.id, fullName: staffUsers.fullName, title: staffUsers.title, email: staffUsers.email, status: staffUsers.status, isProvider: staffUsers.isProvider })
    .from(staffUsers)
    .where(eq(staffUsers.tenantId, ctx.tenant.id))
    .orderBy(asc(staffUsers.fullName), asc(staffUsers.id));
  return rows.filter((r) => r.status === 'active' || r.isProvider);
}
export type ProviderCandidate = Awaited<ReturnType<typeof listProviderCandidates>>[number];

/** The staff row, locked: changes to one provider's schedule are serialised on it. */
export function lockStaff(db: Executor, ctx: StaffContext, staffId: string) {
  const view = { id: staffUsers.id, fullName: staffUsers.fullName, status: staffUsers.status, isProvider: staffUsers.isProvider };
  return findClinicRow(db, ctx, staffUsers, view, staffId, 'staff user', true);
}

/** As lockStaff, and the person must be flagged as a provider. */
export async function lockProvider(db: Executor, ctx: StaffContext, staffId: string) {
  const row = await lockStaff(db, ctx, staffId);
  if (!row.isProvider) throw new ProviderRuleError('not-provider', { name: row.fullName });
  return row;
}

/**
 * Marks an active staff member as a provider, or unmarks anyone. Unmarking keeps their hours and
 * services, so marking them again restores the schedule; booking only offers flagged providers.
 */
export async function setProviderFlag(db: Executor, ctx: StaffContext, staffId: string, isProvider: boolean): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  return db.transaction(async (tx) => {
    const staff = await lockStaff(tx, ctx, staffId);
    if (staff.isProvider === isProvider) return { changed: false };
    if (isProvider && staff.status !== 'active') throw new ProviderRuleError('not-active', { name: staff.fullName });
    await tx.update(staffUsers).set({ isProvider, updatedAt: now() }).where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.id, staff.id)));
    await recordAudit(tx, ctx, {
      action: ProviderAuditActions.flagChanged,
      target: { type: 'staff_user', id: staff.id },
      details: { name: staff.fullName, changed: { isProvider: { before: staff.isProvider, after: isProvider } } },
    });
    return { changed: true };
  });
}

export async function listProviderServiceIds(db: Executor, ctx: StaffContext, staffId: string): Promise<string[]> {
  assertPermission(ctx, 'settings.manage');
  if (!isUuid(staffId)) throw new NotFoundError('staff user');
  const rows = await db
    .select({ serviceId: providerServices.serviceId })
    .from(providerServices)
    .where(and(eq(providerServices.tenantId, ctx.tenant.id), eq(providerServices.providerId, staffId)));
  return rows.map((r) => r.serviceId);
}

/**
 * Replaces the services a provider offers. Every id must be one of this clinic's services: an id
 * from another clinic answers not-found, as a missing one does (the composite foreign key would
 * refuse it too).
 */
export async function setProviderServices(db: Executor, ctx: StaffContext, staffId: string, serviceIds: readonly string[]): Promise<{ changed: boolean }> {
  assertPermission(ctx, 'settings.manage');
  const wanted = [...new Set(serviceIds)];
  if (!wanted.every(isUuid)) throw new NotFoundError('service');
  return db.transaction(async (tx) => {
    const provider = await lockProvider(tx, ctx, staffId);
    const found = wanted.length === 0 ? [] : await tx
      .select({ id: services.id, name: services.name })
      .from(services)
      .where(and(eq(services.tenantId, ctx.tenant.id), inArray(services.id, wanted)));
    if (found.length !== wanted.length) throw new NotFoundError('service');
    const current = await tx
      .select({ serviceId: providerServices.serviceId, name: services.name })
      .from(providerServices)
      .innerJoin(services, and(eq(services.tenantId, providerServices.tenantId), eq(services.id, providerServices.serviceId)))
      .where(and(eq(providerServices.tenantId, ctx.tenant.id), eq(providerServices.providerId, provider.id)));
    const currentIds = new Set(current.map((c) => c.serviceId));
    const added = found.filter((s) => !currentIds.has(s.id));
    const removed = current.filter((c) => !wanted.includes(c.serviceId));
    if (added.length === 0 && removed.length === 0) return { changed: false };
    if (removed.length > 0) {
      await tx.delete(providerServices).where(and(
        eq(providerServices.tenantId, ctx.tenant.id),
        eq(providerServices.providerId, provider.id),
        inArray(providerServices.serviceId, removed.map((r) => r.serviceId)),
      ));
    }
    if (added.length > 0) {
      await tx.insert(providerServices).values(added.map((s) => ({ tenantId: ctx.tenant.id, providerId: provider.id, serviceId: s.id })));
    }
    await recordAudit(tx, ctx, {
      action: ProviderAuditActions.servicesChanged,
      target: { type: 'staff_user', id: provider.id },
      details: { name: provider.fullName, added: added.map((s) => s.name), removed: removed.map((r) => r.name) },
    });
    return { changed: true };
  });
}

/** One staff member of this clinic for the provider page; another clinic's id is not-found. */
export async function getProviderCandidate(db: Executor, ctx: StaffContext, staffId: string): Promise<ProviderCandidate> {
  assertPermission(ctx, 'settings.manage');
  if (!isUuid(staffId)) throw new NotFoundError('staff user');
  const [row] = await db
    .select({ id: staffUsers.id, fullName: staffUsers.fullName, title: staffUsers.title, email: staffUsers.email, status: staffUsers.status, isProvider: staffUsers.isProvider })
    .from(staffUsers)
    .where(and(eq(staffUsers.tenantId, ctx.tenant.id), eq(staffUsers.id, staffId)));
  if (!row) throw new NotFoundError('staff user');
  return row;
}
