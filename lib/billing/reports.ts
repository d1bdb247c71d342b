import 'server-only';
import { and, asc, desc, eq, gte, inArray, lt, notExists } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { appointments, invoices, locations, patients, payments, refunds, services, type PaymentMethod } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { csvCell } from '@/lib/audit/query';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { dateTimeFormat } from '@/lib/intl/date-time-format';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { BillingAuditActions } from './audit-actions';
import { isCalendarDate } from './invoice-forms';
import { receiptLabel } from './numbering';
import { getBillingSettings } from './settings';
import { cardBrandLabel, moneyInputValue, PAYMENT_METHOD_LABELS } from './staff-forms';

/**
 * The EMR's billing reports (billing.view): a day's payments per location and method, with its
 * CSV export, and the chart's list of visits still to bill. A day is the clinic's calendar day
 * (its first location's zone, as invoices and statements use), so a payment at 23:30 in New York
 * is on that day's report, not the next UTC day's.
 */

export class ReportRuleError extends RuleError {
  constructor(message: string) {
    super('report-date', 'Check the date of the report.', { date: message });
    this.name = 'ReportRuleError';
  }
}

const NO_LOCATION = 'No location (online or card on file)';
/** Rows listed, counted and exported at most (far beyond a clinic's day); past it the page says so. */
export const DAY_REPORT_MAX_ROWS = 5000;

export interface DayReportRow {
  kind: 'payment' | 'refund';
  /** The payment's or the refund's id. */
  id: string;
  paymentId: string;
  at: Date;
  /** HH:MM in the clinic's zone. */
  time: string;
  patient: { id: string; name: string; recordNumber: string };
  method: PaymentMethod;
  methodLabel: string;
  card: { brand: string; last4: string } | null;
  location: { id: string | null; name: string };
  receipt: string;
  reference: string | null;
  /** Always positive: what moved, in minor units. */
  amount: number;
  /** Payments in, refunds out (negative). */
  net: number;
  currency: string;
}

export interface DayReportTotal {
  key: string;
  label: string;
  payments: number;
  refunds: number;
  net: number;
  count: number;
}

function addTo(totals: Map<string, DayReportTotal>, key: string, label: string, row: DayReportRow) {
  const t = totals.get(key) ?? { key, label, payments: 0, refunds: 0, net: 0, count: 0 };
  if (row.kind === 'payment') t.payments += row.amount;
  else t.refunds += row.amount;
  t.net += row.net;
  t.count += 1;
  totals.set(key, t);
}

/**
 * The day's money: payments that succeeded that day and refunds that went through that day
 * (whenever their payment was), per location and per method, and the list. A refund counts
 * against its payment's location and method (the drawer or terminal it came out of).
 */
export async function dayPaymentsReport(db: Executor, ctx: StaffContext, date: string) {
  assertPermission(ctx, 'billing.view');
  if (!isCalendarDate(date)) throw new ReportRuleError('Enter the day as a date.');
  const zone = await clinicTimeZone(db, ctx.tenant.id);
  const start = zonedInstant(date, '00:00', zone);
  const end = zonedInstant(addDays(date, 1), '00:00', zone);
  const tenantId = ctx.tenant.id;
  const paymentColumns = {
    paymentId: payments.id, method: payments.method, currency: payments.currency, cardBrand: payments.cardBrand, cardLast4: payments.cardLast4,
    receiptNumber: payments.receiptNumber, reference: payments.reference, locationId: payments.locationId, locationName: locations.name,
    patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber,
  };
  const [paid, refunded, settings] = await Promise.all([
    db.select({ ...paymentColumns, id: payments.id, amount: payments.amount, at: payments.succeededAt })
      .from(payments)
      .innerJoin(patients, and(eq(patients.tenantId, payments.tenantId), eq(patients.id, payments.patientId)))
      .leftJoin(locations, and(eq(locations.tenantId, payments.tenantId), eq(locations.id, payments.locationId)))
      .where(and(eq(payments.tenantId, tenantId), eq(payments.status, 'succeeded'), gte(payments.succeededAt, start), lt(payments.succeededAt, end)))
      .orderBy(asc(payments.succeededAt), asc(payments.id))
      .limit(DAY_REPORT_MAX_ROWS + 1),
    db.select({ ...paymentColumns, id: refunds.id, amount: refunds.amount, at: refunds.completedAt })
      .from(refunds)
      .innerJoin(payments, and(eq(payments.tenantId, refunds.tenantId), eq(payments.id, refunds.paymentId)))
      .innerJoin(patients, and(eq(patients.tenantId, payments.tenantId), eq(patients.id, payments.patientId)))
      .leftJoin(locations, and(eq(locations.tenantId, payments.tenantId), eq(locations.id, payments.locationId)))
      .where(and(eq(refunds.tenantId, tenantId), eq(refunds.status, 'succeeded'), gte(refunds.completedAt, start), lt(refunds.completedAt, end)))
      .orderBy(asc(refunds.completedAt), asc(refunds.id))
      .limit(DAY_REPORT_MAX_ROWS + 1),
    getBillingSettings(db, tenantId),
  ]);
  const clock = dateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const toRow = (kind: DayReportRow['kind']) => (r: (typeof paid)[number]): DayReportRow => ({
    kind, id: r.id, paymentId: r.paymentId, at: r.at!, time: clock.format(r.at!),
    patient: { id: r.patientId, name: `${r.firstName} ${r.lastName}`, recordNumber: r.recordNumber },
    method: r.method, methodLabel: PAYMENT_METHOD_LABELS[r.method],
    card: r.cardLast4 ? { brand: r.cardBrand ?? 'card', last4: r.cardLast4 } : null,
    location: { id: r.locationId, name: r.locationId ? (r.locationName ?? '') : NO_LOCATION },
    receipt: receiptLabel(r.receiptNumber), reference: r.reference,
    amount: r.amount, net: kind === 'payment' ? r.amount : -r.amount, currency: r.currency,
  });
  const all = [...paid.map(toRow('payment')), ...refunded.map(toRow('refund'))]
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  const rows = all.slice(0, DAY_REPORT_MAX_ROWS);
  const byLocation = new Map<string, DayReportTotal>();
  const byMethod = new Map<string, DayReportTotal>();
  const total: DayReportTotal = { key: 'all', label: 'All payments', payments: 0, refunds: 0, net: 0, count: 0 };
  for (const row of rows) {
    addTo(byLocation, row.location.id ?? 'none', row.location.name, row);
    addTo(byMethod, row.method, row.methodLabel, row);
    if (row.kind === 'payment') total.payments += row.amount;
    else total.refunds += row.amount;
    total.net += row.net;
    total.count += 1;
  }
  const byName = (a: DayReportTotal, b: DayReportTotal) => (a.key === 'none' ? 1 : b.key === 'none' ? -1 : a.label.localeCompare(b.label));
  return {
    date, timeZone: zone, currency: settings.currency,
    byLocation: [...byLocation.values()].sort(byName),
    byMethod: [...byMethod.values()].sort((a, b) => a.label.localeCompare(b.label)),
    total,
    rows,
    truncated: all.length > DAY_REPORT_MAX_ROWS,
  };
}
export type DayPaymentsReport = Awaited<ReturnType<typeof dayPaymentsReport>>;

// ---- CSV -------------------------------------------------------------------------------------

export const DAY_REPORT_CSV_HEADER = [
  'date', 'time', 'kind', 'receipt', 'patient', 'record_number', 'method', 'card', 'location', 'reference', 'amount', 'currency',
] as const;

/**
 * An amount in major units as a spreadsheet reads a number ("-12.50"). Written by us from an
 * integer, so it is never a formula: it does not go through csvCell, which would put an
 * apostrophe before the minus sign and turn the number into text.
 */
export function csvAmount(minor: number, currency: string): string {
  return moneyInputValue(minor, currency);
}

/** One line of the export: every text cell escaped (quotes, line breaks, formula starts). */
export function dayReportCsvLine(date: string, row: DayReportRow): string {
  const cells = [
    csvCell(date), csvCell(row.time), csvCell(row.kind), csvCell(row.receipt), csvCell(row.patient.name), csvCell(row.patient.recordNumber),
    csvCell(row.methodLabel), csvCell(row.card ? `${cardBrandLabel(row.card.brand)} ${row.card.last4}` : null), csvCell(row.location.name),
    csvCell(row.reference), csvAmount(row.net, row.currency), csvCell(row.currency),
  ];
  return `${cells.join(',')}\r\n`;
}

/** The day's payments as CSV (a byte-order mark so spreadsheet programs read UTF-8); the export is audited. */
export async function exportDayPaymentsCsv(db: Executor, ctx: StaffContext, date: string): Promise<{ csv: string; filename: string }> {
  const report = await dayPaymentsReport(db, ctx, date);
  const lines = [`\uFEFF${DAY_REPORT_CSV_HEADER.map(csvCell).join(',')}\r\n`, ...report.rows.map((r) => dayReportCsvLine(date, r))];
  await recordAudit(db, ctx, {
    action: BillingAuditActions.reportExported, target: { type: 'billing_report', id: date },
    details: { report: 'day_payments', date, rows: report.rows.length, net: report.total.net, currency: report.currency },
  });
  return { csv: lines.join(''), filename: `payments-${ctx.tenant.slug}-${date}.csv` };
}

// ---- Visits to bill ---------------------------------------------------------------------------

/**
 * The chart's visits still to bill: completed visits (an invoice from the service's price) and
 * no-shows (a missed-appointment fee) that have no invoice, a void one aside. Newest first.
 */
export async function listBillableVisits(db: Executor, ctx: StaffContext, patientId: string) {
  await billingPatient(db, ctx, patientId);
  const [rows, zone] = await Promise.all([
    db
      .select({
        id: appointments.id, status: appointments.status, startsAt: appointments.startsAt,
        serviceName: services.name, priceCents: services.priceCents, serviceCurrency: services.currency, locationName: locations.name,
      })
      .from(appointments)
      .innerJoin(services, and(eq(services.tenantId, appointments.tenantId), eq(services.id, appointments.serviceId)))
      .leftJoin(locations, and(eq(locations.tenantId, appointments.tenantId), eq(locations.id, appointments.locationId)))
      .where(and(
        eq(appointments.tenantId, ctx.tenant.id), eq(appointments.patientId, patientId), inArray(appointments.status, ['completed', 'no_show']),
        notExists(db.select({ id: invoices.id }).from(invoices).where(and(
          eq(invoices.tenantId, appointments.tenantId), eq(invoices.appointmentId, appointments.id), inArray(invoices.status, ['draft', 'open', 'partially_paid', 'paid', 'uncollectible']),
        ))),
      ))
      .orderBy(desc(appointments.startsAt), desc(appointments.id))
      .limit(50),
    clinicTimeZone(db, ctx.tenant.id),
  ]);
  return rows.map((r) => ({
    id: r.id,
    status: r.status as 'completed' | 'no_show',
    date: zonedDate(r.startsAt, zone),
    startsAt: r.startsAt,
    serviceName: r.serviceName,
    price: r.priceCents === null ? null : { amount: r.priceCents, currency: r.serviceCurrency },
    locationName: r.locationName,
  }));
}
export type BillableVisit = Awaited<ReturnType<typeof listBillableVisits>>[number];

// ---- What the invoice forms offer ------------------------------------------------------------

/**
 * The clinic's currency, the tax rate a new line starts with, and its active services with their
 * prices (a price in another currency than the clinic bills in is left out: the form would read
 * it as the wrong money). For the invoice editor's service select.
 */
export async function invoiceFormOptions(db: Executor, ctx: StaffContext) {
  assertPermission(ctx, 'billing.view');
  const [settings, rows] = await Promise.all([
    getBillingSettings(db, ctx.tenant.id),
    db.select({ id: services.id, name: services.name, priceCents: services.priceCents, currency: services.currency })
      .from(services)
      .where(and(eq(services.tenantId, ctx.tenant.id), eq(services.active, true)))
      .orderBy(asc(services.name))
      .limit(500),
  ]);
  return {
    currency: settings.currency,
    defaultTaxRateBp: settings.defaultTaxRateBp,
    services: rows.map((s) => ({ id: s.id, name: s.name, price: s.priceCents !== null && s.currency === settings.currency ? s.priceCents : null })),
  };
}

/** Whose invoice a new one is: the patient's name and record number (billing.view), or not-found. */
export async function billingPatient(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'billing.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [patient] = await db
    .select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  return patient;
}
