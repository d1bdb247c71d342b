import 'server-only';
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, formAssignments, invoices, locations, orders, patients, staffUsers, subscriptions, tenantBranding, tenants } from '@/db/schema';
import { invoiceSums } from '@/lib/billing/ledger';
import { formatMoney } from '@/lib/billing/money';
import { invoiceLabel } from '@/lib/billing/numbering';
import { orderLabel } from '@/lib/commerce/settings';
import { localizedColumn } from '@/lib/i18n/clinic-text-sql';
import { formatters, INTL_LOCALE, toLocale, translator } from '@/lib/i18n/core';
import { orderStatusWords } from '@/lib/i18n/messages/orders';
import { isUuid } from '@/lib/kernel/ids';
import { formatWhen } from '@/lib/notifications/appointment-notifications';
import { portalLink } from '@/lib/notifications/portal-link';
import { formatPhoneForDisplay } from '@/lib/phone/format';
import { visitActionLinks } from '@/lib/scheduling/visit-links';
import { triggerScope, type PlaceholderName, type PlaceholderScope } from './placeholders';

export { SAMPLE_VALUES } from './placeholders';

/**
 * The values of a message's placeholders (issue 18 point 9), read when the message is queued:
 * the patient's first name, the clinic's name, phone and portal link, and what the event is about
 * (its appointment, form assignment, invoice, order or subscription), formatted in the message's
 * language. Each row is read by (clinic, id) and must be the patient's own: an id of another
 * clinic or another patient gives no values for its scope, so nothing of theirs can be sent.
 *
 * Only what the catalogue names is read (placeholders.ts): never a service, form or product name.
 */

type Values = Partial<Record<PlaceholderName, string>>;

export interface PlaceholderValuesInput {
  patientId: string;
  /** The event that started the message (lib/engagement/events.ts), or 'campaign'. */
  eventName: string;
  /** The event's subject (ids): the appointment, assignment, invoice, order or subscription. */
  subject: Readonly<Record<string, unknown>>;
  /** The language the template is rendered in (render.ts pickTemplateLanguage). */
  language: string;
}

/** Which subject key names the row of each scope. */
const SUBJECT_KEY: Partial<Record<PlaceholderScope, string>> = {
  appointment: 'appointmentId',
  form: 'assignmentId',
  invoice: 'invoiceId',
  order: 'orderId',
  subscription: 'subscriptionId',
};

interface Clinic {
  tenantId: string;
  slug: string;
  patientId: string;
  locale: ReturnType<typeof toLocale>;
}

export async function loadPlaceholderValues(db: Executor, tenantId: string, input: PlaceholderValuesInput): Promise<Record<string, string>> {
  if (!isUuid(input.patientId)) return {};
  const [patient] = await db
    .select({ firstName: patients.firstName, slug: tenants.slug, clinicName: tenantBranding.displayName })
    .from(patients)
    .innerJoin(tenants, eq(tenants.id, patients.tenantId))
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, patients.tenantId))
    .where(and(eq(patients.tenantId, tenantId), eq(patients.id, input.patientId)));
  if (!patient) return {};
  const clinic: Clinic = { tenantId, slug: patient.slug, patientId: input.patientId, locale: toLocale(input.language.trim().toLowerCase().split(/[-_]/)[0]) };

  const scope = triggerScope(input.eventName);
  const key = scope ? SUBJECT_KEY[scope] : undefined;
  const id = key ? input.subject[key] : undefined;
  const [phone, scoped] = await Promise.all([
    clinicPhone(db, tenantId),
    scope && typeof id === 'string' && isUuid(id) ? scopeValues(db, clinic, scope, id) : {},
  ]);
  const values: Values = {
    'patient.firstName': patient.firstName,
    'clinic.name': patient.clinicName,
    'clinic.phone': phone ?? '',
    'portal.url': portalLink(patient.slug, '/portal'),
    ...scoped,
  };
  return values as Record<string, string>;
}

/** The clinic's phone for messages: the first active location that has one (as the handout's). */
async function clinicPhone(db: Executor, tenantId: string): Promise<string | null> {
  const [row] = await db
    .select({ phone: locations.phone })
    .from(locations)
    .where(and(eq(locations.tenantId, tenantId), eq(locations.active, true), isNotNull(locations.phone)))
    .orderBy(asc(locations.name), asc(locations.id))
    .limit(1);
  return row?.phone ? formatPhoneForDisplay(row.phone) : null;
}

function scopeValues(db: Executor, clinic: Clinic, scope: PlaceholderScope, id: string): Promise<Values> {
  switch (scope) {
    case 'appointment': return appointmentValues(db, clinic, id);
    case 'form': return formValues(db, clinic, id);
    case 'invoice': return invoiceValues(db, clinic, id);
    case 'order': return orderValues(db, clinic, id);
    case 'subscription': return subscriptionValues(db, clinic, id);
    default: return Promise.resolve({});
  }
}

/** The visit's day and time in its location's zone (as the booking's confirmation says them), place, provider and links. */
async function appointmentValues(db: Executor, clinic: Clinic, appointmentId: string): Promise<Values> {
  const [row] = await db
    .select({
      startsAt: appointments.startsAt, timeZone: locations.timeZone,
      // The location's name in the message's language when the clinic translated it.
      location: localizedColumn<string>(locations.name, locations.translations, 'name', { tenantId: clinic.tenantId, language: clinic.locale }),
      addressLine1: locations.addressLine1, city: locations.city, provider: staffUsers.fullName,
    })
    .from(appointments)
    .innerJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
    .innerJoin(staffUsers, and(eq(staffUsers.tenantId, appointments.tenantId), eq(staffUsers.id, appointments.providerId)))
    .where(and(eq(appointments.tenantId, clinic.tenantId), eq(appointments.id, appointmentId), eq(appointments.patientId, clinic.patientId)));
  if (!row) return {};
  const { date, time } = formatWhen(row.startsAt, row.timeZone, INTL_LOCALE[clinic.locale]);
  const links = visitActionLinks(clinic.slug, clinic.tenantId, appointmentId);
  return {
    'appointment.date': date,
    'appointment.time': time,
    'appointment.location': [row.location, row.addressLine1, row.city].filter(Boolean).join(', '),
    'appointment.provider': row.provider,
    'appointment.confirmUrl': links.confirmUrl,
    'appointment.cancelUrl': links.cancelUrl,
  };
}

async function formValues(db: Executor, clinic: Clinic, assignmentId: string): Promise<Values> {
  const [row] = await db
    .select({ dueOn: formAssignments.dueOn })
    .from(formAssignments)
    .where(and(eq(formAssignments.tenantId, clinic.tenantId), eq(formAssignments.id, assignmentId), eq(formAssignments.patientId, clinic.patientId)));
  if (!row) return {};
  return {
    'form.dueDate': row.dueOn ? formatters(clinic.locale).calendarDate(row.dueOn) : '',
    'form.url': portalLink(clinic.slug, `/portal/forms/${assignmentId}`),
  };
}

/** The amount still owed is the ledger's sum (never a stored number), in the invoice's currency. */
async function invoiceValues(db: Executor, clinic: Clinic, invoiceId: string): Promise<Values> {
  const [row] = await db
    .select({ number: invoices.number, currency: invoices.currency, dueDate: invoices.dueDate })
    .from(invoices)
    .where(and(eq(invoices.tenantId, clinic.tenantId), eq(invoices.id, invoiceId), eq(invoices.patientId, clinic.patientId)));
  if (!row) return {};
  const due = (await invoiceSums(db, clinic.tenantId, [invoiceId])).get(invoiceId)?.due ?? 0;
  return {
    'invoice.number': row.number === null ? '' : invoiceLabel(row.number),
    'invoice.amountDue': formatMoney(Math.max(0, due), row.currency, INTL_LOCALE[clinic.locale]),
    'invoice.dueDate': row.dueDate ? formatters(clinic.locale).calendarDate(row.dueDate) : '',
    'invoice.url': portalLink(clinic.slug, `/portal/billing/invoices/${invoiceId}`),
  };
}

/** The order's status now (it may have moved on since the event), in the portal's words. */
async function orderValues(db: Executor, clinic: Clinic, orderId: string): Promise<Values> {
  const [row] = await db
    .select({ number: orders.number, status: orders.status })
    .from(orders)
    .where(and(eq(orders.tenantId, clinic.tenantId), eq(orders.id, orderId), eq(orders.patientId, clinic.patientId)));
  if (!row) return {};
  return {
    'order.number': orderLabel(row.number),
    'order.status': translator(orderStatusWords, clinic.locale)(`status_${row.status}`),
    'order.url': portalLink(clinic.slug, `/portal/orders/${orderId}`),
  };
}

async function subscriptionValues(db: Executor, clinic: Clinic, subscriptionId: string): Promise<Values> {
  const [row] = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantId, clinic.tenantId), eq(subscriptions.id, subscriptionId), eq(subscriptions.patientId, clinic.patientId)));
  if (!row) return {};
  return { 'subscription.url': portalLink(clinic.slug, `/portal/subscriptions/${subscriptionId}`) };
}
