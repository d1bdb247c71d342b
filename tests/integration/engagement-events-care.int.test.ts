import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { documentTypes, domainEvents, locations, patients, portalAccountPatients, services } from '@/db/schema';
import { assignForms } from '@/lib/clinic-forms/assignments';
import { completeVisitorSignup, startVisitorSignup } from '@/lib/commerce/visitor-signup';
import { submitForm } from '@/lib/clinic-forms/responses';
import { addSeconds, setClockForTests } from '@/lib/clock';
import { replyAsPatient, startPortalConversation } from '@/lib/conversations/portal';
import { startStaffConversation } from '@/lib/conversations/staff';
import { updateDocument } from '@/lib/documents/staff-documents';
import { uploadDocument } from '@/lib/documents/upload-document';
import { recordEvent } from '@/lib/engagement/events';
import { resetMessagingProvidersForTests } from '@/lib/messaging/providers';
import { createPatient } from '@/lib/patients/editing';
import { patientInputSchema } from '@/lib/patients/schemas';
import { completeActivation, startActivation, submitActivationCredentials } from '@/lib/portal-access/activation';
import { createPortalUser } from '@/lib/portal-access/staff-admin';
import { bookAppointment, cancelAppointment, markCompleted, markNoShow, rescheduleAppointment } from '@/lib/scheduling/booking';
import { setObjectStoreForTests } from '@/lib/storage/get-object-store';
import { LocalObjectStore } from '@/lib/storage/local-object-store';
import { loadTenantProfile } from '@/lib/tenancy/profile';
import { PDF_BYTES } from '../support/document-files';
import { createTestTenant } from '../support/factories';
import { FakeSms } from '../support/portal-fixtures';
import { createBookingClinic, createMariasFamily, createProviders, NOW, ny, offerServices, TZ, weekdayHours } from '../support/scheduling-fixtures';
import { createStaffContext } from '../support/staff-context';
import { commerceClinic } from './commerce-fixtures';
import { household, messagingClinic } from './conversations-fixtures';
import { eventsOf, expectOneEvent } from './engagement-events-fixtures';
import { formsClinic as assigningClinic } from './forms-assign-fixtures';
import { assign, formsClinic as fillingClinic } from './forms-fill-fixtures';

/**
 * Domain events of the clinic's care side (issue 18 point 1): each change made through its lib/
 * function records exactly one event, in its transaction, with ids only; a change refused or
 * rolled back records none.
 */

const db = () => getDb();

let uploadsDir: string;
beforeAll(async () => {
  uploadsDir = await mkdtemp(path.join(os.tmpdir(), 'cb-events-'));
  setObjectStoreForTests(new LocalObjectStore(uploadsDir));
});
afterAll(async () => {
  setObjectStoreForTests(undefined);
  await rm(uploadsDir, { recursive: true, force: true });
});
afterEach(() => setClockForTests(undefined));

async function bookingClinic() {
  setClockForTests(() => NOW);
  const { tenant, staff } = await createBookingClinic({ minNoticeMinutes: 120, bookingHorizonDays: 30, bufferMinutes: 0, cancellationWindowHours: 24 });
  const [main] = await db().insert(locations).values({ tenantId: tenant.id, name: 'Main Street', addressLine1: '1 Main St', city: 'Springfield', timeZone: TZ }).returning();
  const [visit] = await db().insert(services).values({ tenantId: tenant.id, name: 'Dermatology follow-up', durationMinutes: 30 }).returning();
  const [ada] = await createProviders(tenant, [{ name: 'Dr Ada' }]);
  await offerServices(tenant, [[ada, visit!]]);
  await weekdayHours(tenant, [{ provider: ada, location: main!, from: '09:00', to: '12:00' }]);
  const { maria, portal } = await createMariasFamily(tenant, randomBytes(3).toString('hex'));
  const booking = (startsAt: Date) => ({ patientId: maria.patient.id, serviceId: visit!.id, locationId: main!.id, providerId: ada.id, startsAt });
  const ids = { serviceId: visit!.id, locationId: main!.id, providerId: ada.id };
  return { tenant, staff, maria, portal, booking, ids };
}

async function booked(c: Awaited<ReturnType<typeof bookingClinic>>, startsAt: Date) {
  const result = await bookAppointment(db(), c.portal(), c.booking(startsAt));
  if (!result.ok) throw new Error(`not booked: ${result.error}`);
  return result.appointment.id;
}

describe('appointment events', () => {
  it('booked by the patient in the portal', async () => {
    const c = await bookingClinic();
    const id = await booked(c, ny('2030-01-09', '09:00'));
    await expectOneEvent(c.tenant.id, 'appointment.booked', {
      patientId: c.maria.patient.id, subject: { appointmentId: id, ...c.ids }, actor: { kind: 'patient', id: c.maria.account.id },
    });
  });

  it('rescheduled: the new appointment and the one it replaced, and no cancellation of its own', async () => {
    const c = await bookingClinic();
    const old = await booked(c, ny('2030-01-09', '09:00'));
    const moved = await rescheduleAppointment(db(), c.staff, old, { locationId: c.ids.locationId, providerId: c.ids.providerId, startsAt: ny('2030-01-10', '10:00') });
    if (!moved.ok) throw new Error(moved.error);
    await expectOneEvent(c.tenant.id, 'appointment.rescheduled', {
      patientId: c.maria.patient.id, subject: { appointmentId: moved.appointment.id, previousAppointmentId: old, ...c.ids }, actor: { kind: 'staff', id: c.staff.actor.id },
    });
    expect(await eventsOf(c.tenant.id, ['appointment.cancelled'])).toHaveLength(0);
  });

  it('cancelled, completed and no-show', async () => {
    const c = await bookingClinic();
    const first = await booked(c, ny('2030-01-09', '09:00'));
    const second = await booked(c, ny('2030-01-09', '10:00'));
    const third = await booked(c, ny('2030-01-09', '11:00'));
    expect(await cancelAppointment(db(), c.portal(), first, 'Feeling better')).toEqual({ ok: true });
    setClockForTests(() => ny('2030-01-09', '12:00'));
    expect(await markCompleted(db(), c.staff, second)).toEqual({ ok: true });
    expect(await markNoShow(db(), c.staff, third)).toEqual({ ok: true });
    const cancelled = await expectOneEvent(c.tenant.id, 'appointment.cancelled', {
      patientId: c.maria.patient.id, subject: { appointmentId: first, ...c.ids }, actor: { kind: 'patient', id: c.maria.account.id },
    });
    // The reason the patient typed is in the appointment row, not in the event.
    expect(JSON.stringify(cancelled)).not.toContain('Feeling');
    await expectOneEvent(c.tenant.id, 'appointment.completed', {
      patientId: c.maria.patient.id, subject: { appointmentId: second, ...c.ids }, actor: { kind: 'staff', id: c.staff.actor.id },
    });
    await expectOneEvent(c.tenant.id, 'appointment.no_show', {
      patientId: c.maria.patient.id, subject: { appointmentId: third, ...c.ids }, actor: { kind: 'staff', id: c.staff.actor.id },
    });
  });

  it('a refused change records nothing: a taken slot, a move that cannot be booked, a cancel outside the window', async () => {
    const c = await bookingClinic();
    const id = await booked(c, ny('2030-01-09', '09:00'));
    const other = await booked(c, ny('2030-01-09', '10:00'));
    const before = (await eventsOf(c.tenant.id)).length;
    expect(await bookAppointment(db(), c.staff, c.booking(ny('2030-01-09', '09:00')))).toEqual({ ok: false, error: 'slot-taken' });
    // The move cancels the old visit first, then cannot book the new time: all of it rolls back.
    expect(await rescheduleAppointment(db(), c.staff, id, { locationId: c.ids.locationId, providerId: c.ids.providerId, startsAt: ny('2030-01-09', '10:00') }))
      .toMatchObject({ ok: false, error: 'slot-taken' });
    setClockForTests(() => addSeconds(ny('2030-01-09', '10:00'), -3600));
    expect(await cancelAppointment(db(), c.portal(), other, 'Too late')).toMatchObject({ ok: false, error: 'outside-window' });
    expect(await eventsOf(c.tenant.id)).toHaveLength(before);
  });
});

describe('patient and portal events', () => {
  it('patient.created when staff create a patient; a refused duplicate records nothing', async () => {
    const tenant = await createTestTenant();
    const ops = await createStaffContext(tenant, 'operations');
    const input = patientInputSchema.parse({ firstName: 'Ada', lastName: 'Lovelace', dateOfBirth: '12/10/1985', sex: 'female', email: 'ada@example.test', phone: '(217) 555-0199', preferredLanguage: 'en' });
    const created = await createPatient(db(), ops, input);
    if (!created.ok) throw new Error('not created');
    await expectOneEvent(tenant.id, 'patient.created', { patientId: created.id, subject: {}, actor: { kind: 'staff', id: ops.actor.id } });
    expect(await createPatient(db(), ops, input)).toMatchObject({ ok: false });
    expect(await eventsOf(tenant.id, ['patient.created'])).toHaveLength(1);
  });

  it('portal_account.activated when a printed portal ID is activated', async () => {
    const tenant = await createTestTenant();
    const profile = (await loadTenantProfile(db(), tenant.id))!;
    const support = await createStaffContext(tenant, 'support');
    process.env.SMS_PROVIDER = 'outbox';
    resetMessagingProvidersForTests();
    const sms = new FakeSms();
    const client = { ip: '198.51.100.77', userAgent: 'vitest' };
    const [patient] = await db().insert(patients).values({
      tenantId: tenant.id, recordNumber: `P-${randomBytes(3).toString('hex')}`, firstName: 'Elodie', lastName: 'Oster', dateOfBirth: '1986-04-12',
      phone: '+15555550177',
    }).returning();
    const { portalCode } = await createPortalUser(db(), support, patient!.id);
    const started = await startActivation(db(), profile, { portalCode, firstInitial: 'E', lastInitial: 'O', dateOfBirth: '04/12/1986' }, client);
    if (!started.ok) throw new Error(started.error);
    const password = 'Lantern-harbor-73';
    const creds = await submitActivationCredentials(db(), profile, started.challengeId, { identifier: 'elodie@example.test', password, confirmPassword: password }, client, sms);
    if (!creds.ok) throw new Error(creds.error);
    expect(await completeActivation(db(), profile, started.challengeId, sms.lastCode(), client)).toMatchObject({ ok: true, outcome: 'created' });
    const [link] = await db().select().from(portalAccountPatients).where(and(eq(portalAccountPatients.tenantId, tenant.id), eq(portalAccountPatients.patientId, patient!.id)));
    await expectOneEvent(tenant.id, 'portal_account.activated', {
      patientId: patient!.id, subject: { portalAccountId: link!.accountId, relationship: 'self' }, actor: { kind: 'patient', id: link!.accountId },
    });
  });

  it('a shop visitor’s sign-up: patient.created and portal_account.activated, both by the new account', async () => {
    const w = await commerceClinic();
    const profile = (await loadTenantProfile(db(), w.tenant.id))!;
    const sms = new FakeSms();
    const client = { ip: '198.51.100.78', userAgent: 'vitest' };
    const password = 'Granite-orchard-51';
    const started = await startVisitorSignup(db(), profile, {
      firstName: 'Nora', lastName: 'Quintero', dateOfBirth: '04/12/1986', phone: '+15555550178', email: `nora.${randomBytes(3).toString('hex')}@example.test`,
      password, confirmPassword: password, terms: 'on', language: 'en',
    }, client, sms);
    if (!started.ok) throw new Error(started.error);
    const done = await completeVisitorSignup(db(), profile, started.challengeId, sms.lastCode(), client);
    if (!done.ok || done.outcome !== 'registered') throw new Error(JSON.stringify(done));
    const account = { kind: 'patient', id: done.accountId } as const;
    await expectOneEvent(w.tenant.id, 'patient.created', { patientId: done.patientId, subject: {}, actor: account });
    await expectOneEvent(w.tenant.id, 'portal_account.activated', { patientId: done.patientId, subject: { portalAccountId: done.accountId, relationship: 'self' }, actor: account });
  });
});

describe('document events', () => {
  it('document.published when staff share a document, and when a hidden one is made visible', async () => {
    const tenant = await createTestTenant();
    const staff = await createStaffContext(tenant, 'operations');
    const types = await db().select().from(documentTypes).where(eq(documentTypes.tenantId, tenant.id));
    const lab = types.find((t) => t.name === 'Lab result')!.id;
    const [patient] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: 'DOC-1', firstName: 'Maria', lastName: 'Lopez', dateOfBirth: '1980-02-03' }).returning();
    const file = { bytes: PDF_BYTES, name: 'results.pdf', declaredType: 'application/pdf' };
    const meta = { typeId: lab, title: 'Blood panel', examinationDate: '2025-03-04', sendNotification: false };

    const shared = await uploadDocument(db(), staff, { patientId: patient!.id, ...meta, visibleToPatient: true, file });
    await expectOneEvent(tenant.id, 'document.published', {
      patientId: patient!.id, subject: { documentId: shared.id, documentTypeId: lab }, actor: { kind: 'staff', id: staff.actor.id },
    });
    const hidden = await uploadDocument(db(), staff, { patientId: patient!.id, ...meta, visibleToPatient: false, file });
    // Hidden from the patient: not published yet, and an edit that keeps it hidden publishes nothing.
    await updateDocument(db(), staff, hidden.id, { ...meta, title: 'Blood panel (2)', visibleToPatient: false });
    expect(await eventsOf(tenant.id, ['document.published'])).toHaveLength(1);
    await updateDocument(db(), staff, hidden.id, { ...meta, visibleToPatient: true });
    const events = await eventsOf(tenant.id, ['document.published']);
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.subject)).toEqual(expect.arrayContaining([{ documentId: shared.id, documentTypeId: lab }, { documentId: hidden.id, documentTypeId: lab }]));
    expect(JSON.stringify(events)).not.toContain('Blood panel');
  });
});

describe('message events', () => {
  it('message.received for each patient message (a new conversation and a reply), none for staff messages', async () => {
    const setup = await messagingClinic('all_clients');
    const family = await household(setup.clinic);
    const started = await startPortalConversation(db(), family.asMaria, { subject: 'Rash', body: 'My rash is back' });
    if (!started.ok) throw new Error(started.message);
    const [first] = await eventsOf(setup.clinic.id, ['message.received']);
    await expectOneEvent(setup.clinic.id, 'message.received', {
      patientId: family.maria.id, subject: { conversationId: started.conversationId, messageId: (first!.subject as { messageId: string }).messageId },
      actor: { kind: 'patient', id: family.account.id },
    });
    const staffStarted = await startStaffConversation(db(), setup.support, { patientId: family.leo.id, subject: 'Forms', body: 'Please fill these in' });
    if (!staffStarted.ok) throw new Error(staffStarted.message);
    expect(await eventsOf(setup.clinic.id, ['message.received'])).toHaveLength(1);
    const reply = await replyAsPatient(db(), family.asLeosParent, staffStarted.conversationId, { body: 'Done' });
    if (!reply.ok) throw new Error(reply.message);
    const events = await eventsOf(setup.clinic.id, ['message.received']);
    expect(events).toHaveLength(2);
    expect(events.find((e) => (e.subject as { messageId: string }).messageId === reply.messageId))
      .toMatchObject({ patientId: family.leo.id, subject: { conversationId: staffStarted.conversationId, messageId: reply.messageId } });
    expect(JSON.stringify(events)).not.toMatch(/rash|Done/i);
  });
});

describe('form events', () => {
  it('form.assigned for each form given from the chart', async () => {
    const c = await assigningClinic();
    const { assignmentIds } = await assignForms(db(), c.admin, c.patient.id, { templateIds: [c.privacy.id, c.phq9.id] });
    const events = await eventsOf(c.tenant.id, ['form.assigned']);
    expect(events.map((e) => [e.patientId, e.actorKind, e.actorId, e.subject])).toEqual(expect.arrayContaining([
      [c.patient.id, 'staff', c.admin.actor.id, { assignmentId: assignmentIds[0], templateId: c.privacy.id, source: 'chart', appointmentId: null }],
      [c.patient.id, 'staff', c.admin.actor.id, { assignmentId: assignmentIds[1], templateId: c.phq9.id, source: 'chart', appointmentId: null }],
    ]));
    expect(events).toHaveLength(2);
    // Assigning the same form again is refused, and records nothing.
    await expect(assignForms(db(), c.admin, c.patient.id, { templateIds: [c.privacy.id] })).rejects.toThrow();
    expect(await eventsOf(c.tenant.id, ['form.assigned'])).toHaveLength(2);
  });

  it('form.submitted when the patient’s family sends the form; refused answers record nothing', async () => {
    const w = await fillingClinic();
    const a = await assign(w.tenant.id, w.leo.id, w.contactTemplate);
    const sign = { sign: { name: 'Maria Lopez', role: 'guardian' } };
    await expect(submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { smokes: true }, signatures: sign })).rejects.toThrow();
    expect(await eventsOf(w.tenant.id, ['form.submitted'])).toHaveLength(0);
    const { responseId } = await submitForm(db(), w.mariaForLeo, a.id, { revision: 0, answers: { email: 'leo.lopez@example.test', smokes: false }, signatures: sign });
    const event = await expectOneEvent(w.tenant.id, 'form.submitted', {
      patientId: w.leo.id, subject: { assignmentId: a.id, templateId: w.contactTemplate.id, responseId }, actor: { kind: 'patient', id: w.maria.account.id },
    });
    expect(JSON.stringify(event)).not.toContain('leo.lopez');
  });
});

describe('recordEvent', () => {
  it('an event recorded in a transaction that rolls back is gone with it', async () => {
    const tenant = await createTestTenant();
    const [patient] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: 'R-1', firstName: 'Rae', lastName: 'Back', dateOfBirth: '1990-01-01' }).returning();
    const subject = { invoiceId: '0b7e8f9a-1c2d-4e3f-8a9b-c0d1e2f3a4b5' };
    await expect(db().transaction(async (tx) => {
      await recordEvent(tx, tenant.id, { name: 'invoice.issued', patientId: patient!.id, subject, actor: { kind: 'system' } });
      expect(await tx.select().from(domainEvents).where(eq(domainEvents.tenantId, tenant.id))).toHaveLength(1);
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await eventsOf(tenant.id)).toHaveLength(0);
  });

  it('refuses the database handle, and a once-key records once', async () => {
    const tenant = await createTestTenant();
    const [patient] = await db().insert(patients).values({ tenantId: tenant.id, recordNumber: 'R-2', firstName: 'Rae', lastName: 'Once', dateOfBirth: '1990-01-01' }).returning();
    const input = { name: 'invoice.overdue', patientId: patient!.id, subject: { invoiceId: '0b7e8f9a-1c2d-4e3f-8a9b-c0d1e2f3a4b5' }, actor: { kind: 'system' }, onceKey: 'k:1' } as const;
    // @ts-expect-error the plain database is not a transaction
    await expect(recordEvent(db(), tenant.id, input)).rejects.toThrow(/transaction/);
    expect(await db().transaction((tx) => recordEvent(tx, tenant.id, input))).toBe(true);
    expect(await db().transaction((tx) => recordEvent(tx, tenant.id, input))).toBe(false);
    const rows = await db().select().from(domainEvents).where(and(eq(domainEvents.tenantId, tenant.id), eq(domainEvents.onceKey, 'k:1')));
    expect(rows).toHaveLength(1);
  });
});
