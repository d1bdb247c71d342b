import { randomBytes, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { appointments, documents, documentTypes, locations, patients, portalAccountPatients, services, staffUsers } from '@/db/schema';
import { createTestTenant } from './factories';
import { createPortalAccount } from './portal-fixtures';

let counter = 0;

/**
 * A clinic with one provider, service and location (Chicago), a portal account acting for
 * itself and for a child ("Leo"), and an unrelated patient of the same clinic.
 */
export async function createPortalVisitClinic() {
  const db = getDb();
  const clinic = await createTestTenant();
  const n = ++counter;
  const [location] = await db.insert(locations).values({ tenantId: clinic.id, name: `North ${n}`, addressLine1: '1 Main St', city: 'Chicago', timeZone: 'America/Chicago' }).returning();
  const [service] = await db.insert(services).values({ tenantId: clinic.id, name: 'Check-up', durationMinutes: 30 }).returning();
  const [provider] = await db.insert(staffUsers).values({
    tenantId: clinic.id, email: `doc${n}-${randomBytes(2).toString('hex')}@x.test`, fullName: 'Dr. Rivera',
    accessLevelId: clinic.levelId.physician, status: 'active', isProvider: true,
  }).returning();
  const parent = await createPortalAccount(clinic, { email: `parent${n}-${randomBytes(2).toString('hex')}@x.test`, phone: '+15555550111', password: 'Correct-horse-9' });
  const newPatient = async (firstName: string) => {
    const [row] = await db.insert(patients).values({
      tenantId: clinic.id, recordNumber: `V-${process.pid}-${n}-${randomBytes(3).toString('hex')}`, firstName, lastName: 'Test', dateOfBirth: '2016-09-03',
    }).returning();
    return row!;
  };
  const child = await newPatient('Leo');
  const stranger = await newPatient('Stranger');
  await db.insert(portalAccountPatients).values({ tenantId: clinic.id, accountId: parent.account.id, patientId: child.id, relationship: 'parent' });
  const [reportType] = await db.select().from(documentTypes).where(and(eq(documentTypes.tenantId, clinic.id), eq(documentTypes.name, 'Report')));
  const [invoiceType] = await db.select().from(documentTypes).where(and(eq(documentTypes.tenantId, clinic.id), eq(documentTypes.name, 'Invoice')));

  const book = async (
    patientId: string,
    start: string,
    options: { minutes?: number; status?: 'booked' | 'cancelled' | 'completed' | 'no_show'; videoUrl?: string } = {},
  ) => {
    const status = options.status ?? 'booked';
    const startsAt = new Date(start);
    const [row] = await db.insert(appointments).values({
      tenantId: clinic.id, patientId, providerId: provider!.id, serviceId: service!.id, locationId: location!.id,
      startsAt, endsAt: new Date(startsAt.getTime() + (options.minutes ?? 30) * 60_000), status,
      cancelReason: status === 'cancelled' ? 'Feeling better' : null, bookedByKind: 'staff', bookedById: provider!.id,
      videoUrl: options.videoUrl ?? null,
    }).returning({ id: appointments.id });
    return row!.id;
  };

  const addDocument = async (
    patientId: string,
    title: string,
    options: { createdAt: string; examinationDate?: string; visible?: boolean; typeId?: string; deleted?: boolean; status?: 'available' | 'pending' } ,
  ) => {
    const id = randomUUID();
    await db.insert(documents).values({
      tenantId: clinic.id, id, patientId, typeId: options.typeId ?? reportType!.id, title,
      examinationDate: options.examinationDate ?? options.createdAt.slice(0, 10),
      visibleToPatient: options.visible ?? true, status: options.status ?? 'available',
      storageKey: `test/${clinic.id}/${id}`, originalFilename: `${title}.pdf`, contentType: 'application/pdf', sizeBytes: 1234,
      uploadedByKind: 'staff', uploadedById: provider!.id,
      createdAt: new Date(options.createdAt), deletedAt: options.deleted ? new Date(options.createdAt) : null,
    });
    return id;
  };

  return { clinic, parent, child, stranger, provider: provider!, location: location!, service: service!, reportType: reportType!, invoiceType: invoiceType!, book, addDocument };
}
