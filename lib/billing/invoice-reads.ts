import 'server-only';
import { and, asc, desc, eq, inArray, ne, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { invoiceLines, invoices, ledgerEntries, locations, paymentAllocations, payments, patients, refunds, type InvoiceStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalLink } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { isUuid } from '@/lib/kernel/ids';
import { BillingAuditActions } from './audit-actions';
import { INVOICE_STATUS_LABELS, invoiceChangeRefusal, type InvoiceChange, type InvoiceSums } from './invoice-status';
import { heldByUnsettledPayments, invoiceSums, patientBalance } from './ledger';
import { invoiceLabel, receiptLabel } from './numbering';
import { getBillingSettings, portalBillingEnabled } from './settings';

/**
 * Reading invoices: the chart's and the clinic's lists and one invoice for staff (billing.view),
 * and the selected patient's sent invoices in the portal (only while the clinic shows billing
 * there). Amounts due come from the ledger, never from a stored number. Plain objects with what a
 * page shows; another clinic's or patient's invoice answers not-found.
 */

export interface InvoiceSummary {
  id: string;
  number: number | null;
  /** INV-000042, or "Draft". */
  label: string;
  status: InvoiceStatus;
  statusLabel: string;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  total: number;
  charged: number;
  paid: number;
  due: number;
  /** Sent, not settled, and past its due date in the clinic's calendar. */
  overdue: boolean;
  appointmentId: string | null;
  createdAt: Date;
}

const summaryColumns = {
  id: invoices.id,
  number: invoices.number,
  status: invoices.status,
  currency: invoices.currency,
  issueDate: invoices.issueDate,
  dueDate: invoices.dueDate,
  total: invoices.total,
  appointmentId: invoices.appointmentId,
  createdAt: invoices.createdAt,
};
type SummaryRow = Pick<InvoiceSummary, 'id' | 'number' | 'status' | 'currency' | 'issueDate' | 'dueDate' | 'total' | 'appointmentId' | 'createdAt'>;

async function summarise<R extends SummaryRow>(db: Executor, tenantId: string, rows: R[]): Promise<(R & InvoiceSummary)[]> {
  if (rows.length === 0) return [];
  const [sums, today] = await Promise.all([invoiceSums(db, tenantId, rows.map((r) => r.id)), clinicToday(db, tenantId)]);
  return rows.map((r) => {
    const s = sums.get(r.id)!;
    const unsettled = r.status === 'open' || r.status === 'partially_paid';
    return {
      ...r,
      label: invoiceLabel(r.number),
      statusLabel: INVOICE_STATUS_LABELS[r.status],
      charged: s.charged, paid: s.paid, due: s.due,
      overdue: unsettled && s.due > 0 && r.dueDate !== null && r.dueDate < today,
    };
  });
}

async function requirePatient(db: Executor, ctx: StaffContext, patientId: string) {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

/** The chart's Billing tab: every invoice of the patient (drafts too), newest first, and the balance. */
export async function listPatientInvoices(db: Executor, ctx: StaffContext, patientId: string) {
  assertPermission(ctx, 'billing.view');
  await requirePatient(db, ctx, patientId);
  return patientInvoices(db, ctx.tenant.id, patientId, false);
}

async function patientInvoices(db: Executor, tenantId: string, patientId: string, sentOnly: boolean) {
  const rows = await db
    .select(summaryColumns)
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.patientId, patientId), sentOnly ? ne(invoices.status, 'draft') : undefined))
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(500);
  const [list, balance, settings] = await Promise.all([summarise(db, tenantId, rows), patientBalance(db, tenantId, patientId), getBillingSettings(db, tenantId)]);
  return { invoices: list, balance, currency: settings.currency };
}
export type PatientInvoices = Awaited<ReturnType<typeof listPatientInvoices>>;

export const CLINIC_INVOICES_PAGE_SIZE = 50;

/** /emr/billing: the clinic's invoices, optionally of one status, newest first, 50 a page. */
export async function listClinicInvoices(db: Executor, ctx: StaffContext, query: { status?: InvoiceStatus; page?: number }) {
  assertPermission(ctx, 'billing.view');
  const page = Number.isSafeInteger(query.page) && query.page! > 0 ? query.page! : 1;
  const rows = await db
    .select({ ...summaryColumns, patientId: invoices.patientId, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
    .from(invoices)
    .innerJoin(patients, and(eq(patients.tenantId, invoices.tenantId), eq(patients.id, invoices.patientId)))
    .where(and(eq(invoices.tenantId, ctx.tenant.id), query.status ? eq(invoices.status, query.status) : undefined))
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(CLINIC_INVOICES_PAGE_SIZE + 1)
    .offset((page - 1) * CLINIC_INVOICES_PAGE_SIZE);
  const hasMore = rows.length > CLINIC_INVOICES_PAGE_SIZE;
  const list = await summarise(db, ctx.tenant.id, rows.slice(0, CLINIC_INVOICES_PAGE_SIZE));
  return {
    rows: list.map(({ patientId, firstName, lastName, recordNumber, ...invoice }) => ({ ...invoice, patient: { id: patientId, firstName, lastName, recordNumber } })),
    page,
    pageSize: CLINIC_INVOICES_PAGE_SIZE,
    hasMore,
  };
}
export type ClinicInvoices = Awaited<ReturnType<typeof listClinicInvoices>>;

/** One invoice with its lines, ledger sums, payments and entries; `where` scopes it to the reader. */
async function loadInvoice(db: Executor, tenantId: string, invoiceId: string, where: SQL | undefined) {
  if (!isUuid(invoiceId)) return null;
  const [invoice] = await db
    .select({
      id: invoices.id, patientId: invoices.patientId, number: invoices.number, status: invoices.status, currency: invoices.currency,
      issueDate: invoices.issueDate, dueDate: invoices.dueDate, appointmentId: invoices.appointmentId,
      subtotal: invoices.subtotal, discountTotal: invoices.discountTotal, taxTotal: invoices.taxTotal, total: invoices.total,
      note: invoices.note, voidReason: invoices.voidReason, openedAt: invoices.openedAt, closedAt: invoices.closedAt, createdAt: invoices.createdAt,
      locationId: invoices.locationId, locationName: locations.name,
      firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber,
    })
    .from(invoices)
    .innerJoin(patients, and(eq(patients.tenantId, invoices.tenantId), eq(patients.id, invoices.patientId)))
    .leftJoin(locations, and(eq(locations.tenantId, invoices.tenantId), eq(locations.id, invoices.locationId)))
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.id, invoiceId), where));
  if (!invoice) return null;
  const [lines, sums, held, allocated, entries, settings, today] = await Promise.all([
    db.select({
      id: invoiceLines.id, position: invoiceLines.position, kind: invoiceLines.kind, serviceId: invoiceLines.serviceId, description: invoiceLines.description,
      quantity: invoiceLines.quantity, unitAmount: invoiceLines.unitAmount, discountAmount: invoiceLines.discountAmount, taxRateBp: invoiceLines.taxRateBp,
      subtotal: invoiceLines.subtotal, taxAmount: invoiceLines.taxAmount, total: invoiceLines.total,
    }).from(invoiceLines).where(and(eq(invoiceLines.tenantId, tenantId), eq(invoiceLines.invoiceId, invoice.id))).orderBy(asc(invoiceLines.position)),
    invoiceSums(db, tenantId, [invoice.id]),
    heldByUnsettledPayments(db, tenantId, [invoice.id]),
    db.select({
      id: payments.id, method: payments.method, status: payments.status, allocated: paymentAllocations.amount, amount: payments.amount,
      receiptNumber: payments.receiptNumber, cardBrand: payments.cardBrand, cardLast4: payments.cardLast4, reference: payments.reference,
      failureMessage: payments.failureMessage, succeededAt: payments.succeededAt, createdAt: payments.createdAt,
    }).from(paymentAllocations)
      .innerJoin(payments, and(eq(payments.tenantId, paymentAllocations.tenantId), eq(payments.id, paymentAllocations.paymentId)))
      .where(and(eq(paymentAllocations.tenantId, tenantId), eq(paymentAllocations.invoiceId, invoice.id)))
      .orderBy(asc(payments.createdAt), asc(payments.id)),
    db.select({ id: ledgerEntries.id, kind: ledgerEntries.kind, amount: ledgerEntries.amount, memo: ledgerEntries.memo, paymentId: ledgerEntries.paymentId, refundId: ledgerEntries.refundId, occurredAt: ledgerEntries.occurredAt })
      .from(ledgerEntries).where(and(eq(ledgerEntries.tenantId, tenantId), eq(ledgerEntries.invoiceId, invoice.id))).orderBy(asc(ledgerEntries.occurredAt), asc(ledgerEntries.id)),
    getBillingSettings(db, tenantId),
    clinicToday(db, tenantId),
  ]);
  const paymentIds = allocated.map((p) => p.id);
  const refunded = new Map<string, number>();
  if (paymentIds.length > 0) {
    const rows = await db.select({ paymentId: refunds.paymentId, amount: refunds.amount }).from(refunds)
      .where(and(eq(refunds.tenantId, tenantId), inArray(refunds.paymentId, paymentIds), eq(refunds.status, 'succeeded')));
    for (const r of rows) refunded.set(r.paymentId, (refunded.get(r.paymentId) ?? 0) + r.amount);
  }
  const s = sums.get(invoice.id)!;
  const { firstName, lastName, recordNumber, locationId, locationName, ...rest } = invoice;
  const unsettled = invoice.status === 'open' || invoice.status === 'partially_paid';
  return {
    ...rest,
    label: invoiceLabel(invoice.number),
    statusLabel: INVOICE_STATUS_LABELS[invoice.status],
    patient: { id: invoice.patientId, firstName, lastName, recordNumber },
    location: locationId ? { id: locationId, name: locationName ?? '' } : null,
    lines,
    sums: s,
    /** What payments still waiting on the bank hold of the amount due. */
    held: held.get(invoice.id) ?? 0,
    overdue: unsettled && s.due > 0 && invoice.dueDate !== null && invoice.dueDate < today,
    payments: allocated.map((p) => ({ ...p, receiptLabel: receiptLabel(p.receiptNumber), refunded: refunded.get(p.id) ?? 0 })),
    entries,
    clinic: { footer: settings.invoiceFooter, taxId: settings.taxId },
  };
}

const CHANGES: InvoiceChange[] = ['edit', 'open', 'delete', 'void', 'write_off', 'pay', 'refund'];

/** Why each change is refused now (null: allowed), so a page's buttons can say why. */
function refusals(status: InvoiceStatus, sums: InvoiceSums): Record<InvoiceChange, string | null> {
  return Object.fromEntries(CHANGES.map((c) => [c, invoiceChangeRefusal(status, c, sums)])) as Record<InvoiceChange, string | null>;
}

/** One invoice for staff (billing.view), with what may be done to it; the view is audited. */
export async function getInvoice(db: Executor, ctx: StaffContext, invoiceId: string) {
  assertPermission(ctx, 'billing.view');
  const invoice = await loadInvoice(db, ctx.tenant.id, invoiceId, undefined);
  if (!invoice) throw new NotFoundError('invoice');
  await recordAudit(db, ctx, {
    action: BillingAuditActions.invoiceViewed, patientId: invoice.patientId, target: { type: 'invoice', id: invoice.id },
    details: { area: 'emr', number: invoice.number },
  });
  return { ...invoice, refusals: refusals(invoice.status, invoice.sums) };
}
export type InvoiceDetail = Awaited<ReturnType<typeof getInvoice>>;

async function requirePortalBilling(db: Executor, ctx: PortalContext) {
  await assertPortalLink(db, ctx);
  if (!(await portalBillingEnabled(db, ctx.tenant.id))) throw new NotFoundError('billing');
}

/** The portal's Billing page: the selected patient's sent invoices, newest first, and their balance. */
export async function listPortalInvoices(db: Executor, ctx: PortalContext) {
  await requirePortalBilling(db, ctx);
  return patientInvoices(db, ctx.tenant.id, ctx.patient.id, true);
}

/**
 * One sent invoice of the selected patient. Staff-only words stay out: the reason it was voided
 * and adjustment memos (written by staff for staff); failed attempts are not listed.
 */
export async function getPortalInvoice(db: Executor, ctx: PortalContext, invoiceId: string) {
  await requirePortalBilling(db, ctx);
  const invoice = await loadInvoice(db, ctx.tenant.id, invoiceId, and(eq(invoices.patientId, ctx.patient.id), ne(invoices.status, 'draft')));
  if (!invoice) throw new NotFoundError('invoice');
  await recordAudit(db, ctx, {
    action: BillingAuditActions.invoiceViewed, patientId: invoice.patientId, target: { type: 'invoice', id: invoice.id },
    details: { area: 'portal', number: invoice.number },
  });
  const { voidReason: _reason, entries, payments: paid, ...rest } = invoice;
  return {
    ...rest,
    entries: entries.map(({ memo: _memo, ...entry }) => entry),
    payments: paid.filter((p) => p.status !== 'failed' && p.status !== 'canceled').map(({ failureMessage: _f, reference: _r, ...p }) => p),
    payable: invoiceChangeRefusal(invoice.status, 'pay', invoice.sums) === null && invoice.sums.due - invoice.held > 0,
  };
}
export type PortalInvoiceDetail = Awaited<ReturnType<typeof getPortalInvoice>>;
