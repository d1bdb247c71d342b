import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Database, Transaction } from '@/db/client';
import {
  checkEventSubject, EVENT_CATALOGUE, EVENT_NAMES, DomainEventError, isEventName, recordEvent, type EventName, type EventSubject,
} from '@/lib/engagement/events';

/**
 * The domain-event catalogue (issue 18 point 1): the names the issue lists, subjects of ids,
 * closed sets and counts only, checked at run time so nothing else can be written.
 */

const A = '6f1c1d7e-4a3b-4c2d-9e8f-0a1b2c3d4e5f';
const B = '0b7e8f9a-1c2d-4e3f-8a9b-c0d1e2f3a4b5';

const ISSUE_NAMES = [
  'appointment.booked', 'appointment.rescheduled', 'appointment.cancelled', 'appointment.completed', 'appointment.no_show',
  'patient.created', 'portal_account.activated', 'document.published', 'message.received', 'form.assigned', 'form.submitted',
  'invoice.issued', 'invoice.paid', 'invoice.overdue', 'order.status_changed', 'subscription.renewed',
  'subscription.renewal_failed', 'subscription.cancelled',
];

/** A valid subject for every event, built from the catalogue's own field kinds. */
function validSubject(name: EventName): Record<string, unknown> {
  const shape = EVENT_CATALOGUE[name] as Record<string, { kind: string; values?: readonly string[] }>;
  return Object.fromEntries(Object.entries(shape).map(([key, field]) => [
    key, field.kind === 'id' ? A : field.kind === 'oneOf' ? field.values![0] : 3,
  ]));
}

describe('the event catalogue', () => {
  it('names exactly the events of the issue', () => {
    expect([...EVENT_NAMES].sort()).toEqual([...ISSUE_NAMES].sort());
    expect(isEventName('appointment.booked')).toBe(true);
    expect(isEventName('appointment.deleted')).toBe(false);
    expect(isEventName('toString')).toBe(false);
  });

  it('has subjects of ids, closed sets and counts only', () => {
    for (const name of EVENT_NAMES) {
      for (const [key, field] of Object.entries(EVENT_CATALOGUE[name] as Record<string, { kind: string }>)) {
        expect(['id', 'oneOf', 'count'], `${name}.${key}`).toContain(field.kind);
        if (field.kind === 'id') expect(key, `${name}.${key}`).toMatch(/Id$/);
      }
    }
  });

  it('accepts every event with its subject, and stores only the catalogue’s keys', () => {
    for (const name of EVENT_NAMES) expect(checkEventSubject(name, validSubject(name))).toEqual(validSubject(name));
    expect(checkEventSubject('order.status_changed', { to: 'shipped', orderId: A, from: 'awaiting_fulfilment' }))
      .toEqual({ orderId: A, from: 'awaiting_fulfilment', to: 'shipped' });
    expect(checkEventSubject('form.assigned', { assignmentId: A, templateId: B, source: 'chart', appointmentId: null }).appointmentId).toBeNull();
  });

  it('refuses a key the catalogue does not name (a name, a note, an amount)', () => {
    const booked = validSubject('appointment.booked');
    expect(() => checkEventSubject('appointment.booked', { ...booked, patientName: 'Maria Garcia' })).toThrow(DomainEventError);
    expect(() => checkEventSubject('invoice.paid', { invoiceId: A, amount: 12000 })).toThrow(/"amount" is not part of its subject/);
    expect(() => checkEventSubject('patient.created', { note: 'diabetic' })).toThrow(DomainEventError);
  });

  it('refuses a missing key, a text where an id belongs, and values outside a closed set', () => {
    expect(() => checkEventSubject('appointment.cancelled', { appointmentId: A, serviceId: A, locationId: A })).toThrow(/"providerId" must be an id/);
    expect(() => checkEventSubject('document.published', { documentId: A, documentTypeId: 'Lab results' })).toThrow(/"documentTypeId" must be an id/);
    expect(() => checkEventSubject('document.published', { documentId: A, documentTypeId: null })).toThrow(DomainEventError);
    expect(() => checkEventSubject('invoice.issued', { invoiceId: 42 })).toThrow(DomainEventError);
    expect(() => checkEventSubject('order.status_changed', { orderId: A, from: 'paid', to: 'shipped' })).toThrow(/"from" must be one of/);
    expect(() => checkEventSubject('subscription.renewed', { subscriptionId: A, productId: B, cycle: -1 })).toThrow(/"cycle"/);
    expect(() => checkEventSubject('subscription.renewed', { subscriptionId: A, productId: B, cycle: 1.5 })).toThrow(/"cycle"/);
    expect(() => checkEventSubject('subscription.renewed', { subscriptionId: A, productId: B, cycle: '2' })).toThrow(/"cycle"/);
    expect(() => checkEventSubject('invoice.issued', null)).toThrow(DomainEventError);
    expect(() => checkEventSubject('invoice.issued', [A])).toThrow(DomainEventError);
    expect(() => checkEventSubject('invoice.deleted' as EventName, { invoiceId: A })).toThrow(/unknown event name/);
  });

  it('never quotes the refused value in its message (it may be what must not be logged)', () => {
    try {
      checkEventSubject('message.received', { conversationId: A, messageId: 'I have chest pain' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('chest');
    }
  });

  it('types a subject from the catalogue', () => {
    expectTypeOf<EventSubject<'order.status_changed'>['to']>().toEqualTypeOf<
      'pending' | 'awaiting_payment' | 'processing' | 'awaiting_requirements' | 'awaiting_review' | 'awaiting_fulfilment'
      | 'shipped' | 'delivered' | 'completed' | 'cancelled' | 'refunded'
    >();
    expectTypeOf<EventSubject<'subscription.renewed'>>().toEqualTypeOf<{ subscriptionId: string; productId: string; cycle: number }>();
    expectTypeOf<EventSubject<'form.assigned'>['appointmentId']>().toEqualTypeOf<string | null>();
    expectTypeOf<keyof EventSubject<'patient.created'>>().toEqualTypeOf<never>();
  });
});

describe('recordEvent', () => {
  const input = { name: 'invoice.issued', patientId: A, subject: { invoiceId: B }, actor: { kind: 'system' } } as const;

  it('takes a transaction, not the database (by its type)', () => {
    expectTypeOf(recordEvent).parameter(0).toEqualTypeOf<Transaction>();
    expectTypeOf<Database>().not.toMatchTypeOf<Transaction>();
  });

  it('refuses anything but a transaction at run time, before writing', async () => {
    const inserts: unknown[] = [];
    const notATransaction = { insert: (t: unknown) => inserts.push(t) } as unknown as Transaction;
    await expect(recordEvent(notATransaction, A, input)).rejects.toThrow(/in the change's transaction/);
    expect(inserts).toEqual([]);
  });
});
