import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDatabaseHandle, getDb } from '@/db/client';
import { appointments, auditLog, locations, outboxMessages, patientPortalSettings, patients, services, timeOff } from '@/db/schema';
import { NotFoundError } from '@/lib/access/context';
import { setClockForTests } from '@/lib/clock';
import {
  bookAppointment, cancelAppointment, markCompleted, markNoShow, rescheduleAppointment,
} from '@/lib/scheduling/booking';
import { findFreeSlots } from '@/lib/scheduling/find-slots';
import { createBookingClinic, createMariasFamily, createProviders, holdClockAt, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';
import { testServerUrl } from '../support/test-database';

holdClockAt(NOW);

async function clinic() {
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 120, bookingHorizonDays: 30, bufferMinutes: 0, cancellationWindowHours: 24 });
  const db = getDb();
  const [main, second] = await db.insert(locations).values([
    { tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', region: 'NY', postalCode: '10001', timeZone: TZ },
    { tenantId: tenant.id, name: 'Riverside', addressLine1: '9 River Rd', city: 'Springfield', timeZone: TZ },
  ]).returning();
  const [visit, staffOnly] = await db.insert(services).values([
    { tenantId: tenant.id, name: 'Dermatology follow-up', durationMinutes: 30 },
    { tenantId: tenant.id, name: 'Procedure', durationMinutes: 60, bookableOnline: false },
  ]).returning();
  const [ada, bob] = await createProviders(tenant, [{ name: 'Dr Ada' }, { name: 'Dr Bob' }]);
  await offerServices(tenant, [[ada, visit!], [ada, staffOnly!], [bob, visit!]]);
  await weekdayHours(tenant, [
    { provider: ada, location: main!, from: '09:00', to: '12:00' },
    { provider: bob, location: main!, from: '11:00', to: '13:00' },
    { provider: ada, location: second!, from: '14:00', to: '17:00' },
  ]);
  const { maria, leo, sam, portal } = await createMariasFamily(tenant, randomBytes(3).toString('hex'));
  const booking = (startsAt: Date, over: Partial<{ patientId: string; providerId: string; serviceId: string; locationId: string }> = {}) => ({
    patientId: maria.patient.id, serviceId: visit!.id, locationId: main!.id, providerId: ada.id, startsAt, ...over,
  });
  return { tenant, staff, main: main!, second: second!, visit: visit!, staffOnly: staffOnly!, ada, bob, maria, leo, sam, portal, booking };
}

async function appointmentRow(id: string) {
  const [row] = await getDb().select().from(appointments).where(eq(appointments.id, id));
  return row!;
}

describe('findFreeSlots', () => {
  it('groups free slots by local date and merges providers for "any"', async () => {
    const c = await clinic();
    const from = ny('2030-01-09', '00:00');
    const to = ny('2030-01-10', '00:00');
    const result = await findFreeSlots(getDb(), c.tenant.id, { serviceId: c.visit.id, locationId: c.main.id, providerId: 'any', from, to });
    expect(result.timeZone).toBe(TZ);
    expect(result.days.map((d) => d.date)).toEqual(['2030-01-09']);
    const slots = result.days[0]!.slots;
    expect(slots).toHaveLength(8); // Ada 09:00–12:00 and Bob 11:00–13:00, 30 minutes each
    const eleven = slots.find((s) => s.startsAt.getTime() === ny('2030-01-09', '11:00').getTime())!;
    expect(eleven.providers.map((p) => p.name)).toEqual(['Dr Ada', 'Dr Bob']);

    const adaOnly = await findFreeSlots(getDb(), c.tenant.id, { serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, from, to });
    expect(adaOnly.days[0]!.slots).toHaveLength(6);
  });

  it('loads a week in a fixed number of queries and leaves out booked time and time off', async () => {
    const c = await clinic();
    await getDb().insert(timeOff).values({ tenantId: c.tenant.id, providerId: c.ada.id, startsAt: ny('2030-01-10', '00:00'), endsAt: ny('2030-01-11', '00:00') });
    expect((await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '09:00')))).ok).toBe(true);
    const query = (days: number) => findFreeSlots(getDb(), c.tenant.id, {
      serviceId: c.visit.id, locationId: c.main.id, providerId: c.ada.id, from: ny('2030-01-07', '00:00'), to: ny(`2030-01-${String(7 + days).padStart(2, '0')}`, '00:00'),
    });
    const counted = async (days: number) => {
      const before = getDatabaseHandle().queryCount();
      const out = await query(days);
      return { out, queries: getDatabaseHandle().queryCount() - before };
    };
    const oneDay = await counted(1);
    const { out: result, queries } = await counted(7);
    expect(queries).toBe(oneDay.queries);
    expect(queries).toBeLessThanOrEqual(7);
    // Monday 07:00 now + 2 h notice leaves Monday's 09:00–11:30 (6 slots) free from 09:00.
    expect(result.days.map((d) => [d.date, d.slots.length])).toEqual([
      ['2030-01-07', 6], ['2030-01-08', 6], ['2030-01-09', 5], ['2030-01-11', 6],
    ]);
  });

  it('hides staff-only services from patients and answers not-found for another clinic', async () => {
    const c = await clinic();
    const other = await clinic();
    const q = { serviceId: c.staffOnly.id, locationId: c.main.id, providerId: 'any' as const, from: ny('2030-01-09', '00:00'), to: ny('2030-01-10', '00:00') };
    await expect(findFreeSlots(getDb(), c.tenant.id, q)).rejects.toBeInstanceOf(NotFoundError);
    const staffView = await findFreeSlots(getDb(), c.tenant.id, { ...q, audience: 'staff' });
    expect(staffView.days[0]!.slots).toHaveLength(3);
    await expect(findFreeSlots(getDb(), other.tenant.id, { ...q, serviceId: c.visit.id })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('bookAppointment', () => {
  it('books for the patient in the session, audits it and queues a confirmation with an .ics file', async () => {
    const c = await clinic();
    const startsAt = ny('2030-01-09', '10:00');
    const result = await bookAppointment(getDb(), c.portal(), c.booking(startsAt));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const row = await appointmentRow(result.appointment.id);
    expect(row).toMatchObject({ status: 'booked', bookedByKind: 'patient', bookedById: c.maria.account.id, patientId: c.maria.patient.id });
    expect(row.endsAt.getTime() - row.startsAt.getTime()).toBe(30 * 60_000);

    const [audit] = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'appointment.booked')));
    expect(audit).toMatchObject({ actorKind: 'patient', actorId: c.maria.account.id, patientId: c.maria.patient.id, targetId: result.appointment.id });

    const messages = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, c.tenant.id));
    expect(messages.map((m) => m.channel)).toEqual(['email']); // the clinic's default is email only
    const email = messages[0]!;
    expect(email.recipient).toBe(c.maria.patient.email);
    expect(email.body).toContain('Wednesday, January 9, 2030');
    expect(email.body).toContain('10:00 AM EST');
    expect(email.body).toContain('Main Street');
    expect(email.body).not.toContain('Dermatology');
    expect(email.body).not.toContain(c.maria.patient.lastName);
    const ics = Buffer.from(email.attachments![0]!.content, 'base64').toString('utf8');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain(`UID:${result.appointment.id}`);
    expect(ics).toContain('DTSTART:20300109T150000Z');
    expect(ics).toContain('DTEND:20300109T153000Z');
    expect(ics).toContain(`SUMMARY:Appointment at ${c.tenant.name}`);
    expect(ics).toContain('LOCATION:Main Street\\, 1 Main St\\, Springfield\\, NY 10001');
    expect(email.attachments![0]!.contentType).toContain('text/calendar');
  });

  it('also texts when the patient asked for SMS, in their language', async () => {
    const c = await clinic();
    await getDb().update(patients).set({ preferredLanguage: 'es' }).where(eq(patients.id, c.maria.patient.id));
    await getDb().insert(patientPortalSettings).values({ tenantId: c.tenant.id, patientId: c.maria.patient.id, documentNotification: 'email_sms' });
    const result = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-09', '10:00')));
    expect(result.ok).toBe(true);
    const messages = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, c.tenant.id));
    const sms = messages.find((m) => m.channel === 'sms')!;
    expect(sms.recipient).toBe('+15550100001');
    expect(sms.body).toContain('su cita');
    expect(sms.body).not.toContain('Dermatology');
  });

  it('lets exactly one of 50 concurrent attempts at the same slot win; the others are told it is taken', async () => {
    const c = await clinic();
    const startsAt = ny('2030-01-09', '10:00');
    const results = await Promise.all(Array.from({ length: 50 }, () => bookAppointment(getDb(), c.staff, c.booking(startsAt))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.error === 'slot-taken')).toHaveLength(49);
    const rows = await getDb().select().from(appointments).where(eq(appointments.tenantId, c.tenant.id));
    expect(rows).toHaveLength(1);
  });

  it('answers slot-taken when the provider already has an appointment there, however it was written', async () => {
    const c = await clinic();
    const startsAt = ny('2030-01-09', '11:00');
    await getDb().insert(appointments).values({
      tenantId: c.tenant.id, patientId: c.leo.id, providerId: c.bob.id, serviceId: c.visit.id, locationId: c.main.id,
      startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000), bookedByKind: 'staff', bookedById: c.staff.actor.id,
    });
    expect(await bookAppointment(getDb(), c.staff, c.booking(startsAt, { providerId: c.bob.id }))).toEqual({ ok: false, error: 'slot-taken' });
  });

  // Needs two connections: PGlite has one, and would wait on itself.
  it.runIf(Boolean(testServerUrl()))('maps the EXCLUDE constraint (23P01) to slot-taken when a rival commits first', async () => {
    const c = await clinic();
    const startsAt = ny('2030-01-09', '10:00');
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let signalInserted!: () => void;
    const inserted = new Promise<void>((resolve) => { signalInserted = resolve; });
    // A writer that skips the rule check: its row is invisible to ours until it commits.
    const rival = getDb().transaction(async (tx) => {
      await tx.insert(appointments).values({
        tenantId: c.tenant.id, patientId: c.leo.id, providerId: c.ada.id, serviceId: c.visit.id, locationId: c.main.id,
        startsAt, endsAt: new Date(startsAt.getTime() + 30 * 60_000), bookedByKind: 'staff', bookedById: c.staff.actor.id,
      });
      signalInserted();
      await held;
    });
    await inserted;
    const attempt = bookAppointment(getDb(), c.staff, c.booking(startsAt));
    // Let the attempt pass its checks and wait on the constraint behind the rival's row.
    await new Promise((resolve) => setTimeout(resolve, 500));
    release();
    await rival;
    expect(await attempt).toEqual({ ok: false, error: 'slot-taken' });
    const rows = await getDb().select().from(appointments).where(eq(appointments.tenantId, c.tenant.id));
    expect(rows).toHaveLength(1);
    expect(await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, c.tenant.id))).toHaveLength(0);
  });

  it('enforces notice, horizon, hours and the services a provider offers', async () => {
    const c = await clinic();
    const book = (startsAt: Date, over = {}) => bookAppointment(getDb(), c.portal(), c.booking(startsAt, over));
    expect(await book(ny('2030-01-07', '08:30'))).toEqual({ ok: false, error: 'too-soon' }); // 90 min ahead, 120 needed
    expect((await book(ny('2030-01-07', '09:00'))).ok).toBe(true); // exactly 2 h ahead
    expect(await book(ny('2030-02-07', '10:00'))).toEqual({ ok: false, error: 'beyond-horizon' });
    expect(await book(ny('2030-01-09', '12:00'))).toEqual({ ok: false, error: 'outside-hours' });
    expect(await book(ny('2030-01-12', '10:00'))).toEqual({ ok: false, error: 'outside-hours' }); // Saturday
    expect(await book(ny('2030-01-09', '14:00'), { locationId: c.second.id, providerId: c.bob.id })).toEqual({ ok: false, error: 'not-offered' });
    expect((await book(ny('2030-01-09', '14:00'), { locationId: c.second.id })).ok).toBe(true);
    setClockForTests(() => new Date(NOW.getTime() + 3 * 86_400_000));
    expect((await book(ny('2030-02-07', '10:00'))).ok).toBe(true); // inside the horizon now
  });

  it('keeps staff-only services for staff', async () => {
    const c = await clinic();
    const input = c.booking(ny('2030-01-09', '10:00'), { serviceId: c.staffOnly.id });
    await expect(bookAppointment(getDb(), c.portal(), input)).rejects.toBeInstanceOf(NotFoundError);
    expect((await bookAppointment(getDb(), c.staff, input)).ok).toBe(true);
  });

  it('lets a portal account act only for the patient selected in its session, when linked', async () => {
    const c = await clinic();
    const other = await clinic();
    const at = ny('2030-01-09', '10:00');
    // Another patient than the one selected.
    await expect(bookAppointment(getDb(), c.portal(), c.booking(at, { patientId: c.leo.id }))).rejects.toBeInstanceOf(NotFoundError);
    // A family member not linked to the account, even when "selected".
    await expect(bookAppointment(getDb(), c.portal(c.sam.id), c.booking(at, { patientId: c.sam.id }))).rejects.toBeInstanceOf(NotFoundError);
    // Leo is linked: Maria books for him.
    expect((await bookAppointment(getDb(), c.portal(c.leo.id), c.booking(at, { patientId: c.leo.id }))).ok).toBe(true);
    // Another clinic's patient, provider or service.
    await expect(bookAppointment(getDb(), c.staff, c.booking(at, { patientId: other.maria.patient.id }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '11:00'), { providerId: other.ada.id }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '11:00'), { serviceId: other.visit.id }))).rejects.toBeInstanceOf(NotFoundError);
    expect(await getDb().select().from(appointments).where(eq(appointments.tenantId, c.tenant.id))).toHaveLength(1);
  });
});

describe('rescheduleAppointment', () => {
  it('moves a visit 15 minutes later onto the same provider (overlapping the old time)', async () => {
    const c = await clinic();
    const first = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-09', '10:00')));
    if (!first.ok) throw new Error('booking failed');
    const moved = await rescheduleAppointment(getDb(), c.portal(), first.appointment.id, { locationId: c.main.id, providerId: c.ada.id, startsAt: ny('2030-01-09', '10:15') });
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(await appointmentRow(first.appointment.id)).toMatchObject({ status: 'cancelled', cancelReason: 'Rescheduled', rescheduledToId: moved.appointment.id });
    expect(await appointmentRow(moved.appointment.id)).toMatchObject({ status: 'booked', startsAt: ny('2030-01-09', '10:15') });
    const messages = await getDb().select().from(outboxMessages).where(eq(outboxMessages.tenantId, c.tenant.id));
    const icsOf = (m: (typeof messages)[number]) => Buffer.from(m.attachments![0]!.content, 'base64').toString('utf8');
    expect(messages.some((m) => icsOf(m).includes('METHOD:CANCEL') && icsOf(m).includes(`UID:${first.appointment.id}`))).toBe(true);
    expect(messages.some((m) => icsOf(m).includes('METHOD:REQUEST') && icsOf(m).includes(`UID:${moved.appointment.id}`))).toBe(true);
  });

  it('keeps the old booking when the new slot cannot be had', async () => {
    const c = await clinic();
    const mine = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-09', '10:00')));
    const theirs = await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '11:00'), { patientId: c.leo.id }));
    if (!mine.ok || !theirs.ok) throw new Error('booking failed');
    const to = { locationId: c.main.id, providerId: c.ada.id };
    expect(await rescheduleAppointment(getDb(), c.portal(), mine.appointment.id, { ...to, startsAt: ny('2030-01-09', '11:00') }))
      .toEqual({ ok: false, error: 'slot-taken' });
    expect(await rescheduleAppointment(getDb(), c.portal(), mine.appointment.id, { ...to, startsAt: ny('2030-01-09', '08:00') }))
      .toEqual({ ok: false, error: 'outside-hours' });
    expect(await appointmentRow(mine.appointment.id)).toMatchObject({ status: 'booked', cancelReason: null });
    const rows = await getDb().select().from(appointments).where(eq(appointments.tenantId, c.tenant.id));
    expect(rows).toHaveLength(2);
    const audits = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'appointment.rescheduled')));
    expect(audits).toHaveLength(0);
  });

  it('is refused to patients inside the window but allowed to staff', async () => {
    const c = await clinic();
    const soon = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-07', '10:00')));
    if (!soon.ok) throw new Error('booking failed');
    const to = { locationId: c.main.id, providerId: c.ada.id, startsAt: ny('2030-01-09', '10:00') };
    expect(await rescheduleAppointment(getDb(), c.portal(), soon.appointment.id, to)).toEqual({ ok: false, error: 'outside-window', hoursBefore: 24 });
    expect((await rescheduleAppointment(getDb(), c.staff, soon.appointment.id, to)).ok).toBe(true);
  });
});

describe('cancelAppointment and outcomes', () => {
  it('needs a reason, keeps to the window for patients and queues a cancellation', async () => {
    const c = await clinic();
    const later = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-09', '10:00')));
    const soon = await bookAppointment(getDb(), c.portal(), c.booking(ny('2030-01-07', '11:00')));
    if (!later.ok || !soon.ok) throw new Error('booking failed');
    expect(await cancelAppointment(getDb(), c.portal(), later.appointment.id, '   ')).toEqual({ ok: false, error: 'reason-required' });
    expect(await cancelAppointment(getDb(), c.portal(), soon.appointment.id, 'Sick')).toEqual({ ok: false, error: 'outside-window', hoursBefore: 24 });
    expect(await cancelAppointment(getDb(), c.portal(), later.appointment.id, 'Travelling')).toEqual({ ok: true });
    expect(await appointmentRow(later.appointment.id)).toMatchObject({ status: 'cancelled', cancelReason: 'Travelling' });
    expect(await cancelAppointment(getDb(), c.staff, soon.appointment.id, 'Clinic closed')).toEqual({ ok: true });
    expect(await cancelAppointment(getDb(), c.staff, soon.appointment.id, 'Again')).toEqual({ ok: false, error: 'not-active', status: 'cancelled' });
    const cancellations = await getDb().select().from(outboxMessages)
      .where(and(eq(outboxMessages.tenantId, c.tenant.id), eq(outboxMessages.idempotencyKey, `appointment:${later.appointment.id}:cancelled:email:${c.maria.patient.email}`)));
    expect(cancellations).toHaveLength(1);
    expect(Buffer.from(cancellations[0]!.attachments![0]!.content, 'base64').toString('utf8')).toContain('METHOD:CANCEL');
    const audits = await getDb().select().from(auditLog).where(and(eq(auditLog.tenantId, c.tenant.id), eq(auditLog.action, 'appointment.cancelled')));
    expect(audits).toHaveLength(2);
  });

  it('answers not-found to another patient and to another clinic', async () => {
    const c = await clinic();
    const other = await clinic();
    const leos = await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '10:00'), { patientId: c.leo.id }));
    const sams = await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-09', '11:00'), { patientId: c.sam.id }));
    if (!leos.ok || !sams.ok) throw new Error('booking failed');
    // Maria with herself selected cannot touch Leo's visit; with Leo selected she can't touch Sam's.
    await expect(cancelAppointment(getDb(), c.portal(), leos.appointment.id, 'x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(cancelAppointment(getDb(), c.portal(c.leo.id), sams.appointment.id, 'x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(cancelAppointment(getDb(), other.staff, leos.appointment.id, 'x')).rejects.toBeInstanceOf(NotFoundError);
    await expect(rescheduleAppointment(getDb(), c.portal(), leos.appointment.id, { locationId: c.main.id, providerId: c.ada.id, startsAt: ny('2030-01-10', '10:00') }))
      .rejects.toBeInstanceOf(NotFoundError);
    expect(await cancelAppointment(getDb(), c.portal(c.leo.id), leos.appointment.id, 'Feeling better')).toEqual({ ok: true });
  });

  it('marks completed or no-show only after the start', async () => {
    const c = await clinic();
    const a = await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-07', '10:00')));
    const b = await bookAppointment(getDb(), c.staff, c.booking(ny('2030-01-07', '10:30')));
    if (!a.ok || !b.ok) throw new Error('booking failed');
    expect(await markCompleted(getDb(), c.staff, a.appointment.id)).toEqual({ ok: false, error: 'not-started' });
    setClockForTests(() => ny('2030-01-07', '10:45'));
    expect(await markCompleted(getDb(), c.staff, a.appointment.id)).toEqual({ ok: true });
    expect(await markNoShow(getDb(), c.staff, b.appointment.id)).toEqual({ ok: true });
    expect((await appointmentRow(a.appointment.id)).status).toBe('completed');
    expect((await appointmentRow(b.appointment.id)).status).toBe('no_show');
    expect(await markNoShow(getDb(), c.staff, a.appointment.id)).toEqual({ ok: false, error: 'not-active', status: 'completed' });
  });
});
