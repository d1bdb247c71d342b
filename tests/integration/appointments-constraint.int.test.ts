import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, locations, patients, services, staffUsers } from '@/db/schema';
import { createTestTenant } from '../support/factories';

function pgCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.code;
}

async function fixture() {
  const clinic = await createTestTenant();
  const db = getDb();
  const [loc] = await db.insert(locations).values({ tenantId: clinic.id, name: 'Main', addressLine1: '1 St', city: 'X', timeZone: 'America/New_York' }).returning();
  const [svc] = await db.insert(services).values({ tenantId: clinic.id, name: 'Visit', durationMinutes: 30 }).returning();
  const [doc] = await db.insert(staffUsers).values({ tenantId: clinic.id, email: 'doc@x.test', fullName: 'Doc', accessLevelId: clinic.levelId.physician, status: 'active', isProvider: true }).returning();
  const [pat] = await db.insert(patients).values({ tenantId: clinic.id, recordNumber: 'A-1', firstName: 'A', lastName: 'B', dateOfBirth: '1990-01-01' }).returning();
  const book = (start: string, minutes = 30, status: 'booked' | 'cancelled' = 'booked') =>
    db.insert(appointments).values({
      tenantId: clinic.id, patientId: pat!.id, providerId: doc!.id, serviceId: svc!.id, locationId: loc!.id,
      startsAt: new Date(start), endsAt: new Date(new Date(start).getTime() + minutes * 60_000), status,
      cancelReason: status === 'cancelled' ? 'test' : null, bookedByKind: 'staff', bookedById: doc!.id,
    }).returning({ id: appointments.id });
  return { clinic, book };
}

describe('the database refuses double booking', () => {
  it('refuses overlaps of one provider, allows back-to-back and cancelled ones', async () => {
    const { book } = await fixture();
    await book('2030-01-07T15:00:00Z');
    await expect(book('2030-01-07T15:15:00Z')).rejects.toSatisfy((e) => pgCode(e) === '23P01');
    await expect(book('2030-01-07T15:30:00Z')).resolves.toHaveLength(1);
    await expect(book('2030-01-07T15:10:00Z', 10, 'cancelled')).resolves.toHaveLength(1);
  });

  it('lets exactly one of 50 concurrent bookings of the same slot win', async () => {
    const { clinic, book } = await fixture();
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => book('2030-02-04T14:00:00Z')));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((r) => pgCode((r as PromiseRejectedResult).reason) === '23P01')).toBe(true);
    expect(await getDb().select().from(appointments).where(eq(appointments.tenantId, clinic.id))).toHaveLength(1);
  });
});
