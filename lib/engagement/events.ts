import 'server-only';
import { sql } from 'drizzle-orm';
import { isTransaction, type Executor, type Transaction } from '@/db/client';
import { domainEvents } from '@/db/schema';
import type { PortalAccountContext, StaffContext } from '@/lib/access/context';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { EVENT_CATALOGUE, isEventName, type EventName, type EventSubject, type SubjectField } from './event-catalogue';

export { EVENT_CATALOGUE, EVENT_NAMES, isEventName, type EventName, type EventSubject } from './event-catalogue';

/**
 * The clinic's domain events (issue 18 point 1): one catalogue of names and the shape of each
 * one's subject, and the one function that writes them. An event is written by the lib/ function
 * that makes its change, in that change's transaction, so it exists exactly when the change
 * committed; automations (next) are matched against it afterwards (domain_events.fanned_out_at).
 *
 * A subject holds ids, a status from a closed set or a count — never a name, a time, a typed
 * text or an amount: events are read by automations, shown in run logs and may be sent to an
 * outside URL, so nothing about a patient's health may be in one. recordEvent checks each
 * subject against the catalogue at run time too (a key the catalogue does not name, or a text
 * where an id belongs, throws), so a caller that passes the wrong thing fails its transaction
 * instead of writing it.
 *
 * Where each is written: appointments in lib/scheduling/booking.ts; patient.created in
 * createPatient and the shop's visitor sign-up; portal_account.activated in linkAccountToPatient
 * (every way into the portal); document.published in lib/documents/publish.ts and updateDocument;
 * message.received in lib/conversations/send.ts; forms in lib/clinic-forms/assignments.ts and
 * submitForm; invoice.issued in openInvoice and issueInvoice, invoice.paid in the settlement
 * (lib/billing/settle.ts), invoice.overdue by a job (./overdue-invoices.ts); order.status_changed
 * in moveLockedOrder; subscriptions in lib/commerce/renewals.ts and cancelSubscription.
 */

/** Who caused the change. A patient is the portal account that acted (as in the audit log). */
export interface EventActor {
  kind: 'staff' | 'patient' | 'system';
  id?: string | null;
}

export interface EventInput<N extends EventName> {
  name: N;
  /** The patient the event is about (every event in the catalogue has one today). */
  patientId: string | null;
  subject: EventSubject<N>;
  actor: EventActor;
  /**
   * For an event that happens once to its subject but is found by a job (`invoice.overdue:<id>`):
   * a second writer records nothing (unique per clinic).
   */
  onceKey?: string;
  /** When it happened; the application's clock by default (as the outbox's). */
  at?: Date;
}

/** A programming error: an event that does not match the catalogue, or is outside a transaction, is never written. */
export class DomainEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DomainEventError';
  }
}

/**
 * Checks a subject against the catalogue and returns it as stored (only its own keys, in the
 * catalogue's order). Throws DomainEventError naming the event and the key — never the value,
 * which is exactly what must not reach a log if it was the wrong thing.
 */
export function checkEventSubject<N extends EventName>(name: N, subject: unknown): EventSubject<N> {
  if (!isEventName(name)) throw new DomainEventError('domain event: unknown event name');
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    throw new DomainEventError(`domain event ${name}: the subject must be an object`);
  }
  const shape = EVENT_CATALOGUE[name] as Readonly<Record<string, SubjectField>>;
  const given = subject as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(shape, key)) throw new DomainEventError(`domain event ${name}: "${key}" is not part of its subject`);
  }
  const checked: Record<string, string | number | null> = {};
  for (const [key, field] of Object.entries(shape)) {
    const value = given[key];
    if (!fieldAccepts(field, value)) throw new DomainEventError(`domain event ${name}: "${key}" must be ${describe(field)}`);
    checked[key] = value as string | number | null;
  }
  return checked as EventSubject<N>;
}

function fieldAccepts(field: SubjectField, value: unknown): boolean {
  switch (field.kind) {
    case 'id':
      return isUuid(value) || (field.nullable && value === null);
    case 'oneOf':
      return typeof value === 'string' && field.values.includes(value);
    case 'count':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  }
}

function describe(field: SubjectField): string {
  switch (field.kind) {
    case 'id':
      return field.nullable ? 'an id or null' : 'an id';
    case 'oneOf':
      return `one of ${field.values.join(', ')}`;
    case 'count':
      return 'a whole number from 0';
  }
}

/** The actor of a staff member's or a portal account's change. */
export function eventActorOf(ctx: StaffContext | PortalAccountContext): EventActor {
  return 'account' in ctx ? { kind: 'patient', id: ctx.account.id } : { kind: 'staff', id: ctx.actor.id };
}

const outsideTransaction = (name: string) => new DomainEventError(`domain event ${name}: record it in the change's transaction`);

/**
 * For a helper typed with the wider Executor whose contract is "in the caller's transaction"
 * (moveLockedOrder and insertAssignments, reached from a dozen callers' transactions): the handle
 * as the transaction recordEvent takes, or a throw when it is the plain database.
 */
export function asTransaction(tx: Executor, name: EventName): Transaction {
  if (!isTransaction(tx)) throw outsideTransaction(name);
  return tx;
}

/**
 * Records an event in the transaction that makes its change (the type refuses the plain database
 * handle, and so does the run-time check: an event written outside the change's transaction could
 * exist for a change that rolled back). Returns false when `onceKey` was already recorded.
 */
export async function recordEvent<N extends EventName>(tx: Transaction, tenantId: string, input: EventInput<N>): Promise<boolean> {
  if (!isTransaction(tx)) throw outsideTransaction(input.name);
  const insert = tx.insert(domainEvents).values(checkedEventRow(tenantId, input));
  if (input.onceKey === undefined) {
    await insert;
    return true;
  }
  const rows = await insert
    .onConflictDoNothing({ target: [domainEvents.tenantId, domainEvents.onceKey], where: sql`once_key is not null` })
    .returning({ id: domainEvents.id });
  return rows.length > 0;
}

/**
 * Many events in one statement, each checked and stored as recordEvent stores it (a batch job's
 * pass; no once-keys).
 */
export async function recordEvents(tx: Transaction, events: readonly { tenantId: string; input: EventInput<EventName> }[]): Promise<void> {
  if (events.length === 0) return;
  if (!isTransaction(tx)) throw outsideTransaction(events[0]!.input.name);
  await tx.insert(domainEvents).values(events.map(({ tenantId, input }) => {
    if (input.onceKey !== undefined) throw new DomainEventError(`domain event ${input.name}: recordEvents takes no once-key`);
    return checkedEventRow(tenantId, input);
  }));
}

function checkedEventRow<N extends EventName>(tenantId: string, input: EventInput<N>): typeof domainEvents.$inferInsert {
  const subject = checkEventSubject(input.name, input.subject);
  if (!isUuid(tenantId)) throw new DomainEventError(`domain event ${input.name}: the clinic must be an id`);
  if (input.patientId !== null && !isUuid(input.patientId)) throw new DomainEventError(`domain event ${input.name}: the patient must be an id or null`);
  const actorId = input.actor.id ?? null;
  if (!['staff', 'patient', 'system'].includes(input.actor.kind) || (actorId !== null && !isUuid(actorId))) {
    throw new DomainEventError(`domain event ${input.name}: the actor must be staff, patient or system, with an id or none`);
  }
  if (input.onceKey !== undefined && (input.onceKey.length === 0 || input.onceKey.length > 200)) {
    throw new DomainEventError(`domain event ${input.name}: a once-key has 1 to 200 characters`);
  }
  return {
    tenantId, name: input.name, patientId: input.patientId, subject, actorKind: input.actor.kind, actorId,
    occurredAt: input.at ?? now(), onceKey: input.onceKey ?? null,
  };
}
