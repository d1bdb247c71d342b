import { and, desc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, documentTypes, locations, services, tenantSettings, waitlistEntries } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { failureOf, STAFF_MESSAGES } from '@/lib/actions/failures';
import { setClockForTests } from '@/lib/clock';
import { listUploadDocumentTypes } from '@/lib/documents/patient-uploads';
import { listPortalDocumentTypes } from '@/lib/documents/portal-document-types';
import { listPortalDocuments } from '@/lib/documents/portal-documents';
import { localized } from '@/lib/i18n/clinic-text';
import { createLocation, listLocations, updateLocation } from '@/lib/locations/locations';
import { portalDashboard } from '@/lib/patients/portal-dashboard';
import { listBookableLocations, listBookableServices } from '@/lib/scheduling/online-booking';
import { getBookingVisit } from '@/lib/scheduling/patient-bookings';
import { listPortalAppointments } from '@/lib/scheduling/portal-visits';
import { createService, getService, updateService } from '@/lib/services/services';
import { createDocumentType, listDocumentTypes, translateDocumentType } from '@/lib/settings/document-types';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { listPatientWaitlist } from '@/lib/waitlist/entries';
import { createTestTenant } from '../support/factories';
import { portalContext } from '../support/portal-context';
import { createPortalVisitClinic } from '../support/portal-visit-fixtures';
import { offerServices, weekdayHours } from '../support/scheduling-fixtures';
import { createStaffContext } from '../support/staff-context';

const db = () => getDb();
afterEach(() => setClockForTests(undefined));

async function clinicAdmin(defaultLanguage = 'en') {
  const clinic = await createTestTenant({ settings: { defaultLanguage } });
  return { clinic, admin: await createStaffContext(clinic, 'admin') };
}

const serviceForm = (changes: Record<string, string | undefined> = {}) => ({
  name: 'Family consultation', description: 'For the whole family.', durationMinutes: '30', price: '', bookableOnline: 'on', active: 'on', ...changes,
});
const mainStreet = (changes: Record<string, string> = {}) => ({
  name: 'Main Street', addressLine1: '1 Main St', addressLine2: '', city: 'Springfield', region: 'IL', postalCode: '62701',
  country: 'US', timeZone: 'America/Chicago', phone: '', notes: '', ...changes,
});

async function lastAudit(tenantId: string, action: string) {
  const [row] = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action))).orderBy(desc(auditLog.occurredAt)).limit(1);
  return row!;
}

describe('the CRM saves translations of clinic-entered names', () => {
  it('a service: saved trimmed, changed, cleared when posted blank, kept when not posted; audited', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { id } = await createService(db(), admin, serviceForm({ name_es: '  Consulta familiar ', description_es: '' }));
    expect((await getService(db(), admin, id)).translations).toEqual({ es: { name: 'Consulta familiar' } });
    expect((await lastAudit(clinic.id, 'settings.service_added')).details).toMatchObject({ after: { translations: { es: { name: 'Consulta familiar' } } } });

    expect(await updateService(db(), admin, id, serviceForm({ name_es: 'Consulta familiar', description_es: 'Para toda la familia.' }))).toEqual({ changed: true });
    expect((await getService(db(), admin, id)).translations).toEqual({ es: { name: 'Consulta familiar', description: 'Para toda la familia.' } });
    expect((await lastAudit(clinic.id, 'settings.service_changed')).details).toMatchObject({
      changed: { translations: { before: { es: { name: 'Consulta familiar' } }, after: { es: { name: 'Consulta familiar', description: 'Para toda la familia.' } } } },
    });

    // A form without the fields (an older page) leaves them; the same values change nothing.
    expect(await updateService(db(), admin, id, serviceForm())).toEqual({ changed: false });
    expect(await updateService(db(), admin, id, serviceForm({ name_es: 'Consulta familiar', description_es: 'Para toda la familia.' }))).toEqual({ changed: false });

    expect(await updateService(db(), admin, id, serviceForm({ name_es: ' ', description_es: '' }))).toEqual({ changed: true });
    const [row] = await db().select({ translations: services.translations }).from(services).where(and(eq(services.tenantId, clinic.id), eq(services.id, id)));
    expect(row!.translations).toEqual({});
  });

  it('refuses a translation longer than the default field allows, naming the field', async () => {
    const { admin } = await clinicAdmin();
    const error = await createService(db(), admin, serviceForm({ name_es: 'x'.repeat(81) })).then(() => null, (e: unknown) => e);
    expect(failureOf(error, STAFF_MESSAGES, 'test').fieldErrors).toEqual({ name_es: 'Keep the service name in Spanish to 80 characters or fewer.' });
  });

  it('a location: notes for patients and the name and notes in Spanish', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { id } = await createLocation(db(), admin, mainStreet({ notes: 'Park behind the building.', name_es: 'Calle Mayor', notes_es: 'Aparque detrás del edificio.' }));
    expect((await listLocations(db(), admin))[0]).toMatchObject({
      notes: 'Park behind the building.', translations: { es: { name: 'Calle Mayor', notes: 'Aparque detrás del edificio.' } },
    });
    await updateLocation(db(), admin, id, mainStreet({ notes: '', name_es: 'Calle Mayor', notes_es: '' }));
    const [row] = await db().select({ notes: locations.notes, translations: locations.translations }).from(locations).where(eq(locations.id, id));
    expect(row).toEqual({ notes: null, translations: { es: { name: 'Calle Mayor' } } });
    expect((await lastAudit(clinic.id, 'settings.location_changed')).details).toMatchObject({
      changed: { notes: { before: 'Park behind the building.', after: null }, translations: { after: { es: { name: 'Calle Mayor' } } } },
    });
  });

  it('a document type: named in Spanish when added, translated and cleared from its row; another clinic’s type is not found', async () => {
    const { clinic, admin } = await clinicAdmin();
    const { id } = await createDocumentType(db(), admin, { name: 'Vaccination record', name_es: 'Cartilla de vacunación' });
    expect((await listDocumentTypes(db(), admin)).find((t) => t.id === id)?.translations).toEqual({ es: { name: 'Cartilla de vacunación' } });
    expect(await translateDocumentType(db(), admin, id, { name_es: 'Cartilla de vacunación' })).toEqual({ changed: false });
    expect(await translateDocumentType(db(), admin, id, { name_es: 'Registro de vacunas' })).toEqual({ changed: true });
    expect((await lastAudit(clinic.id, 'settings.document_type_changed')).details).toMatchObject({
      name: 'Vaccination record', changed: { translations: { before: { es: { name: 'Cartilla de vacunación' } }, after: { es: { name: 'Registro de vacunas' } } } },
    });
    expect(await translateDocumentType(db(), admin, id, { name_es: '' })).toEqual({ changed: true });
    const [row] = await db().select({ translations: documentTypes.translations }).from(documentTypes).where(eq(documentTypes.id, id));
    expect(row!.translations).toEqual({});

    const other = await clinicAdmin();
    await expect(translateDocumentType(db(), other.admin, id, { name_es: 'Hackeado' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(translateDocumentType(db(), admin, id, { name: 'Renamed' })).rejects.toMatchObject({ fieldErrors: { form: 'This form sent a field it does not have.' } });
  });

  it('a Spanish-speaking clinic translates into English, never into its own language', async () => {
    const { admin } = await clinicAdmin('es');
    const { id } = await createService(db(), admin, serviceForm({ name: 'Consulta familiar', name_es: 'Ignored', name_en: 'Family consultation' }));
    expect((await getService(db(), admin, id)).translations).toEqual({ en: { name: 'Family consultation' } });
  });
});

describe('the portal reads clinic-entered names in the patient’s language', () => {
  async function translatedClinic() {
    const a = await createPortalVisitClinic();
    await db().update(services).set({ description: 'A yearly check.', translations: { es: { name: 'Revisión', description: 'Un control anual.' } } }).where(eq(services.id, a.service.id));
    await db().update(locations).set({ notes: 'Enter from 5th Street.', translations: { es: { name: 'Norte', notes: 'Entrada por la calle 5.' } } }).where(eq(locations.id, a.location.id));
    await db().update(documentTypes).set({ translations: { es: { name: 'Informe' } } }).where(eq(documentTypes.id, a.reportType.id));
    await offerServices(a.clinic, [[a.provider, a.service]]);
    await weekdayHours(a.clinic, [{ provider: a.provider, location: a.location, from: '09:00', to: '17:00' }]);
    const me = a.parent.patient.id;
    const as = (language: string) => {
      const ctx = portalContext(a.clinic, a.parent.account.id, me);
      return { ...ctx, account: { ...ctx.account, language } };
    };
    setClockForTests(() => new Date('2030-03-10T15:00:00Z'));
    const visit = await a.book(me, '2030-03-11T15:00:00Z');
    await a.book(me, '2030-03-01T15:00:00Z', { status: 'completed' });
    const report = await a.addDocument(me, 'X-ray', { createdAt: '2030-03-09T10:00:00Z' });
    await db().insert(waitlistEntries).values({
      tenantId: a.clinic.id, patientId: me, serviceId: a.service.id, locationId: a.location.id, untilOn: '2030-04-01', createdByKind: 'staff', createdById: a.provider.id,
    });
    await a.addDocument(me, 'Glucose', { createdAt: '2030-03-08T10:00:00Z', typeId: (await typeNamed(a.clinic.id, 'Lab result')).id });
    return { a, as, visit, report };
  }

  async function typeNamed(tenantId: string, name: string) {
    const [row] = await db().select().from(documentTypes).where(and(eq(documentTypes.tenantId, tenantId), eq(documentTypes.name, name)));
    return row!;
  }

  it('Spanish: visits, bookings, the home page, documents, type filters and booking choices; an untranslated name stays as written', async () => {
    const { a, as, visit, report } = await translatedClinic();
    const es = as('es');

    const upcoming = await listPortalAppointments(db(), es, { when: 'upcoming', limit: 10 });
    expect(upcoming.visits[0]).toMatchObject({ id: visit, service: 'Revisión', location: 'Norte' });
    expect((await listPortalAppointments(db(), es, { when: 'past', limit: 10 })).visits[0]).toMatchObject({ service: 'Revisión', location: 'Norte' });
    expect(await getBookingVisit(db(), es, visit)).toMatchObject({ service: 'Revisión', location: 'Norte' });

    const home = await portalDashboard(db(), es);
    expect(home.upcoming[0]).toMatchObject({ service: 'Revisión', location: 'Norte' });
    expect(home.newDocuments.map((d) => d.typeName)).toEqual(['Informe', 'Lab result']);

    const docs = await listPortalDocuments(db(), es);
    expect(docs.find((d) => d.id === report)?.typeName).toBe('Informe');
    // Search finds a type by the name the patient reads.
    expect((await listPortalDocuments(db(), es, { q: 'informe' })).map((d) => d.id)).toEqual([report]);
    expect((await listPortalDocumentTypes(db(), es)).map((t) => t.name)).toEqual(['Ambulatory sheet', 'Informe', 'Invoice', 'Lab result', 'Referral']);
    expect((await listUploadDocumentTypes(db(), es)).map((t) => t.name)).toContain('Informe');

    expect(await listBookableLocations(db(), es)).toEqual([expect.objectContaining({ id: a.location.id, name: 'Norte', notes: 'Entrada por la calle 5.' })]);
    expect(await listBookableServices(db(), es, a.location.id)).toEqual([expect.objectContaining({ name: 'Revisión', description: 'Un control anual.' })]);
    expect((await listPatientWaitlist(db(), es))[0]).toMatchObject({ service: { name: 'Revisión' }, location: { name: 'Norte' } });

    // The sign-in page's cards read the profile's translations through localized().
    const location = (await loadTenantProfile(db(), a.clinic.id))!.locations[0]!;
    expect([localized(location, 'name', 'es', 'en'), localized(location, 'notes', 'es', 'en')]).toEqual(['Norte', 'Entrada por la calle 5.']);
  });

  it('English (the clinic’s default): the names as the clinic wrote them', async () => {
    const { a, as, visit, report } = await translatedClinic();
    const en = as('en');
    expect((await listPortalAppointments(db(), en, { when: 'upcoming', limit: 10 })).visits[0]).toMatchObject({ id: visit, service: 'Check-up', location: a.location.name });
    expect((await portalDashboard(db(), en)).newDocuments.map((d) => d.typeName)).toEqual(['Report', 'Lab result']);
    expect((await listPortalDocuments(db(), en)).find((d) => d.id === report)?.typeName).toBe('Report');
    expect((await listPortalDocuments(db(), en, { q: 'informe' }))).toEqual([]);
    expect((await listPortalDocumentTypes(db(), en)).map((t) => t.name)).toContain('Report');
    expect(await listBookableLocations(db(), en)).toEqual([expect.objectContaining({ name: a.location.name, notes: 'Enter from 5th Street.' })]);
    expect(await listBookableServices(db(), en, a.location.id)).toEqual([expect.objectContaining({ name: 'Check-up', description: 'A yearly check.' })]);
    expect((await listPatientWaitlist(db(), en))[0]).toMatchObject({ service: { name: 'Check-up' }, location: { name: a.location.name } });
  });

  it('a clinic writing in Spanish shows its own names to Spanish readers, even with a stale Spanish translation', async () => {
    const { a, as, visit } = await translatedClinic();
    await db().update(tenantSettings).set({ defaultLanguage: 'es' }).where(eq(tenantSettings.tenantId, a.clinic.id));
    expect((await listPortalAppointments(db(), as('es'), { when: 'upcoming', limit: 10 })).visits[0]).toMatchObject({ id: visit, service: 'Check-up', location: a.location.name });
  });
});
