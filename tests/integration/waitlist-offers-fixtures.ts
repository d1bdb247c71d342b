import { randomBytes } from 'node:crypto';
import { and, asc, eq, like } from 'drizzle-orm';
import { expect } from 'vitest';
import { getDb } from '@/db/client';
import { locations, outboxMessages, patients, services, tenantSettings, timeOff, waitlistEntries, waitlistOffers } from '@/db/schema';
import { bookAppointment, cancelAppointment } from '@/lib/scheduling/booking';
import { runWaitlistOffersFor } from '@/lib/waitlist/offer-job';
import { createBookingClinic, createProviders, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';

/**
 * Shared by the waitlist-offer*.int.test.ts files (not a test file itself).
 *
 * The clinic is in New York; the tests run on Monday 2030-01-07, 07:00 there. Dr Ada works weekdays
 * 09:00–09:30 (one 30-minute time a day), Dr Bob 09:00–10:00 but is away on Wednesday. The
 * entries wait for Wednesday 09:00–09:30 only, until that Wednesday, so Ada's Wednesday 09:00,
 * which Leo holds until the desk cancels it, is the one time that could fit.
 */

const db = () => getDb();
export const WEDNESDAY_NINE = ny('2030-01-09', '09:00');

/**
 * The clinic (batch and hold minutes as given), a way to add patients with an email and a phone,
 * entries made by the desk (`minutesAgo` orders them), Leo's visit to cancel, and readers of the
 * clinic's offers and of an offer's messages. `run` is one pass of the job for this clinic.
 */
export async function waitlistClinic(options: { batch?: number; minutes?: number } = {}) {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 60, bookingHorizonDays: 60, bufferMinutes: 0, cancellationWindowHours: 24 });
  await db().update(tenantSettings).set({ waitlistOfferBatch: options.batch ?? 2, waitlistOfferMinutes: options.minutes ?? 15 }).where(eq(tenantSettings.tenantId, tenant.id));
  const [main] = await db().insert(locations).values({ tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ }).returning();
  // A service name no message may carry.
  const [service] = await db().insert(services).values({ tenantId: tenant.id, name: 'Fertility consultation', durationMinutes: 30 }).returning();
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, service!], [bob, service!]]);
  await weekdayHours(tenant, [{ provider: ada, location: main!, from: '09:00', to: '09:30' }, { provider: bob, location: main!, from: '09:00', to: '10:00' }]);
  await db().insert(timeOff).values({ tenantId: tenant.id, providerId: bob.id, startsAt: ny('2030-01-09', '00:00'), endsAt: ny('2030-01-10', '00:00') });

  const tag = randomBytes(3).toString('hex');
  let n = 0;
  const patient = async (firstName: string) => {
    n++;
    const [row] = await db().insert(patients).values({
      tenantId: tenant.id, recordNumber: `W-${tag}-${n}`, firstName, lastName: 'Q', dateOfBirth: '1990-01-01',
      email: `${firstName.toLowerCase()}-${tag}@example.test`, phone: `+1555020${String(n).padStart(4, '0')}`,
    }).returning();
    return row!;
  };
  /** A waiting entry made by the desk, joined `minutesAgo` before now; by default Wednesday 09:00–09:30 with any provider. */
  const entry = async (patientId: string, minutesAgo: number, over: Partial<typeof waitlistEntries.$inferInsert> = {}) => {
    const [row] = await db().insert(waitlistEntries).values({
      tenantId: tenant.id, patientId, serviceId: service!.id, locationId: main!.id, weekdays: [3], earliestTime: '09:00', latestTime: '09:30',
      untilOn: '2030-01-09', createdByKind: 'staff', createdById: staff.actor.id, createdAt: new Date(NOW.getTime() - minutesAgo * 60_000), ...over,
    }).returning();
    return row!;
  };
  /** Leo's visit holds Wednesday 09:00 with Ada until the desk cancels it. */
  const leo = await patient('Leo');
  const leoVisit = await bookAppointment(db(), staff, { patientId: leo.id, serviceId: service!.id, locationId: main!.id, providerId: ada.id, startsAt: WEDNESDAY_NINE });
  if (!leoVisit.ok) throw new Error('could not book Leo');
  const cancelLeo = async () => expect(await cancelAppointment(db(), staff, leoVisit.appointment.id, 'Leo is unwell')).toEqual({ ok: true });
  const offers = () => db().select().from(waitlistOffers).where(eq(waitlistOffers.tenantId, tenant.id)).orderBy(asc(waitlistOffers.createdAt), asc(waitlistOffers.patientId));
  const messages = (offerId: string, kind: 'made' | 'gone') => db()
    .select({ channel: outboxMessages.channel, recipient: outboxMessages.recipient, body: outboxMessages.body, subject: outboxMessages.subject, purpose: outboxMessages.purpose })
    .from(outboxMessages)
    .where(and(eq(outboxMessages.tenantId, tenant.id), like(outboxMessages.idempotencyKey, `waitlist-offer:${offerId}:${kind}:%`)));
  const run = (at?: Date) => runWaitlistOffersFor(db(), tenant.id, at);
  return { tenant, staff, main: main!, service: service!, ada, bob, patient, entry, leo, cancelLeo, offers, messages, run };
}

