import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { getDb } from '@/db/client';
import { availabilityRules, patientContacts, patients, portalAccountPatients, providerServices, staffUsers, type StaffUser, type TenantSettings } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { zonedInstant } from '@/lib/scheduling/zoned-time';
import { createTestTenant } from './factories';
import { portalContext } from './portal-context';
import { createPortalAccount } from './portal-fixtures';
import { createStaffContext } from './staff-context';

/** The booking tests' clinic is in New York; they run on Monday 2030-01-07, 07:00 there. */
export const TZ = 'America/New_York';
export const NOW = new Date('2030-01-07T12:00:00Z');
export const ny = (date: string, time: string) => zonedInstant(date, time, TZ);

/** lib's clock reads `at` in every test of the file (a test may move it), and the real time after. */
export function holdClockAt(at: Date) {
  beforeEach(() => setClockForTests(() => at));
  afterEach(() => setClockForTests(undefined));
}

type BookingRules = Pick<TenantSettings, 'minNoticeMinutes' | 'bookingHorizonDays' | 'bufferMinutes' | 'cancellationWindowHours'>;

/** A clinic with these booking rules, and a front-desk member of staff (operations level) who books for patients. */
export async function createBookingClinic(rules: BookingRules) {
  const tenant = await createTestTenant({ settings: rules });
  return { tenant, staff: await createStaffContext(tenant, 'operations') };
}

type Clinic = { id: string; levelId: { physician: string } };
type Row = { id: string };

/**
 * Bookable staff of the physician level, one a name ("Dr Ada" signs in as ada-<tag>@x.test);
 * active unless `deactivated`. Returns the rows in the order given.
 */
export async function createProviders<const T extends readonly { name: string; deactivated?: true }[]>(clinic: Clinic, people: T): Promise<{ [K in keyof T]: StaffUser }> {
  const tag = randomBytes(3).toString('hex');
  const rows = await getDb().insert(staffUsers).values(people.map((p) => ({
    tenantId: clinic.id, email: `${p.name.split(' ').at(-1)!.toLowerCase()}-${tag}@x.test`, fullName: p.name,
    accessLevelId: clinic.levelId.physician, status: p.deactivated ? 'deactivated' as const : 'active' as const, isProvider: true,
  }))).returning();
  return rows as unknown as { [K in keyof T]: StaffUser };
}

/** Which services each provider offers: [provider, service] pairs. */
export async function offerServices(clinic: Clinic, offers: readonly (readonly [provider: Row, service: Row])[]) {
  await getDb().insert(providerServices).values(offers.map(([provider, service]) => ({ tenantId: clinic.id, providerId: provider.id, serviceId: service.id })));
}

/** Weekly hours, Monday to Friday alike: each entry is one provider at one location every weekday. */
export async function weekdayHours(clinic: Clinic, hours: readonly { provider: Row; location: Row; from: string; to: string }[]) {
  await getDb().insert(availabilityRules).values([1, 2, 3, 4, 5].flatMap((weekday) => hours.map((h) => ({
    tenantId: clinic.id, providerId: h.provider.id, locationId: h.location.id, weekday, startTime: h.from, endTime: h.to,
  }))));
}

/**
 * Maria's family: Maria has a portal account acting for herself and for Leo, her son; Sam is in
 * her family (she is his contact) but not linked to her account. `portal(patientId)` is her
 * account acting for that patient.
 */
export async function createMariasFamily(clinic: Clinic, tag: string) {
  const db = getDb();
  const maria = await createPortalAccount(clinic, { email: `maria-${tag}@example.test`, phone: '+15550100001', password: 'x' });
  const [leo, sam] = await db.insert(patients).values([
    { tenantId: clinic.id, recordNumber: `L-${tag}`, firstName: 'Leo', lastName: 'Q', dateOfBirth: '2018-03-01' },
    { tenantId: clinic.id, recordNumber: `S-${tag}`, firstName: 'Sam', lastName: 'Q', dateOfBirth: '2016-03-01' },
  ]).returning();
  await db.insert(portalAccountPatients).values({ tenantId: clinic.id, accountId: maria.account.id, patientId: leo!.id, relationship: 'parent' });
  await db.insert(patientContacts).values({ tenantId: clinic.id, patientId: sam!.id, contactPatientId: maria.patient.id, relationship: 'parent' });
  const portal = (patientId = maria.patient.id) => portalContext(clinic, maria.account.id, patientId, { relationship: patientId === maria.patient.id ? 'self' : 'parent' });
  return { maria, leo: leo!, sam: sam!, portal };
}
