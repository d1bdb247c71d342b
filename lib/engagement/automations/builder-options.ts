import 'server-only';
import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointmentStatuses, documentTypes, formTemplates, locations, orderStatuses, products, services, staffUsers } from '@/db/schema';
import { assertPermission, type StaffContext } from '@/lib/access/context';
import { getCommerceSettings } from '@/lib/commerce/settings';
import { ORDER_STATUS_LABELS } from '@/lib/commerce/order-status';
import { STATUS_LABEL } from '@/lib/scheduling/schedule-format';
import { taskAssignees } from '../task-queries';
import { LANGUAGE_LABELS } from '../templates/template-forms';
import { listTemplates } from '../templates/templates';
import type { BuilderOptions, Choice } from './builder-form';
import { RELATIONSHIP_WORDS, SOURCE_WORDS } from './builder-words';

/**
 * What the automation builder offers (CRM → Automations, automations.manage): the clinic's
 * message templates by channel, the people and teams who can take a task, and for each field of
 * an event a filter can compare, its choices (services, locations, providers, forms, document
 * types, products, and the closed words). Names of the clinic's own settings only; nothing about
 * a patient. An inactive or archived one is offered marked so, as a saved step may name it.
 */
export async function automationBuilderOptions(db: Executor, ctx: StaffContext): Promise<BuilderOptions> {
  assertPermission(ctx, 'automations.manage');
  const tenantId = ctx.tenant.id;
  const named = <T extends { id: string; name: string; off: boolean }>(rows: T[], off: string): Choice[] =>
    rows.map((r) => ({ value: r.id, label: r.off ? `${r.name} (${off})` : r.name }));
  const [active, archived, staff, settings, serviceRows, locationRows, providerRows, formRows, typeRows, productRows] = await Promise.all([
    listTemplates(db, ctx, { status: 'active' }),
    listTemplates(db, ctx, { status: 'archived' }),
    taskAssignees(db, tenantId),
    getCommerceSettings(db, tenantId),
    db.select({ id: services.id, name: services.name, active: services.active }).from(services).where(eq(services.tenantId, tenantId)).orderBy(asc(services.name)),
    db.select({ id: locations.id, name: locations.name, active: locations.active }).from(locations).where(eq(locations.tenantId, tenantId)).orderBy(asc(locations.name)),
    db.select({ id: staffUsers.id, name: staffUsers.fullName, status: staffUsers.status }).from(staffUsers)
      .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.isProvider, true))).orderBy(asc(staffUsers.fullName)),
    db.select({ id: formTemplates.id, name: formTemplates.title, archivedAt: formTemplates.archivedAt }).from(formTemplates)
      .where(eq(formTemplates.tenantId, tenantId)).orderBy(asc(formTemplates.title)),
    db.select({ id: documentTypes.id, name: documentTypes.name, active: documentTypes.active }).from(documentTypes)
      .where(eq(documentTypes.tenantId, tenantId)).orderBy(asc(documentTypes.name)),
    db.select({ id: products.id, name: products.name, status: products.status }).from(products).where(eq(products.tenantId, tenantId)).orderBy(asc(products.name)),
  ]);
  const orderChoices = orderStatuses.map((s) => ({ value: s, label: ORDER_STATUS_LABELS[s] }));
  return {
    templates: [
      ...active.map((t) => ({ id: t.id, name: t.name, channel: t.channel, purpose: t.purpose, archived: false })),
      ...archived.map((t) => ({ id: t.id, name: t.name, channel: t.channel, purpose: t.purpose, archived: true })),
    ],
    staff,
    teams: settings.teams,
    eventChoices: {
      serviceId: named(serviceRows.map((r) => ({ ...r, off: !r.active })), 'inactive'),
      locationId: named(locationRows.map((r) => ({ ...r, off: !r.active })), 'inactive'),
      providerId: named(providerRows.map((r) => ({ ...r, off: r.status !== 'active' })), 'inactive'),
      templateId: named(formRows.map((r) => ({ ...r, off: r.archivedAt !== null })), 'archived'),
      documentTypeId: named(typeRows.map((r) => ({ ...r, off: !r.active })), 'inactive'),
      productId: named(productRows.map((r) => ({ ...r, off: r.status !== 'active' })), 'archived'),
      source: Object.entries(SOURCE_WORDS).map(([value, label]) => ({ value, label })),
      relationship: Object.entries(RELATIONSHIP_WORDS).map(([value, label]) => ({ value, label })),
      from: orderChoices,
      to: orderChoices,
    },
    appointmentStatuses: appointmentStatuses.map((s) => ({ value: s, label: STATUS_LABEL[s] })),
    orderStatuses: orderChoices,
    languages: Object.entries(LANGUAGE_LABELS).map(([value, label]) => ({ value, label })),
  };
}
