import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, formAssignments, formTemplates, formTemplateVersions, ledgerEntries, locations, orders, patients, services, subscriptions } from '@/db/schema';
import { installStarterTemplates } from '@/lib/clinic-forms/templates';
import { loadPlaceholderValues } from '@/lib/engagement/templates/values';
import { portalLink } from '@/lib/notifications/portal-link';
import { visitActionLinks } from '@/lib/scheduling/visit-links';
import { createTestTenant } from '../support/factories';
import { createProviders } from '../support/scheduling-fixtures';
import { openInvoiceOf } from './billing-fixtures';
import { productOf } from './commerce-fixtures';

/**
 * The values a message's placeholders get (issue 18 point 9), read from Postgres per event: the
 * visit's day and time in its location's zone (not the clinic's first), formatted in the
 * message's language; an invoice's amount still owed from the ledger; an order's status in the
 * patient's words; and nothing at all for a row of another clinic or another patient.
 */

const db = () => getDb();

/**
 * A clinic whose first location (by name) is in New York without a phone, and "Westside" in Los
 * Angeles with one; Dr Ada Diaz; Maria, and Leo (another patient); a visit of Maria's at Westside
 * on 2030-01-08 03:30 UTC — still Monday 7 January, 7:30 PM in Los Angeles.
 */
async function clinic() {
  const tenant = await createTestTenant({ name: 'Sunrise Family Clinic' });
  const [east, west] = await db().insert(locations).values([
    { tenantId: tenant.id, name: 'Eastside', addressLine1: '1 Main St', city: 'New York', timeZone: 'America/New_York' },
    { tenantId: tenant.id, name: 'Westside', addressLine1: '9 Ocean Ave', city: 'Los Angeles', timeZone: 'America/Los_Angeles', phone: '+12125550100' },
  ]).returning();
  const [provider] = await createProviders(tenant, [{ name: 'Dr Ada Diaz' }]);
  const [service] = await db().insert(services).values({ tenantId: tenant.id, name: 'Dermatology consult', durationMinutes: 30 }).returning();
  const tag = randomBytes(3).toString('hex');
  const [maria, leo] = await db().insert(patients).values([
    { tenantId: tenant.id, recordNumber: `M-${tag}`, firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1986-04-12', preferredLanguage: 'es' },
    { tenantId: tenant.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Lopez', dateOfBirth: '2016-09-01' },
  ]).returning();
  const visit = async (patientId: string, locationId: string) => (await db().insert(appointments).values({
    tenantId: tenant.id, patientId, providerId: provider.id, serviceId: service!.id, locationId,
    startsAt: new Date('2030-01-08T03:30:00Z'), endsAt: new Date('2030-01-08T04:00:00Z'), bookedByKind: 'staff', bookedById: provider.id,
    notes: 'Mole on left arm',
  }).returning())[0]!;
  return { tenant, east: east!, west: west!, maria: maria!, leo: leo!, visit };
}

const load = (tenantId: string, patientId: string, eventName: string, subject: Record<string, unknown>, language = 'en') =>
  loadPlaceholderValues(db(), tenantId, { patientId, eventName, subject, language });

describe('loadPlaceholderValues', () => {
  it('gives the patient, the clinic and the portal for any event', async () => {
    const w = await clinic();
    expect(await load(w.tenant.id, w.maria.id, 'patient.created', {})).toEqual({
      'patient.firstName': 'Maria',
      'clinic.name': 'Sunrise Family Clinic',
      // The first location that has a phone, as the handout's.
      'clinic.phone': '(212) 555-0100',
      'portal.url': portalLink(w.tenant.slug, '/portal'),
    });
  });

  it('says when a visit is in its location’s zone, in the message’s language, with its links and nothing clinical', async () => {
    const w = await clinic();
    const visit = await w.visit(w.maria.id, w.west.id);
    const subject = { appointmentId: visit.id, serviceId: visit.serviceId, locationId: visit.locationId, providerId: visit.providerId };
    const links = visitActionLinks(w.tenant.slug, w.tenant.id, visit.id);
    const en = await load(w.tenant.id, w.maria.id, 'appointment.booked', subject);
    expect(en).toMatchObject({
      'appointment.date': 'Monday, January 7, 2030',
      'appointment.time': '7:30 PM PST',
      'appointment.location': 'Westside, 9 Ocean Ave, Los Angeles',
      'appointment.provider': 'Dr Ada Diaz',
      'appointment.confirmUrl': links.confirmUrl,
      'appointment.cancelUrl': links.cancelUrl,
    });
    expect(JSON.stringify(en)).not.toMatch(/Dermatology|Mole/);
    const es = await load(w.tenant.id, w.maria.id, 'appointment.rescheduled', { ...subject, previousAppointmentId: visit.id }, 'es');
    expect(es['appointment.date']).toBe('lunes, 7 de enero de 2030');
    expect(es['appointment.time']).toMatch(/^7:30\sp\.\s?m\.\sPST$/);
  });

  it('gives nothing of a visit of another clinic or another patient, or for an event that names none', async () => {
    const w = await clinic();
    const other = await clinic();
    const theirs = await other.visit(other.maria.id, other.west.id);
    const leos = await w.visit(w.leo.id, w.east.id);
    const keys = async (patientId: string, appointmentId: unknown, eventName = 'appointment.booked') => Object.keys(await load(w.tenant.id, patientId, eventName, { appointmentId })).sort();
    const always = ['clinic.name', 'clinic.phone', 'patient.firstName', 'portal.url'];
    expect(await keys(w.maria.id, theirs.id)).toEqual(always);
    expect(await keys(w.maria.id, leos.id)).toEqual(always);
    expect(await keys(w.maria.id, 'not-an-id')).toEqual(always);
    expect(await keys(w.maria.id, leos.id, 'patient.created')).toEqual(always);
    expect(Object.keys(await load(w.tenant.id, w.leo.id, 'appointment.booked', { appointmentId: leos.id }))).toContain('appointment.date');
    // Another clinic's patient gives nothing at all.
    expect(await load(w.tenant.id, other.maria.id, 'appointment.booked', { appointmentId: theirs.id })).toEqual({});
  });

  it('gives an invoice’s number, what is still owed from the ledger, its due date and link', async () => {
    const w = await clinic();
    const invoice = await openInvoiceOf(w.tenant.id, w.maria.id, 12_000);
    await db().insert(ledgerEntries).values({ tenantId: w.tenant.id, patientId: w.maria.id, kind: 'payment', amount: -2_000, currency: 'USD', invoiceId: invoice.id, actorKind: 'system' });
    const en = await load(w.tenant.id, w.maria.id, 'invoice.overdue', { invoiceId: invoice.id });
    expect(en).toMatchObject({
      'invoice.number': `INV-${String(invoice.number).padStart(6, '0')}`,
      'invoice.amountDue': '$100.00',
      'invoice.dueDate': 'Dec 31, 2026',
      'invoice.url': portalLink(w.tenant.slug, `/portal/billing/invoices/${invoice.id}`),
    });
    const es = await load(w.tenant.id, w.maria.id, 'invoice.issued', { invoiceId: invoice.id }, 'es');
    expect(es['invoice.amountDue']).toMatch(/100\.00/);
    expect(es['invoice.dueDate']).toBe('31 dic 2026');
    expect(Object.keys(await load(w.tenant.id, w.leo.id, 'invoice.overdue', { invoiceId: invoice.id }))).not.toContain('invoice.number');
  });

  it('gives an order’s number and its status now in the patient’s words, a form’s due day, a subscription’s link', async () => {
    const w = await clinic();
    const [order] = await db().insert(orders).values({ tenantId: w.tenant.id, number: 7, patientId: w.maria.id, kind: 'staff', status: 'shipped', currency: 'USD', subtotal: 1000, total: 1000 }).returning();
    const subject = { orderId: order!.id, from: 'awaiting_fulfilment', to: 'shipped' };
    expect(await load(w.tenant.id, w.maria.id, 'order.status_changed', subject)).toMatchObject({ 'order.number': 'ORD-000007', 'order.status': 'On its way', 'order.url': portalLink(w.tenant.slug, `/portal/orders/${order!.id}`) });
    await db().update(orders).set({ status: 'delivered' }).where(and(eq(orders.tenantId, w.tenant.id), eq(orders.id, order!.id)));
    expect((await load(w.tenant.id, w.maria.id, 'order.status_changed', subject, 'es'))['order.status']).toBe('Entregado');

    await installStarterTemplates(db(), w.tenant.id);
    const [template] = await db().select({ id: formTemplates.id }).from(formTemplates).where(and(eq(formTemplates.tenantId, w.tenant.id), eq(formTemplates.starterKey, 'general-intake')));
    const [version] = await db().select({ id: formTemplateVersions.id }).from(formTemplateVersions).where(and(eq(formTemplateVersions.tenantId, w.tenant.id), eq(formTemplateVersions.templateId, template!.id)));
    const [assignment] = await db().insert(formAssignments).values({ tenantId: w.tenant.id, patientId: w.maria.id, templateId: template!.id, versionId: version!.id, source: 'chart', dueOn: '2030-03-06' }).returning();
    const form = await load(w.tenant.id, w.maria.id, 'form.assigned', { assignmentId: assignment!.id, templateId: template!.id, source: 'chart', appointmentId: null });
    expect(form).toMatchObject({ 'form.dueDate': 'Mar 6, 2030', 'form.url': portalLink(w.tenant.slug, `/portal/forms/${assignment!.id}`) });
    expect(JSON.stringify(form)).not.toMatch(/intake/i);

    const product = await productOf(w.tenant.id, { name: 'Weight-loss plan', kind: 'subscription' });
    const [subscription] = await db().insert(subscriptions).values({ tenantId: w.tenant.id, patientId: w.maria.id, productId: product.id, status: 'past_due', anchorDay: 1 }).returning();
    const renewal = await load(w.tenant.id, w.maria.id, 'subscription.renewal_failed', { subscriptionId: subscription!.id, productId: product.id, cycle: 2 });
    expect(renewal['subscription.url']).toBe(portalLink(w.tenant.slug, `/portal/subscriptions/${subscription!.id}`));
    expect(JSON.stringify(renewal)).not.toMatch(/Weight/);
  });
});
