import 'server-only';
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, invoices, services } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { isUuid } from '@/lib/kernel/ids';
import { PG, postgresErrorCode } from '@/lib/kernel/errors';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { INVOICE_LIMITS } from './invoice-forms';
import { insertDraftInvoice, InvoiceRuleError } from './invoices';
import { getBillingSettings } from './settings';

/**
 * Invoices that come from the schedule (issue 16 point 1): a draft for a completed visit whose
 * service has a price, and a missed-appointment fee for a no-show. One invoice per visit: the
 * partial unique index invoices_appointment_key (void ones do not count) holds it when two staff
 * press the button at once, and the loser is told which invoice exists. Both make drafts, which
 * staff check and send like any other (billing.manage).
 */

async function lockAppointment(tx: Executor, ctx: StaffContext, appointmentId: string) {
  if (!isUuid(appointmentId)) throw new NotFoundError('appointment');
  const [visit] = await tx
    .select({
      id: appointments.id, patientId: appointments.patientId, status: appointments.status, startsAt: appointments.startsAt,
      locationId: appointments.locationId, serviceId: appointments.serviceId,
      serviceName: services.name, priceCents: services.priceCents, serviceCurrency: services.currency,
    })
    .from(appointments)
    .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
    .where(and(eq(appointments.tenantId, ctx.tenant.id), eq(appointments.id, appointmentId)))
    .for('update', { of: appointments });
  if (!visit) throw new NotFoundError('appointment');
  return visit;
}

/** The visit's invoice that still counts (not void), if there is one. */
async function existingInvoice(tx: Executor, ctx: StaffContext, appointmentId: string) {
  const [row] = await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.appointmentId, appointmentId), ne(invoices.status, 'void')))
    .limit(1);
  return row ?? null;
}

const alreadyInvoiced = (invoiceId: string) =>
  new InvoiceRuleError('visit-already-invoiced', 'This visit already has an invoice. Open it from the patient’s billing.', undefined, { invoiceId });

/** Inserts, answering a second invoice for the visit (the unique index) as the rule it is. */
async function insertOnce<T>(db: Executor, ctx: StaffContext, appointmentId: string, insert: (tx: Executor) => Promise<T>): Promise<T> {
  try {
    return await db.transaction(insert);
  } catch (error) {
    if (postgresErrorCode(error) !== PG.uniqueViolation) throw error;
    const existing = await existingInvoice(db, ctx, appointmentId);
    if (!existing) throw error;
    throw alreadyInvoiced(existing.id);
  }
}

/** A draft with one service line at the service's price, for a completed visit. */
export async function invoiceFromVisit(db: Executor, ctx: StaffContext, appointmentId: string): Promise<{ id: string }> {
  assertPermission(ctx, 'billing.manage');
  return insertOnce(db, ctx, appointmentId, async (tx) => {
    const visit = await lockAppointment(tx, ctx, appointmentId);
    if (visit.status !== 'completed') {
      throw new InvoiceRuleError('visit-not-completed', visit.status === 'no_show'
        ? 'The patient missed this visit: charge a missed-appointment fee instead.'
        : 'Only a completed visit can be invoiced. Mark the visit completed first.');
    }
    const existing = await existingInvoice(tx, ctx, visit.id);
    if (existing) throw alreadyInvoiced(existing.id);
    const settings = await getBillingSettings(tx, ctx.tenant.id);
    if (visit.priceCents === null) {
      throw new InvoiceRuleError('visit-no-price', 'This visit’s service has no price. Make the invoice by hand, or give the service a price under CRM → Services.');
    }
    if (visit.serviceCurrency !== settings.currency) {
      throw new InvoiceRuleError('visit-currency', `This service is priced in ${visit.serviceCurrency} but the clinic bills in ${settings.currency}. Make the invoice by hand.`);
    }
    const { id } = await insertDraftInvoice(tx, ctx, {
      patientId: visit.patientId, appointmentId: visit.id, locationId: visit.locationId, source: 'visit',
      lines: [{
        kind: 'service', serviceId: visit.serviceId, description: visit.serviceName.slice(0, INVOICE_LIMITS.description),
        quantity: 1, unitAmount: visit.priceCents, discountAmount: 0, taxRateBp: settings.defaultTaxRateBp,
      }],
    });
    return { id };
  });
}

/**
 * A draft charging a missed visit's fee (`amount` in minor units; `currency`, when given, the one
 * it was typed in, which must still be the clinic's). No tax: a fee is not a sale.
 */
export async function noShowFeeInvoice(db: Executor, ctx: StaffContext, appointmentId: string, amount: number, currency?: string): Promise<{ id: string }> {
  assertPermission(ctx, 'billing.manage');
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > INVOICE_LIMITS.amount) {
    throw new InvoiceRuleError('invalid-input', 'The fee was not charged.', { amount: 'Enter the fee as an amount above zero.' });
  }
  return insertOnce(db, ctx, appointmentId, async (tx) => {
    const visit = await lockAppointment(tx, ctx, appointmentId);
    if (visit.status !== 'no_show') {
      throw new InvoiceRuleError('visit-not-missed', 'A missed-appointment fee is only for a visit marked as a no-show.');
    }
    const existing = await existingInvoice(tx, ctx, visit.id);
    if (existing) throw alreadyInvoiced(existing.id);
    const day = zonedDate(visit.startsAt, await clinicTimeZone(tx, ctx.tenant.id));
    const { id } = await insertDraftInvoice(tx, ctx, {
      patientId: visit.patientId, appointmentId: visit.id, locationId: visit.locationId, source: 'no_show', currency,
      lines: [{ kind: 'no_show_fee', serviceId: null, description: `Missed appointment on ${day}`, quantity: 1, unitAmount: amount, discountAmount: 0, taxRateBp: 0 }],
    });
    return { id };
  });
}
