import { and, asc, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import {
  appointments, auditLog, campaigns, locations, messageTemplates, orderLines, orders, patients, patientTags, products, services, subscriptions,
  type AppointmentStatus, type CampaignStatus, type OrderStatus, type SubscriptionStatus,
} from '@/db/schema';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';

/**
 * A clinic for the segment tests (issue 18 point 6), in Los Angeles unless told: two locations,
 * two services, two products, a provider, staff (marketing has campaigns.manage, support does
 * not), and helpers that write patients, visits, tags, subscriptions and orders directly (the
 * segment reads rows; how they are made is other tests' concern).
 */
export async function segmentClinic(options: { timeZone?: string } = {}) {
  const db = getDb();
  const tenant = await createTestTenant();
  const timeZone = options.timeZone ?? 'America/Los_Angeles';
  const [downtown, uptown] = await db.insert(locations).values([
    { tenantId: tenant.id, name: 'Downtown', addressLine1: '1 Main St', city: 'Springfield', timeZone },
    { tenantId: tenant.id, name: 'Uptown', addressLine1: '9 Hill Rd', city: 'Springfield', timeZone },
  ]).returning({ id: locations.id });
  const [checkup, cleaning] = await db.insert(services).values([
    { tenantId: tenant.id, name: 'Checkup', durationMinutes: 30 },
    { tenantId: tenant.id, name: 'Cleaning', durationMinutes: 30 },
  ]).returning({ id: services.id });
  const [plan, kit] = await db.insert(products).values([
    { tenantId: tenant.id, name: 'Care plan', kind: 'subscription' },
    { tenantId: tenant.id, name: 'Cleanser kit', kind: 'one_time', unitAmount: 2500 },
  ]).returning({ id: products.id });
  const [admin, marketing, support, provider] = await Promise.all([
    createStaffContext(tenant, 'admin'), createStaffContext(tenant, 'marketing'), createStaffContext(tenant, 'support'), createStaffContext(tenant, 'physician'),
  ]);
  let orderNumber = 0;

  const patient = async (values: { name: string; dateOfBirth: string; language?: string }) => {
    const [row] = await db.insert(patients).values({
      tenantId: tenant.id, recordNumber: `S-${values.name}-${Math.random().toString(36).slice(2, 8)}`, firstName: values.name, lastName: 'Test',
      dateOfBirth: values.dateOfBirth, preferredLanguage: values.language ?? 'en',
    }).returning({ id: patients.id });
    return row!.id;
  };
  const visit = async (patientId: string, at: string, status: AppointmentStatus, serviceId: string, locationId: string) => {
    const startsAt = new Date(at);
    await db.insert(appointments).values({
      tenantId: tenant.id, patientId, providerId: provider.actor.id, serviceId, locationId, startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000), status,
      cancelReason: status === 'cancelled' ? 'Patient asked' : null, bookedByKind: 'staff', bookedById: admin.actor.id,
    });
  };
  const tag = (patientId: string, ...tags: string[]) => db.insert(patientTags).values(tags.map((t) => ({ tenantId: tenant.id, patientId, tag: t })));
  const subscription = (patientId: string, productId: string, status: SubscriptionStatus) => db.insert(subscriptions).values({
    tenantId: tenant.id, patientId, productId, status, anchorDay: 1, cancelledAt: status === 'cancelled' ? new Date() : null,
  });
  const order = async (patientId: string, productIds: string[], status: OrderStatus, paid: boolean) => {
    const [row] = await db.insert(orders).values({
      tenantId: tenant.id, number: ++orderNumber, patientId, kind: 'checkout', status, currency: 'USD', subtotal: 2500 * productIds.length, total: 2500 * productIds.length,
      paidAt: paid ? new Date('2026-01-01T12:00:00Z') : null,
    }).returning({ id: orders.id });
    await db.insert(orderLines).values(productIds.map((productId, position) => ({
      tenantId: tenant.id, orderId: row!.id, position, productId, description: 'Line', quantity: 1, unitAmount: 2500, total: 2500,
    })));
  };

  return {
    tenant, timeZone, admin, marketing, support, provider,
    locations: { downtown: downtown!.id, uptown: uptown!.id },
    services: { checkup: checkup!.id, cleaning: cleaning!.id },
    products: { plan: plan!.id, kit: kit!.id },
    patient, visit, tag, subscription, order,
  };
}
export type SegmentClinic = Awaited<ReturnType<typeof segmentClinic>>;

/**
 * The clinic's five patients, each built to fall on one side of one edge (on 15 June 2026 in Los
 * Angeles):
 *   ana  36, Spanish, vip; visited (Checkup, Downtown) in January 2026; subscribed to the plan.
 *   ben  66, lapsed; last visit (Cleaning, Uptown) March 2024; bought the kit.
 *   cara 11 on 15 June 2026; a booked and a cancelled visit only; a refunded plan order; a cancelled subscription.
 *   dan  born 29 February 2000, vip; a no-show; visited (Cleaning, Downtown) at 23:30 on 14 June 2025
 *        in Los Angeles (06:30 UTC on the 15th); an unpaid order; a past-due subscription.
 *   eve  41, Spanish; visited (Checkup, Uptown) at 00:30 on 15 June 2025 in Los Angeles; a paid order of both products.
 */
export async function segmentPatients(w: SegmentClinic) {
  const { services: s, locations: l, products: p } = w;
  const ana = await w.patient({ name: 'Ana', dateOfBirth: '1990-05-10', language: 'es' });
  const ben = await w.patient({ name: 'Ben', dateOfBirth: '1960-01-01' });
  const cara = await w.patient({ name: 'Cara', dateOfBirth: '2015-06-15' });
  const dan = await w.patient({ name: 'Dan', dateOfBirth: '2000-02-29' });
  const eve = await w.patient({ name: 'Eve', dateOfBirth: '1985-01-01', language: 'es' });

  await w.tag(ana, 'vip');
  await w.tag(ben, 'lapsed');
  await w.tag(dan, 'vip', 'weight-loss');

  await w.visit(ana, '2026-01-10T17:00:00Z', 'completed', s.checkup, l.downtown);
  await w.visit(ben, '2024-03-01T17:00:00Z', 'completed', s.cleaning, l.uptown);
  await w.visit(cara, '2026-07-01T17:00:00Z', 'booked', s.checkup, l.downtown);
  await w.visit(cara, '2026-01-05T17:00:00Z', 'cancelled', s.cleaning, l.uptown);
  await w.visit(dan, '2026-02-01T17:00:00Z', 'no_show', s.checkup, l.downtown);
  await w.visit(dan, '2025-06-15T06:30:00Z', 'completed', s.cleaning, l.downtown);
  await w.visit(eve, '2025-06-15T07:30:00Z', 'completed', s.checkup, l.uptown);

  await w.subscription(ana, p.plan, 'active');
  await w.subscription(cara, p.kit, 'cancelled');
  await w.subscription(dan, p.plan, 'past_due');

  await w.order(ben, [p.kit], 'completed', true);
  await w.order(cara, [p.plan], 'refunded', true);
  await w.order(dan, [p.plan], 'awaiting_payment', false);
  await w.order(eve, [p.plan, p.kit], 'processing', true);
  return { ana, ben, cara, dan, eve };
}

/** A message template and a campaign of the clinic to `segmentId`, in `status`. */
export async function campaignTo(tenantId: string, segmentId: string, status: CampaignStatus) {
  const db = getDb();
  const [template] = await db.insert(messageTemplates).values({
    tenantId, name: `Offer ${Math.random().toString(36).slice(2, 8)}`, channel: 'email', purpose: 'marketing', content: { en: { subject: 'Hello', body: 'Hi {{patient.firstName}}' } },
  }).returning({ id: messageTemplates.id });
  const [campaign] = await db.insert(campaigns).values({
    tenantId, name: 'Spring offer', channel: 'email', templateId: template!.id, segmentId, status, sendAt: status === 'draft' ? null : new Date('2026-07-01T16:00:00Z'),
  }).returning({ id: campaigns.id });
  return campaign!.id;
}

/** The clinic's audit entries of a segment, oldest first. */
export async function segmentAudit(tenantId: string, segmentId: string) {
  return getDb().select({ action: auditLog.action, actorId: auditLog.actorId, patientId: auditLog.patientId, details: auditLog.details })
    .from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.targetType, 'segment'), eq(auditLog.targetId, segmentId))).orderBy(asc(auditLog.id));
}
