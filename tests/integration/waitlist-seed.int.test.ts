import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, patients, services, tenants, waitlistEntries, waitlistOffers } from '@/db/schema';
import { runWaitlistOffersFor } from '@/lib/waitlist/offer-job';

/**
 * The demo's waitlist (issue 20), which tests/e2e/waitlist.spec.ts builds on: Maria (Sunrise)
 * waits for a consultation with Dr. Patel on the weekday of Leo's check-up, 09:30–10:00, until
 * that day. Nothing fits while Leo holds the time (a week earlier, Dr. Patel's team meeting
 * takes the hour); once Leo's check-up is cancelled, Maria is offered exactly that time.
 */

beforeAll(async () => {
  const { seedDemoData } = await import('@/scripts/demo-seed');
  await seedDemoData(getDb());
  await seedDemoData(getDb());
}, 240_000);

async function sunrise() {
  const [tenant] = await getDb().select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, 'sunrise'));
  const [leo] = await getDb().select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, tenant!.id), eq(patients.recordNumber, 'SUN-10002')));
  const [checkUp] = await getDb().select({ id: services.id }).from(services).where(and(eq(services.tenantId, tenant!.id), eq(services.name, 'Pediatric check-up')));
  const [visit] = await getDb().select().from(appointments)
    .where(and(eq(appointments.tenantId, tenant!.id), eq(appointments.patientId, leo!.id), eq(appointments.serviceId, checkUp!.id), eq(appointments.status, 'booked')));
  return { tenantId: tenant!.id, visit: visit! };
}

describe('waitlist demo seed', () => {
  it("offers Maria Leo's check-up time once it is cancelled, and nothing before", async () => {
    const { tenantId, visit } = await sunrise();
    const entries = await getDb().select().from(waitlistEntries).where(eq(waitlistEntries.tenantId, tenantId));
    expect(entries).toHaveLength(1); // seeded once, however often the seed runs
    expect(entries[0]).toMatchObject({ status: 'waiting', earliestTime: '09:30:00', latestTime: '10:00:00' });

    expect((await runWaitlistOffersFor(getDb(), tenantId)).waitlistOffersMade).toBe(0);
    await getDb().update(appointments).set({ status: 'cancelled', cancelReason: 'Leo is unwell', cancelledAt: new Date() }).where(eq(appointments.id, visit.id));
    expect((await runWaitlistOffersFor(getDb(), tenantId)).waitlistOffersMade).toBe(1);
    const [offer] = await getDb().select().from(waitlistOffers).where(eq(waitlistOffers.tenantId, tenantId));
    expect(offer).toMatchObject({ entryId: entries[0]!.id, providerId: visit.providerId, startsAt: visit.startsAt, status: 'offered' });
  });
});
