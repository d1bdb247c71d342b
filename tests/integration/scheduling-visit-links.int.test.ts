import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { appointments, auditLog, domainEvents, outboxMessages, patients, tenantSettings } from '@/db/schema';
import { setClockForTests } from '@/lib/clock';
import { rescheduleAppointment } from '@/lib/scheduling/booking';
import { cancelPortalVisit, listBookingVisits } from '@/lib/scheduling/patient-bookings';
import { cancelVisitByLink, confirmVisitByLink, inspectVisitLink, VISIT_LINK_CANCEL_REASON } from '@/lib/scheduling/visit-link-actions';
import { makeVisitToken } from '@/lib/scheduling/visit-links';
import { holdClockAt, NOW, ny, TZ } from '../support/scheduling-fixtures';
import { visitLinkClinic as clinic } from './scheduling-visit-links-fixtures';

holdClockAt(NOW);

/**
 * Issue 18, point 3: a visit reminder's confirm / cancel links, signed out. Inspecting changes
 * nothing and shows when, where and with whom (never the service); confirming sets confirmed_at
 * once; cancelling is the portal's cancellation (the clinic's window, the slot freed, one
 * appointment.cancelled, the same notices). Another clinic's token is unknown here.
 *
 * The clinic is in New York with a 24-hour change window; it is Monday 2030-01-07, 07:00 there.
 */

const db = () => getDb();

async function appointmentRow(id: string) {
  const [row] = await db().select().from(appointments).where(eq(appointments.id, id));
  return row!;
}

const eventsNamed = (tenantId: string, name: string) => db().select().from(domainEvents).where(and(eq(domainEvents.tenantId, tenantId), eq(domainEvents.name, name)));
const auditsNamed = (tenantId: string, action: string) => db().select().from(auditLog).where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));
const noticesOf = (tenantId: string, appointmentId: string) => db()
  .select({ channel: outboxMessages.channel, recipient: outboxMessages.recipient, subject: outboxMessages.subject, key: outboxMessages.idempotencyKey })
  .from(outboxMessages)
  .where(and(eq(outboxMessages.tenantId, tenantId), like(outboxMessages.idempotencyKey, `appointment:${appointmentId}:cancelled:%`)));

describe('inspecting a link', () => {
  it('shows when (in the location zone), where and with whom, offers both buttons, and changes nothing', async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    await db().update(appointments).set({ notes: 'Discuss IVF results' }).where(eq(appointments.id, id));
    const before = await appointmentRow(id);
    const found = await inspectVisitLink(db(), c.tenant, makeVisitToken(c.tenant.id, id));
    expect(found).toEqual({
      ok: true,
      visit: {
        id, startsAt: ny('2030-01-09', '10:00'), endsAt: ny('2030-01-09', '10:30'), status: 'booked', confirmedAt: null, timeZone: TZ,
        location: { name: 'Main Street', phone: '+12125550100', addressLine1: '1 Main St', addressLine2: null, city: 'Springfield', region: 'NY', postalCode: '10001' },
        provider: 'Dr Ada',
      },
      locale: 'en', confirm: null, cancel: null, windowHours: 24, cancelUntil: ny('2030-01-08', '10:00'),
    });
    // Why the patient sees the clinic stays out of it: no service, no notes, no patient name.
    const text = JSON.stringify(found);
    for (const secret of ['Fertility', 'IVF', c.maria.patient.firstName, c.maria.patient.lastName]) expect(text).not.toContain(secret);
    expect(await appointmentRow(id)).toEqual(before);
    expect(await auditsNamed(c.tenant.id, 'appointment.confirmed')).toEqual([]);
  });

  it("speaks the patient's language, else the clinic's", async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const token = makeVisitToken(c.tenant.id, id);
    await db().update(patients).set({ preferredLanguage: 'es' }).where(eq(patients.id, c.maria.patient.id));
    expect(await inspectVisitLink(db(), c.tenant, token)).toMatchObject({ ok: true, locale: 'es' });
    await db().update(patients).set({ preferredLanguage: 'fr' }).where(eq(patients.id, c.maria.patient.id));
    await db().update(tenantSettings).set({ defaultLanguage: 'es' }).where(eq(tenantSettings.tenantId, c.tenant.id));
    expect(await inspectVisitLink(db(), c.tenant, token)).toMatchObject({ ok: true, locale: 'es' });
  });

  it('inside the change window confirms but does not cancel; a started visit does neither', async () => {
    const c = await clinic();
    const soon = await c.book(ny('2030-01-07', '14:00'));
    const token = makeVisitToken(c.tenant.id, soon);
    expect(await inspectVisitLink(db(), c.tenant, token)).toMatchObject({ ok: true, confirm: null, cancel: 'outside-window' });
    // The window's last instant still cancels, the next does not (the portal's rule: until 24 hours before).
    const later = makeVisitToken(c.tenant.id, await c.book(ny('2030-01-08', '10:00')));
    setClockForTests(() => ny('2030-01-07', '10:00'));
    expect(await inspectVisitLink(db(), c.tenant, later)).toMatchObject({ ok: true, confirm: null, cancel: null });
    setClockForTests(() => new Date(ny('2030-01-07', '10:00').getTime() + 1));
    expect(await inspectVisitLink(db(), c.tenant, later)).toMatchObject({ ok: true, confirm: null, cancel: 'outside-window' });
    setClockForTests(() => ny('2030-01-07', '14:00'));
    expect(await inspectVisitLink(db(), c.tenant, token)).toMatchObject({ ok: true, confirm: 'past', cancel: 'past' });
  });

  it('says a cancelled visit is cancelled and a moved one was moved; a link allows only what it names', async () => {
    const c = await clinic();
    const cancelled = await c.book(ny('2030-01-09', '10:00'));
    expect(await cancelPortalVisit(db(), c.portal(), cancelled, 'Travelling')).toEqual({ ok: true });
    expect(await inspectVisitLink(db(), c.tenant, makeVisitToken(c.tenant.id, cancelled))).toMatchObject({ ok: true, confirm: 'cancelled', cancel: 'cancelled' });
    const moved = await c.book(ny('2030-01-09', '11:00'));
    const to = await rescheduleAppointment(db(), c.staff, moved, { locationId: c.main.id, providerId: c.ada.id, startsAt: ny('2030-01-10', '11:00') });
    expect(to.ok).toBe(true);
    expect(await inspectVisitLink(db(), c.tenant, makeVisitToken(c.tenant.id, moved))).toMatchObject({ ok: true, confirm: 'moved', cancel: 'moved' });
    const open = await c.book(ny('2030-01-09', '12:00'));
    expect(await inspectVisitLink(db(), c.tenant, makeVisitToken(c.tenant.id, open, ['confirm']))).toMatchObject({ ok: true, confirm: null, cancel: 'not-allowed' });
    expect(await inspectVisitLink(db(), c.tenant, makeVisitToken(c.tenant.id, open, ['cancel']))).toMatchObject({ ok: true, confirm: 'not-allowed', cancel: null });
  });

  it("knows nothing of another clinic's token, a forged one, or this clinic's id with another clinic's visit", async () => {
    const c = await clinic();
    const other = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const before = await appointmentRow(id);
    const token = makeVisitToken(c.tenant.id, id);
    const cases = [
      [other.tenant, token],
      [c.tenant, `${token.slice(0, -2)}AA`],
      [other.tenant, makeVisitToken(other.tenant.id, id)],
      [c.tenant, 'v1.not.a.token'],
    ] as const;
    for (const [tenant, t] of cases) {
      expect(await inspectVisitLink(db(), tenant, t)).toEqual({ ok: false });
      expect(await confirmVisitByLink(db(), tenant, t)).toEqual({ ok: false, reason: 'invalid' });
      expect(await cancelVisitByLink(db(), tenant, t)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await appointmentRow(id)).toEqual(before);
    expect(await eventsNamed(c.tenant.id, 'appointment.cancelled')).toEqual([]);
    expect(await eventsNamed(other.tenant.id, 'appointment.cancelled')).toEqual([]);
  });
});

describe('confirming with a link', () => {
  it('sets confirmed_at once, audited as the patient by the link; a second confirm keeps the first', async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-07', '14:00'));
    const token = makeVisitToken(c.tenant.id, id);
    // Inside the change window: confirming is still welcome.
    expect(await confirmVisitByLink(db(), c.tenant, token, { ip: '203.0.113.9', userAgent: 'phone' })).toEqual({ ok: true });
    expect((await appointmentRow(id)).confirmedAt).toEqual(NOW);
    setClockForTests(() => ny('2030-01-07', '09:00'));
    expect(await confirmVisitByLink(db(), c.tenant, token)).toEqual({ ok: true });
    expect((await appointmentRow(id)).confirmedAt).toEqual(NOW);
    const audits = await auditsNamed(c.tenant.id, 'appointment.confirmed');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorKind: 'patient', actorId: null, actorLabel: 'Reminder link', patientId: c.maria.patient.id,
      targetType: 'appointment', targetId: id, ip: '203.0.113.9', userAgent: 'phone',
    });
    // The portal's list says so too.
    const [listed] = await listBookingVisits(db(), c.portal());
    expect(listed).toMatchObject({ id, confirmedAt: NOW });
  });

  it('is refused for a visit that started, was cancelled, or by a link that only cancels', async () => {
    const c = await clinic();
    const started = await c.book(ny('2030-01-07', '08:00'));
    const cancelled = await c.book(ny('2030-01-09', '10:00'));
    const cancelOnly = await c.book(ny('2030-01-09', '11:00'));
    expect(await cancelPortalVisit(db(), c.portal(), cancelled, 'Travelling')).toEqual({ ok: true });
    setClockForTests(() => ny('2030-01-07', '08:00'));
    expect(await confirmVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, started))).toEqual({ ok: false, reason: 'past' });
    expect(await confirmVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, cancelled))).toEqual({ ok: false, reason: 'cancelled' });
    expect(await confirmVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, cancelOnly, ['cancel']))).toEqual({ ok: false, reason: 'not-allowed' });
    for (const id of [started, cancelled, cancelOnly]) expect((await appointmentRow(id)).confirmedAt).toBeNull();
    expect(await auditsNamed(c.tenant.id, 'appointment.confirmed')).toEqual([]);
  });
});

describe('cancelling with a link', () => {
  it('is the portal cancellation: the slot frees, appointment.cancelled once by the patient, the same notices', async () => {
    const c = await clinic();
    const byLink = await c.book(ny('2030-01-09', '10:00'));
    const byPortal = await c.book(ny('2030-01-09', '11:00'));
    expect(await cancelVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, byLink), { ip: '203.0.113.9' })).toEqual({ ok: true });
    expect(await appointmentRow(byLink)).toMatchObject({ status: 'cancelled', cancelReason: VISIT_LINK_CANCEL_REASON, cancelledAt: NOW });

    const events = await eventsNamed(c.tenant.id, 'appointment.cancelled');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ patientId: c.maria.patient.id, actorKind: 'patient', actorId: null });
    expect(events[0]!.subject).toMatchObject({ appointmentId: byLink });
    const audits = await auditsNamed(c.tenant.id, 'appointment.cancelled');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actorKind: 'patient', actorId: null, actorLabel: 'Reminder link', patientId: c.maria.patient.id, targetId: byLink, ip: '203.0.113.9' });

    // The same notices as when the patient cancels in the portal: the same people, channels and words.
    expect(await cancelPortalVisit(db(), c.portal(), byPortal, 'Travelling')).toEqual({ ok: true });
    const shape = (rows: Awaited<ReturnType<typeof noticesOf>>, id: string) => rows.map((r) => ({ ...r, key: r.key.replace(id, '<id>') })).sort((a, b) => a.key.localeCompare(b.key));
    const linkNotices = shape(await noticesOf(c.tenant.id, byLink), byLink);
    expect(linkNotices.length).toBeGreaterThan(0);
    expect(linkNotices).toEqual(shape(await noticesOf(c.tenant.id, byPortal), byPortal));

    // The time is free again: another patient takes it with the same provider.
    expect(await c.book(ny('2030-01-09', '10:00'), c.leo.id)).toEqual(expect.any(String));
  });

  it('keeps to the clinic window and refuses a started visit, changing nothing', async () => {
    const c = await clinic();
    const soon = await c.book(ny('2030-01-07', '14:00'));
    const started = await c.book(ny('2030-01-07', '08:00'));
    const confirmOnly = await c.book(ny('2030-01-09', '10:00'));
    expect(await cancelVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, soon))).toEqual({ ok: false, reason: 'outside-window' });
    expect(await cancelVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, confirmOnly, ['confirm']))).toEqual({ ok: false, reason: 'not-allowed' });
    setClockForTests(() => ny('2030-01-07', '08:10'));
    expect(await cancelVisitByLink(db(), c.tenant, makeVisitToken(c.tenant.id, started))).toEqual({ ok: false, reason: 'past' });
    for (const id of [soon, started, confirmOnly]) expect((await appointmentRow(id)).status).toBe('booked');
    expect(await eventsNamed(c.tenant.id, 'appointment.cancelled')).toEqual([]);
    expect(await auditsNamed(c.tenant.id, 'appointment.cancelled')).toEqual([]);
  });

  it('submitted twice at once: one cancels, the other finds it cancelled; one event, one audit entry, one set of notices', async () => {
    const c = await clinic();
    const id = await c.book(ny('2030-01-09', '10:00'));
    const token = makeVisitToken(c.tenant.id, id);
    const results = await Promise.all([cancelVisitByLink(db(), c.tenant, token), cancelVisitByLink(db(), c.tenant, token)]);
    expect(results).toEqual(expect.arrayContaining([{ ok: true }, { ok: false, reason: 'cancelled' }]));
    // And once more, later (the back button).
    expect(await cancelVisitByLink(db(), c.tenant, token)).toEqual({ ok: false, reason: 'cancelled' });
    expect(await eventsNamed(c.tenant.id, 'appointment.cancelled')).toHaveLength(1);
    expect(await auditsNamed(c.tenant.id, 'appointment.cancelled')).toHaveLength(1);
    const notices = await noticesOf(c.tenant.id, id);
    expect(new Set(notices.map((n) => n.key)).size).toBe(notices.length);
    expect(notices.length).toBeGreaterThan(0);
  });
});
