import 'server-only';
import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { preparedQuery, type Placeholder } from '@/db/prepared';
import { invoiceLines, invoices, ledgerEntries, locations, paymentAllocations, payments, patients, refunds, type InvoiceStatus } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicTimeZoneColumn, clinicToday } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { zonedDate } from '@/lib/scheduling/zoned-time';
import { BillingAuditActions } from './audit-actions';
import { INVOICE_STATUS_LABELS, invoiceChangeRefusal, type InvoiceChange, type InvoiceSums } from './invoice-status';
import { heldByUnsettledPayments, invoiceSums, patientBalance } from './ledger';
import { invoiceLabel, receiptLabel } from './numbering';
import { getBillingSettings } from './settings';

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
type SummaryRow = Pick<InvoiceSummary, 'id' | 'number' | 'status' | 'currency' | 'issueDate' | 'dueDate' | 'total' | 'appointmentId' | 'createdAt' | 'charged' | 'paid' | 'due'>;

/**
 * Each listed invoice's charged, paid and due, summed from the ledger in the list's own statement
 * (a lateral aggregate: one row per invoice, zeros without entries). The same sums as
 * invoiceSums in ./ledger.ts; tests/integration/billing-portal-queries compares them.
 */
function ledgerSums(db: Executor) {
  return db
    .select({
      charged: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} in ('charge', 'adjustment')), 0)::int`.as('charged'),
      paid: sql<number>`coalesce(-sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} in ('payment', 'refund')), 0)::int`.as('paid'),
      due: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int`.as('due'),
    })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.tenantId, invoices.tenantId), eq(ledgerEntries.invoiceId, invoices.id)))
    .as('sums');
}

/** The summary columns with the ledger's sums and the clinic's zone (for its today), for a list query. */
function listColumns(sums: ReturnType<typeof ledgerSums>, tenantId: string | Placeholder) {
  return { ...summaryColumns, charged: sums.charged, paid: sums.paid, due: sums.due, timeZone: clinicTimeZoneColumn(tenantId) };
}

/** Labels and `overdue`; `timeZone` is the clinic's (clinicTimeZone), read with the rows. */
function summarise<R extends SummaryRow & { timeZone: string }>(rows: R[]): (Omit<R, 'timeZone'> & InvoiceSummary)[] {
  if (rows.length === 0) return [];
  // Due dates are calendar dates in the clinic's zone (clinicToday).
  const today = zonedDate(now(), rows[0]!.timeZone);
  return rows.map(({ timeZone: _zone, ...r }) => {
    const unsettled = r.status === 'open' || r.status === 'partially_paid';
    return {
      ...r,
      label: invoiceLabel(r.number),
      statusLabel: INVOICE_STATUS_LABELS[r.status],
      overdue: unsettled && r.due > 0 && r.dueDate !== null && r.dueDate < today,
    };
  });
}

/** Settled in the portal's sense: not open, or open with nothing left to pay (the pay page's rule too). */
function isClosedForPortal(i: Pick<InvoiceSummary, 'status' | 'due'>): boolean {
  return !((i.status === 'open' || i.status === 'partially_paid') && i.due > 0);
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
  const [result, settings] = await Promise.all([
    patientInvoices(db, ctx.tenant.id, patientId),
    getBillingSettings(db, ctx.tenant.id),
  ]);
  // The chart's Billing tab (its cards and payments are read beside this, on the same page).
  await auditChartSection(db, ctx, patientId, 'billing');
  return { invoices: result.invoices, balance: result.balance, currency: settings.currency };
}

/** The patient's balance (the sum of their whole ledger) as a column: one InitPlan, whatever the rows. */
function balanceColumn(tenantId: string | Placeholder, patientId: string | Placeholder) {
  return sql<number>`(select coalesce(sum(le.amount), 0)::int from ledger_entries le where le.tenant_id = ${tenantId} and le.patient_id = ${patientId})`;
}

/**
 * A patient's invoices (drafts too), newest first (up to 500), with their sums, and the patient's
 * balance, in one statement; a second one only for the balance when there is no invoice to carry it.
 */
async function patientInvoices(db: Executor, tenantId: string, patientId: string) {
  const sums = ledgerSums(db);
  const rows = await db
    .select({ ...listColumns(sums, tenantId), balance: balanceColumn(tenantId, patientId) })
    .from(invoices)
    .leftJoinLateral(sums, sql`true`)
    .where(and(eq(invoices.tenantId, tenantId), eq(invoices.patientId, patientId)))
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(500);
  const balance = rows[0]?.balance ?? (await patientBalance(db, tenantId, patientId));
  return { invoices: summarise(rows.map(({ balance: _balance, ...r }) => r)), balance };
}

/**
 * Every invoice the portal counts as open, and the latest `limit` it counts as settled (an open
 * invoice with nothing due among them); `moreClosed` when some are left out.
 */
function latestClosed<I extends Pick<InvoiceSummary, 'status' | 'due'>>(list: I[], limit: number): { invoices: I[]; moreClosed: boolean } {
  const closed = list.filter(isClosedForPortal);
  const shown = new Set(closed.slice(0, limit));
  return { invoices: list.filter((i) => !isClosedForPortal(i) || shown.has(i)), moreClosed: closed.length > limit };
}
export type PatientInvoices = Awaited<ReturnType<typeof listPatientInvoices>>;

export const CLINIC_INVOICES_PAGE_SIZE = 50;

/** /emr/billing: the clinic's invoices, optionally of one status, newest first, 50 a page. */
export async function listClinicInvoices(db: Executor, ctx: StaffContext, query: { status?: InvoiceStatus; page?: number }) {
  assertPermission(ctx, 'billing.view');
  const page = Number.isSafeInteger(query.page) && query.page! > 0 ? query.page! : 1;
  const sums = ledgerSums(db);
  const rows = await db
    .select({ ...listColumns(sums, ctx.tenant.id), patientId: invoices.patientId, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
    .from(invoices)
    .innerJoin(patients, and(eq(patients.tenantId, invoices.tenantId), eq(patients.id, invoices.patientId)))
    .leftJoinLateral(sums, sql`true`)
    .where(and(eq(invoices.tenantId, ctx.tenant.id), query.status ? eq(invoices.status, query.status) : undefined))
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .limit(CLINIC_INVOICES_PAGE_SIZE + 1)
    .offset((page - 1) * CLINIC_INVOICES_PAGE_SIZE);
  const hasMore = rows.length > CLINIC_INVOICES_PAGE_SIZE;
  const list = summarise(rows.slice(0, CLINIC_INVOICES_PAGE_SIZE));
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

/**
 * One invoice for staff (billing.view), with what may be done to it; the view is audited, as a
 * download when it is read for its PDF (`as: 'pdf'`, which a draft does not have: not-found).
 */
export async function getInvoice(db: Executor, ctx: StaffContext, invoiceId: string, options: { as?: 'page' | 'pdf' } = {}) {
  assertPermission(ctx, 'billing.view');
  const invoice = await loadInvoice(db, ctx.tenant.id, invoiceId, undefined);
  if (!invoice || (options.as === 'pdf' && invoice.status === 'draft')) throw new NotFoundError('invoice');
  await recordAudit(db, ctx, {
    action: options.as === 'pdf' ? BillingAuditActions.invoiceDownloaded : BillingAuditActions.invoiceViewed,
    patientId: invoice.patientId, target: { type: 'invoice', id: invoice.id },
    details: { area: 'emr', number: invoice.number },
  });
  return { ...invoice, refusals: refusals(invoice.status, invoice.sums) };
}
export type InvoiceDetail = Awaited<ReturnType<typeof getInvoice>>;

/**
 * The portal's list, prepared once: the invoices to show are picked first — every open one (up to
 * 500) and the latest `closedLimit` others, each branch a backward walk of the patient's
 * (tenant, patient, created_at) index that stops at its limit — and only those are summed. A
 * patient with thousands of paid invoices costs what one with twenty does, bar the balance (the
 * sum of their whole ledger, an InitPlan run once).
 */
const portalInvoicesQuery = preparedQuery((db) => {
  const tenantId = sql.placeholder('tenantId');
  const patientId = sql.placeholder('patientId');
  const sums = ledgerSums(db);
  return db
    .select({
      ...listColumns(sums, tenantId),
      balance: balanceColumn(tenantId, patientId),
    })
    .from(invoices)
    .leftJoinLateral(sums, sql`true`)
    .where(and(eq(invoices.tenantId, tenantId), sql`${invoices.id} in (
      (select i.id from invoices i where i.tenant_id = ${tenantId} and i.patient_id = ${patientId} and i.status in ('open', 'partially_paid')
        order by i.created_at desc, i.id desc limit 500)
      union all
      (select i.id from invoices i where i.tenant_id = ${tenantId} and i.patient_id = ${patientId} and i.status not in ('draft', 'open', 'partially_paid')
        order by i.created_at desc, i.id desc limit ${sql.placeholder('closedLimit')})
    )`))
    .orderBy(desc(invoices.createdAt), desc(invoices.id))
    .prepare('portal_invoices');
});

/** The clinic's billing options, once the portal may show billing to this account for this patient. */
async function requirePortalBilling(db: Executor, ctx: PortalContext) {
  const [, settings] = await Promise.all([assertPortalArea(db, ctx, 'billing'), getBillingSettings(db, ctx.tenant.id)]);
  if (!(settings.paymentsEnabled && settings.portalBillingVisible)) throw new NotFoundError('billing');
  return settings;
}

/** How many paid and closed invoices, and payments, the portal's Billing page lists (the statement has the rest). */
export const PORTAL_BILLING_LIST_LIMIT = 20;

/**
 * The portal's Billing page: the selected patient's sent invoices, newest first (every open one,
 * and the latest PORTAL_BILLING_LIST_LIMIT paid or closed: `moreClosed` says some are left out),
 * and their balance.
 */
export async function listPortalInvoices(db: Executor, ctx: PortalContext) {
  const settings = await requirePortalBilling(db, ctx);
  const tenantId = ctx.tenant.id;
  const patientId = ctx.patient.id;
  // +1: to know whether more are left out.
  const rows = await portalInvoicesQuery(db).execute({ tenantId, patientId, closedLimit: PORTAL_BILLING_LIST_LIMIT + 1 });
  const balance = rows[0]?.balance ?? (await patientBalance(db, tenantId, patientId));
  return { ...latestClosed(summarise(rows.map(({ balance: _balance, ...r }) => r)), PORTAL_BILLING_LIST_LIMIT), balance, currency: settings.currency };
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
