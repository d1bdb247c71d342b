import { randomBytes } from 'node:crypto';
import { getDb } from '@/db/client';
import { locations, services } from '@/db/schema';
import { bookAppointment } from '@/lib/scheduling/booking';
import { createBookingClinic, createMariasFamily, createProviders, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';

/** Shared by the scheduling-visit-link*.int.test.ts files (not a test file itself). */

/**
 * A New York clinic with a 24-hour change window, one location with a phone, one service (a name
 * the link's page must never show), Dr Ada working weekdays 08:00-17:00, and Maria's family.
 * `book` is the front desk booking a visit for Maria (or another patient) with Dr Ada.
 */
export async function visitLinkClinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 0, bookingHorizonDays: 60, bufferMinutes: 0, cancellationWindowHours: 24 });
  const db = getDb();
  const [main] = await db.insert(locations).values([
    { tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', region: 'NY', postalCode: '10001', timeZone: TZ, phone: '+12125550100' },
  ]).returning();
  // A service name that must never reach the link's page.
  const [service] = await db.insert(services).values({ tenantId: tenant.id, name: 'Fertility consultation', durationMinutes: 30 }).returning();
  const [ada] = await createProviders(tenant, [{ name: 'Dr Ada' }]);
  await offerServices(tenant, [[ada, service!]]);
  await weekdayHours(tenant, [{ provider: ada, location: main!, from: '08:00', to: '17:00' }]);
  const { maria, leo, portal } = await createMariasFamily(tenant, randomBytes(3).toString('hex'));
  const book = async (startsAt: Date, patientId = maria.patient.id) => {
    const result = await bookAppointment(db, staff, { patientId, serviceId: service!.id, locationId: main!.id, providerId: ada.id, startsAt });
    if (!result.ok) throw new Error(`booking failed: ${result.error}`);
    return result.appointment.id;
  };
  return { tenant, staff, main: main!, service: service!, ada, maria, leo, portal, book };
}
