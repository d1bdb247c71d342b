import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { formAssignments, formTemplates, locations, outboxMessages, serviceRequiredForms, services } from '@/db/schema';
import { setTemplateArchived, installStarterTemplates } from '@/lib/clinic-forms/templates';
import { bookAppointment } from '@/lib/scheduling/booking';
import { createBookingClinic, createMariasFamily, createProviders, holdClockAt, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';

holdClockAt(NOW);

/** A clinic whose "New patient visit" requires the general intake and the privacy acknowledgement. */
async function clinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 60, bookingHorizonDays: 30, bufferMinutes: 0, cancellationWindowHours: 24 });
  const db = getDb();
  const [main] = await db.insert(locations).values({ tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ }).returning();
  const [visit, other] = await db.insert(services).values([
    { tenantId: tenant.id, name: 'New patient visit', durationMinutes: 30 },
    { tenantId: tenant.id, name: 'Follow-up', durationMinutes: 30 },
  ]).returning();
  const [ada] = await createProviders(tenant, [{ name: 'Dr Ada' }]);
  await offerServices(tenant, [[ada, visit!], [ada, other!]]);
  await weekdayHours(tenant, [{ provider: ada, location: main!, from: '09:00', to: '17:00' }]);
  await installStarterTemplates(db, tenant.id);
  const forms = await db.select().from(formTemplates).where(eq(formTemplates.tenantId, tenant.id));
  const intake = forms.find((f) => f.starterKey === 'general-intake')!;
  const privacy = forms.find((f) => f.starterKey === 'privacy-acknowledgement')!;
  await db.insert(serviceRequiredForms).values([
    { tenantId: tenant.id, serviceId: visit!.id, templateId: intake.id },
    { tenantId: tenant.id, serviceId: visit!.id, templateId: privacy.id },
  ]);
  const family = await createMariasFamily(tenant, randomBytes(3).toString('hex'));
  const booking = (startsAt: Date, serviceId = visit!.id, patientId = family.maria.patient.id) => ({ patientId, serviceId, locationId: main!.id, providerId: ada.id, startsAt });
  return { tenant, staff, visit: visit!, other: other!, intake, privacy, ...family, booking };
}

const assignmentsOf = (tenantId: string, patientId: string) =>
  getDb().select().from(formAssignments).where(and(eq(formAssignments.tenantId, tenantId), eq(formAssignments.patientId, patientId)));

describe('forms required by a booked service', () => {
  it('assigns them once, due on the visit’s date, whether the patient or staff books', async () => {
    const c = await clinic();
    // Wednesday 2030-01-09 16:30 in New York is already Thursday in UTC: due on the local date.
    const first = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-09', '16:30')));
    expect(first.ok).toBe(true);
    const rows = await assignmentsOf(c.tenant.id, c.maria.patient.id);
    expect(rows.map((r) => r.templateId).sort()).toEqual([c.intake.id, c.privacy.id].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ source: 'booking', status: 'assigned', dueOn: '2030-01-09', assignedById: null });
      expect(row.appointmentId).toBe(first.ok ? first.appointment.id : null);
    }
    const notices = await getDb().select().from(outboxMessages).where(and(eq(outboxMessages.tenantId, c.tenant.id), eq(outboxMessages.channel, 'email')));
    expect(notices.filter((m) => m.subject?.includes('has a form'))).toHaveLength(1);

    // A second visit while the forms are still open: nothing more to fill.
    expect((await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-10', '10:00')))).ok).toBe(true);
    expect(await assignmentsOf(c.tenant.id, c.maria.patient.id)).toHaveLength(2);
    // A service without required forms, and Leo's own visit: only Leo gets them.
    expect((await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-11', '10:00'), c.other.id)))).toMatchObject({ ok: true });
    expect(await assignmentsOf(c.tenant.id, c.maria.patient.id)).toHaveLength(2);
    expect((await bookAppointment(getDb(), c.portal(c.leo.id), c.booking(ny('2030-01-11', '11:00'), c.visit.id, c.leo.id))).ok).toBe(true);
    expect(await assignmentsOf(c.tenant.id, c.leo.id)).toHaveLength(2);
  });

  it('passes over an archived form instead of failing the booking', async () => {
    const c = await clinic();
    const admin = { ...c.staff, actor: { ...c.staff.actor, permissions: new Set([...c.staff.actor.permissions, 'forms.manage' as const]) } };
    await setTemplateArchived(getDb(), admin, c.privacy.id, true);
    expect((await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '10:00')))).ok).toBe(true);
    expect((await assignmentsOf(c.tenant.id, c.maria.patient.id)).map((r) => r.templateId)).toEqual([c.intake.id]);
  });

  it('a refused booking assigns nothing', async () => {
    const c = await clinic();
    expect((await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '10:00')))).ok).toBe(true);
    const sam = await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '10:00'), c.visit.id, c.sam.id));
    expect(sam).toEqual({ ok: false, error: 'slot-taken' });
    expect(await assignmentsOf(c.tenant.id, c.sam.id)).toEqual([]);
  });
});
