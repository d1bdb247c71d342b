import { assignmentSources } from '@/db/schema/forms';
import { orderStatuses } from '@/db/schema/commerce';
import { portalRelationships } from '@/db/schema/identity';

/**
 * The catalogue of domain events (issue 18 point 1): every name and the shape of its subject.
 * Data only, so the browser can load it too (the CRM's automation builder names the triggers and
 * the fields a filter can test); writing events is lib/engagement/events.ts.
 */

/** A field of a subject: a uuid, a uuid or null, one of a closed set of words, or a count. */
export type SubjectField =
  | { readonly kind: 'id'; readonly nullable: boolean }
  | { readonly kind: 'oneOf'; readonly values: readonly string[] }
  | { readonly kind: 'count' };

const id = { kind: 'id', nullable: false } as const;
/** An id the change may not have (a form assigned from the chart has no appointment). */
const idOrNull = { kind: 'id', nullable: true } as const;
const oneOf = <const V extends readonly string[]>(values: V) => ({ kind: 'oneOf', values }) as const;
/** A whole number from 0 (a subscription's cycle). */
const count = { kind: 'count' } as const;

const appointment = { appointmentId: id, serviceId: id, locationId: id, providerId: id } as const;
const subscriptionCycle = { subscriptionId: id, productId: id, cycle: count } as const;

/**
 * Every event name and its subject. The patient an event is about is not in the subject: it is
 * the event's own column (patient_id), so a patient's events are one indexed query.
 */
export const EVENT_CATALOGUE = {
  'appointment.booked': appointment,
  /** The new appointment; the one it replaced is cancelled by the move (no appointment.cancelled). */
  'appointment.rescheduled': { ...appointment, previousAppointmentId: id },
  'appointment.cancelled': appointment,
  'appointment.completed': appointment,
  'appointment.no_show': appointment,
  'patient.created': {},
  /** A portal account was given access to the patient (activation, claim, invite, shop sign-up). */
  'portal_account.activated': { portalAccountId: id, relationship: oneOf(portalRelationships) },
  /**
   * A document the clinic shares became visible to the patient (uploaded visible, or made visible
   * later); not the patient's own upload, nor a filed form's PDF (form.submitted is that one).
   */
  'document.published': { documentId: id, documentTypeId: id },
  /** A patient's message reached the clinic (staff messages are not "received"). */
  'message.received': { conversationId: id, messageId: id },
  'form.assigned': { assignmentId: id, templateId: id, source: oneOf(assignmentSources), appointmentId: idOrNull },
  'form.submitted': { assignmentId: id, templateId: id, responseId: id },
  /** Sent to the patient: numbered and open (staff sending a draft, a checkout, a renewal). */
  'invoice.issued': { invoiceId: id },
  /** Fully paid by a payment that settled. */
  'invoice.paid': { invoiceId: id },
  /** Still owed the day after its due date in the clinic's zone; recorded once per invoice. */
  'invoice.overdue': { invoiceId: id },
  'order.status_changed': { orderId: id, from: oneOf(orderStatuses), to: oneOf(orderStatuses) },
  'subscription.renewed': subscriptionCycle,
  /** A renewal's charge failed (the subscription is past due, or cancelled after the last retry). */
  'subscription.renewal_failed': subscriptionCycle,
  /** By the patient, by staff, or by the system after the last failed retry. */
  'subscription.cancelled': { subscriptionId: id, productId: id },
} as const satisfies Record<string, Readonly<Record<string, SubjectField>>>;

type Catalogue = typeof EVENT_CATALOGUE;
export type EventName = keyof Catalogue;
export const EVENT_NAMES = Object.keys(EVENT_CATALOGUE) as EventName[];

type FieldValue<F> = F extends { kind: 'id'; nullable: true }
  ? string | null
  : F extends { kind: 'id' }
    ? string
    : F extends { kind: 'oneOf'; values: infer V extends readonly string[] }
      ? V[number]
      : F extends { kind: 'count' }
        ? number
        : never;

/** The subject an event of this name carries, derived from the catalogue. */
export type EventSubject<N extends EventName> = { -readonly [K in keyof Catalogue[N]]: FieldValue<Catalogue[N][K]> };

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENT_CATALOGUE, name);
}
