import 'server-only';
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { formTemplates, serviceRequiredForms } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { isUuid } from '@/lib/kernel/ids';
import { ServiceRuleError } from './errors';

/**
 * The forms a patient must fill when booking a service (CRM → Services, "Forms required when
 * booking"). Written in the service's own transaction, so a service and its forms are saved or
 * refused together; the booking assigns them (lib/clinic-forms). Needs `settings.manage`.
 */

export interface RequirableForm {
  id: string;
  title: string;
  kind: string;
  archived: boolean;
}

/** The clinic's published forms a service can require (archived ones only to show what a service already has). */
export async function listRequirableForms(db: Executor, ctx: StaffContext): Promise<RequirableForm[]> {
  assertPermission(ctx, 'settings.manage');
  const rows = await db
    .select({ id: formTemplates.id, title: formTemplates.title, kind: formTemplates.kind, archivedAt: formTemplates.archivedAt })
    .from(formTemplates)
    .where(and(eq(formTemplates.tenantId, ctx.tenant.id), isNotNull(formTemplates.publishedVersion)))
    .orderBy(asc(formTemplates.title), asc(formTemplates.id));
  return rows.map(({ archivedAt, ...row }) => ({ ...row, archived: archivedAt !== null }));
}

/** Each service's required form ids. */
export async function listServiceRequiredForms(db: Executor, ctx: StaffContext): Promise<Map<string, string[]>> {
  assertPermission(ctx, 'settings.manage');
  const rows = await db
    .select({ serviceId: serviceRequiredForms.serviceId, templateId: serviceRequiredForms.templateId })
    .from(serviceRequiredForms)
    .where(eq(serviceRequiredForms.tenantId, ctx.tenant.id));
  const out = new Map<string, string[]>();
  for (const row of rows) out.set(row.serviceId, [...(out.get(row.serviceId) ?? []), row.templateId]);
  return out;
}

/**
 * Makes the service's required forms exactly `templateIds`, inside the caller's transaction, and
 * answers what changed (titles, for the audit entry). A form added must be this clinic's,
 * published and not archived; one the service already requires may stay after it is archived.
 * Another clinic's id is refused like an unknown one.
 */
export async function replaceServiceRequiredForms(
  tx: Executor,
  ctx: StaffContext,
  serviceId: string,
  templateIds: readonly string[],
): Promise<{ added: string[]; removed: string[] }> {
  const wanted = [...new Set(templateIds)];
  if (!wanted.every(isUuid)) throw new ServiceRuleError('form-unavailable');
  const current = await tx
    .select({ templateId: serviceRequiredForms.templateId, title: formTemplates.title })
    .from(serviceRequiredForms)
    .innerJoin(formTemplates, and(eq(formTemplates.tenantId, serviceRequiredForms.tenantId), eq(formTemplates.id, serviceRequiredForms.templateId)))
    .where(and(eq(serviceRequiredForms.tenantId, ctx.tenant.id), eq(serviceRequiredForms.serviceId, serviceId)));
  const currentIds = new Set(current.map((c) => c.templateId));
  const addedIds = wanted.filter((id) => !currentIds.has(id));
  const added = addedIds.length === 0 ? [] : await tx
    .select({ id: formTemplates.id, title: formTemplates.title, published: formTemplates.publishedVersion, archivedAt: formTemplates.archivedAt })
    .from(formTemplates)
    .where(and(eq(formTemplates.tenantId, ctx.tenant.id), inArray(formTemplates.id, addedIds)));
  if (added.length !== addedIds.length || added.some((t) => t.published === null || t.archivedAt !== null)) throw new ServiceRuleError('form-unavailable');
  const removed = current.filter((c) => !wanted.includes(c.templateId));
  if (removed.length) {
    await tx.delete(serviceRequiredForms).where(and(
      eq(serviceRequiredForms.tenantId, ctx.tenant.id),
      eq(serviceRequiredForms.serviceId, serviceId),
      inArray(serviceRequiredForms.templateId, removed.map((r) => r.templateId)),
    ));
  }
  if (added.length) await tx.insert(serviceRequiredForms).values(added.map((t) => ({ tenantId: ctx.tenant.id, serviceId, templateId: t.id })));
  return { added: added.map((t) => t.title), removed: removed.map((r) => r.title) };
}
