import 'server-only';
import { and, asc, desc, eq, gte, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '@/db/client';
import {
  accessLevels, coupons, formAssignments, invoices, orderLines, orderNotes, orderRequirements, orders, orderStatusHistory, patients, paymentAllocations,
  payments, portalAccounts, products, refunds, shipments, staffUsers, type OrderStatus, type ProductStatus, type ShipmentStatus,
} from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { invoiceLabel, receiptLabel } from '@/lib/billing/numbering';
import { clinicTimeZone, clinicTimeZoneColumn } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { auditChartSection } from '@/lib/patients/chart-audit';
import { addDays, zonedInstant } from '@/lib/scheduling/zoned-time';
import { CommerceAuditActions } from './audit-actions';
import { ORDER_REVIEW_WAIT_DAYS, type OrderListQuery, type OrderView } from './order-forms';
import { ORDER_STATUS_LABELS, ORDER_TRANSITIONS } from './order-status';
import { getCommerceSettings, orderLabel } from './settings';
import { trackingUrl } from './tracking';

/**
 * Orders for staff (issue 17 point 5), reads: the clinic's list with its filters and the "Needs
 * attention" buckets, one order with everything the EMR shows, and the choices its forms offer.
 * orders.view; another clinic's order answers not-found. The changes are in order-changes.ts.
 */

export const ORDER_PAGE_SIZE = 25;

/**
 * The "Needs attention" buckets as conditions on `orders`: a failed payment, requirements past
 * their due date, a shipment the carrier reported a problem with (on an order still on its way),
 * and an order waiting for a clinician's review longer than ORDER_REVIEW_WAIT_DAYS since it got there.
 */
function attentionConditions(at: Date): Record<Exclude<OrderView, 'all' | 'attention'>, SQL> {
  // Raw SQL binds no Date: the instants go as ISO text, cast. Subqueries name the outer row as
  // `orders.` in words: drizzle drops the table from a column in a one-table select's fields.
  const atText = sql`${at.toISOString()}::timestamptz`;
  const reviewSince = sql`${new Date(at.getTime() - ORDER_REVIEW_WAIT_DAYS * 86_400_000).toISOString()}::timestamptz`;
  return {
    failed_payment: sql`${orders.status} = 'awaiting_payment'`,
    // The same rule as requirements.ts's overdueRequirementOrders, as a condition the list can page and count.
    requirements_overdue: sql`(${orders.status} = 'awaiting_requirements' and ${orders.requirementsDueAt} < ${atText})`,
    shipment_exception: sql`(${orders.status} in ('awaiting_fulfilment', 'shipped') and exists (
      select 1 from ${shipments} s where s.tenant_id = orders.tenant_id and s.order_id = orders.id and s.status = 'exception'))`,
    review_waiting: sql`(${orders.status} = 'awaiting_review' and ${orders.statusSince} < ${reviewSince})`,
  };
}

/**
 * The statuses each bucket starts from. Every bucket's condition opens with its own statuses, and
 * no status is in two buckets, so an order is in one bucket at most: "Needs attention" is their
 * union and its count their sum. The list names the statuses on their own as well, so that
 * PostgreSQL reads the orders through (tenant, status, created_at) instead of all the clinic's.
 */
const BUCKET_STATUSES: Record<Exclude<OrderView, 'all' | 'attention'>, readonly OrderStatus[]> = {
  failed_payment: ['awaiting_payment'],
  requirements_overdue: ['awaiting_requirements'],
  shipment_exception: ['awaiting_fulfilment', 'shipped'],
  review_waiting: ['awaiting_review'],
};
const ATTENTION_STATUSES = Object.values(BUCKET_STATUSES).flat();

function viewCondition(view: OrderView, at: Date): SQL | undefined {
  if (view === 'all') return undefined;
  const buckets = attentionConditions(at);
  return view === 'attention'
    ? and(inArray(orders.status, ATTENTION_STATUSES), sql`(${sql.join(Object.values(buckets), sql` or `)})`)
    : and(inArray(orders.status, BUCKET_STATUSES[view]), buckets[view]);
}

export interface OrderListRow {
  id: string;
  number: number;
  label: string;
  status: OrderStatus;
  statusLabel: string;
  createdAt: Date;
  total: number;
  currency: string;
  patient: { id: string; firstName: string; lastName: string; recordNumber: string };
  assignedStaff: { id: string; fullName: string } | null;
  assignedTeam: string | null;
  requirements: { done: number; total: number };
  /** The newest shipment's status, or null before the order ships. */
  shipmentStatus: ShipmentStatus | null;
}

/** The list's columns for any set of orders (the clinic's list and a patient's chart tab). */
function listColumns() {
  return {
    id: orders.id, number: orders.number, status: orders.status, createdAt: orders.createdAt, total: orders.total, currency: orders.currency,
    patientId: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber,
    staffId: staffUsers.id, staffName: staffUsers.fullName, assignedTeam: orders.assignedTeam,
    requirementsDone: sql<number>`(select count(*) filter (where r.completed_at is not null) from ${orderRequirements} r where r.tenant_id = orders.tenant_id and r.order_id = orders.id)::int`,
    requirementsTotal: sql<number>`(select count(*) from ${orderRequirements} r where r.tenant_id = orders.tenant_id and r.order_id = orders.id)::int`,
    shipmentStatus: sql<ShipmentStatus | null>`(select s.status from ${shipments} s where s.tenant_id = orders.tenant_id and s.order_id = orders.id order by s.created_at desc, s.id desc limit 1)`,
  };
}

interface RawListRow {
  id: string; number: number; status: OrderStatus; createdAt: Date; total: number; currency: string;
  patientId: string; firstName: string; lastName: string; recordNumber: string;
  staffId: string | null; staffName: string | null; assignedTeam: string | null;
  requirementsDone: number; requirementsTotal: number; shipmentStatus: ShipmentStatus | null;
}

function toListRow(row: RawListRow): OrderListRow {
  return {
    id: row.id, number: row.number, label: orderLabel(row.number), status: row.status, statusLabel: ORDER_STATUS_LABELS[row.status], createdAt: row.createdAt,
    total: row.total, currency: row.currency,
    patient: { id: row.patientId, firstName: row.firstName, lastName: row.lastName, recordNumber: row.recordNumber },
    assignedStaff: row.staffId ? { id: row.staffId, fullName: row.staffName ?? '' } : null,
    assignedTeam: row.assignedTeam,
    requirements: { done: row.requirementsDone, total: row.requirementsTotal },
    shipmentStatus: row.shipmentStatus,
  };
}

/** The clinic's orders that meet `conditions`, as list rows (the clinic is always the first condition). */
function listQuery(db: Executor, tenantId: string, conditions: (SQL | undefined)[]) {
  return db.select(listColumns()).from(orders)
    .innerJoin(patients, and(eq(patients.tenantId, orders.tenantId), eq(patients.id, orders.patientId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, orders.tenantId), eq(staffUsers.id, orders.assignedStaffId)))
    .where(and(eq(orders.tenantId, tenantId), ...conditions));
}

export type OrderCounts = Record<OrderView, number>;

/**
 * /emr/orders: one page of the clinic's orders, newest first, narrowed by the view and the
 * filters, and how many orders each view holds (the tabs' counts, over all the clinic's orders).
 */
export async function listClinicOrders(
  db: Executor, ctx: StaffContext, query: OrderListQuery,
): Promise<{
  rows: OrderListRow[]; page: number; hasMore: boolean; counts: OrderCounts;
  /** The clinic's (clinicTimeZone), for the times shown. */
  timeZone: string;
  /** What orderFilterOptions answers, read with the counts. */
  filterOptions: OrderFilterOptions;
}> {
  assertPermission(ctx, 'orders.view');
  const at = now();
  const tenantId = ctx.tenant.id;
  const filters: (SQL | undefined)[] = [viewCondition(query.view, at)];
  if (query.status) filters.push(eq(orders.status, query.status));
  const a = query.assignee;
  if (a?.kind === 'me') filters.push(eq(orders.assignedStaffId, ctx.actor.id));
  if (a?.kind === 'staff') filters.push(eq(orders.assignedStaffId, a.id));
  if (a?.kind === 'team') filters.push(eq(orders.assignedTeam, a.name));
  if (a?.kind === 'none') filters.push(isNull(orders.assignedStaffId), isNull(orders.assignedTeam));
  if (query.productId) {
    filters.push(sql`exists (select 1 from ${orderLines} l where l.tenant_id = orders.tenant_id and l.order_id = orders.id and l.product_id = ${query.productId})`);
  }
  if (query.from || query.to) {
    // Days of the clinic's calendar: from its midnight to the next one after `to`.
    const zone = await clinicTimeZone(db, tenantId);
    if (query.from) filters.push(gte(orders.createdAt, zonedInstant(query.from, '00:00', zone)));
    if (query.to) filters.push(lt(orders.createdAt, zonedInstant(addDays(query.to, 1), '00:00', zone)));
  }
  // The page's orders are picked on `orders` alone, then joined to their patients and staff: as
  // one query, fresh statistics led PostgreSQL to join all the clinic's patients by hash (300,000
  // rows read for 26; ~1 s a request under load at 40,000 orders).
  const page = db.select({ tenantId: orders.tenantId, id: orders.id }).from(orders)
    .where(and(eq(orders.tenantId, tenantId), ...filters))
    .orderBy(desc(orders.createdAt), desc(orders.id)).limit(ORDER_PAGE_SIZE + 1).offset((query.page - 1) * ORDER_PAGE_SIZE);
  const [rows, { timeZone, counts, filters: filterOptions }] = await Promise.all([
    listQuery(db, tenantId, [sql`(${orders.tenantId}, ${orders.id}) in (${page})`]).orderBy(desc(orders.createdAt), desc(orders.id)),
    orderCounts(db, tenantId, at),
  ]);
  return { rows: rows.slice(0, ORDER_PAGE_SIZE).map(toListRow), page: query.page, hasMore: rows.length > ORDER_PAGE_SIZE, counts, timeZone, filterOptions };
}

/**
 * The tabs' counts, the clinic's zone and the filters' choices in one statement: each bucket counted from its own statuses' orders (an index
 * range each), never by testing every order of the clinic against every bucket — that form cost
 * hundreds of milliseconds at 20,000 orders (its estimate, a correlated probe per order, also
 * passed PostgreSQL's JIT threshold: ~70 ms of compiling per request).
 */
async function orderCounts(db: Executor, tenantId: string, at: Date): Promise<{ timeZone: string; counts: OrderCounts; filters: OrderFilterOptions }> {
  const buckets = attentionConditions(at);
  const count = (view: Exclude<OrderView, 'all' | 'attention'>) => sql<number>`(select count(*) from ${orders}
    where orders.tenant_id = ${tenantId} and ${inArray(orders.status, BUCKET_STATUSES[view])} and ${buckets[view]})::int`;
  const [row] = await db.select({
    ...filterOptionColumns(tenantId),
    timeZone: clinicTimeZoneColumn(tenantId),
    all: sql<number>`(select count(*) from ${orders} where orders.tenant_id = ${tenantId})::int`,
    failed_payment: count('failed_payment'),
    requirements_overdue: count('requirements_overdue'),
    shipment_exception: count('shipment_exception'),
    review_waiting: count('review_waiting'),
  }).from(sql`(select 1) as one`);
  const { staff, products: productList, teams, timeZone, all, ...byBucket } = row!;
  return {
    timeZone, filters: await withTeams(db, tenantId, { staff, products: productList, teams }),
    counts: { all, attention: Object.values(byBucket).reduce((n, c) => n + c, 0), ...byBucket },
  };
}

/** A patient's orders for the chart's Orders tab, newest first. */
export async function listPatientOrders(db: Executor, ctx: StaffContext, patientId: string): Promise<OrderListRow[]> {
  assertPermission(ctx, 'orders.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [patient] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  const rows = await listQuery(db, ctx.tenant.id, [eq(orders.patientId, patientId)])
    .orderBy(desc(orders.createdAt), desc(orders.id)).limit(200);
  await auditChartSection(db, ctx, patientId, 'orders');
  return rows.map(toListRow);
}

/** Staff an order can be assigned to: active, with orders access, by name. */
export async function orderAssignees(db: Executor, tenantId: string): Promise<{ id: string; fullName: string }[]> {
  return db.select({ id: staffUsers.id, fullName: staffUsers.fullName }).from(staffUsers)
    .innerJoin(accessLevels, and(eq(accessLevels.tenantId, staffUsers.tenantId), eq(accessLevels.id, staffUsers.accessLevelId)))
    .where(and(eq(staffUsers.tenantId, tenantId), eq(staffUsers.status, 'active'), sql`'orders.view' = any(${accessLevels.permissions})`))
    .orderBy(asc(staffUsers.fullName), asc(staffUsers.id));
}

export interface OrderFilterOptions {
  staff: { id: string; fullName: string }[];
  teams: string[];
  products: { id: string; name: string; status: ProductStatus }[];
}

/**
 * What the list's filters and an order's assignment offer, as columns of one statement: people
 * (orderAssignees' rule), products, and the teams (null before the clinic saved its shop options:
 * then the settings' defaults, through withTeams).
 */
function filterOptionColumns(tenantId: string) {
  return {
    staff: sql<OrderFilterOptions['staff']>`coalesce((
      select json_agg(json_build_object('id', s.id, 'fullName', s.full_name) order by s.full_name, s.id)
      from ${staffUsers} s join ${accessLevels} a on a.tenant_id = s.tenant_id and a.id = s.access_level_id
      where s.tenant_id = ${tenantId} and s.status = 'active' and 'orders.view' = any(a.permissions)), '[]'::json)`,
    products: sql<OrderFilterOptions['products']>`coalesce((
      select json_agg(json_build_object('id', p.id, 'name', p.name, 'status', p.status) order by p.status, p.position, p.name)
      from ${products} p where p.tenant_id = ${tenantId}), '[]'::json)`,
    teams: sql<string[] | null>`(select cs.teams from commerce_settings cs where cs.tenant_id = ${tenantId})`,
  };
}

async function withTeams(db: Executor, tenantId: string, row: { staff: OrderFilterOptions['staff']; products: OrderFilterOptions['products']; teams: string[] | null }): Promise<OrderFilterOptions> {
  return { staff: row.staff, products: row.products, teams: row.teams ?? (await getCommerceSettings(db, tenantId)).teams };
}

/** What the list's filters and an order's assignment offer: people, teams, products, in one statement. */
export async function orderFilterOptions(db: Executor, ctx: StaffContext): Promise<OrderFilterOptions> {
  assertPermission(ctx, 'orders.view');
  const [row] = await db.select(filterOptionColumns(ctx.tenant.id)).from(sql`(select 1) as one`);
  return withTeams(db, ctx.tenant.id, row!);
}

/**
 * The moves staff make by hand from a status: the state machine's, less those that belong to a
 * dedicated action: payment moves an order to processing (billing), cancelling and refunding have
 * their own forms (the coupon, the money), and an order ships when a tracking number is added.
 */
const DEDICATED_MOVES: readonly OrderStatus[] = ['awaiting_payment', 'processing', 'cancelled', 'refunded', 'shipped'];
export function manualOrderMoves(from: OrderStatus): OrderStatus[] {
  return ORDER_TRANSITIONS[from].filter((to) => !DEDICATED_MOVES.includes(to));
}

/** One order as the EMR shows it; the view is audited (ids and numbers only). */
export async function getOrderForStaff(db: Executor, ctx: StaffContext, orderId: string) {
  assertPermission(ctx, 'orders.view');
  if (!isUuid(orderId)) throw new NotFoundError('order');
  const tenantId = ctx.tenant.id;
  const [row] = await db.select({
    order: orders,
    patient: { id: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber, dateOfBirth: patients.dateOfBirth },
    couponCode: coupons.code,
    invoice: { id: invoices.id, number: invoices.number, status: invoices.status },
    staffName: staffUsers.fullName,
  }).from(orders)
    .innerJoin(patients, and(eq(patients.tenantId, orders.tenantId), eq(patients.id, orders.patientId)))
    .leftJoin(coupons, and(eq(coupons.tenantId, orders.tenantId), eq(coupons.id, orders.couponId)))
    .leftJoin(invoices, and(eq(invoices.tenantId, orders.tenantId), eq(invoices.id, orders.invoiceId)))
    .leftJoin(staffUsers, and(eq(staffUsers.tenantId, orders.tenantId), eq(staffUsers.id, orders.assignedStaffId)))
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)));
  if (!row) throw new NotFoundError('order');
  const o = row.order;
  const byOrder = (t: { tenantId: AnyPgColumn; orderId: AnyPgColumn }) => and(eq(t.tenantId, tenantId), eq(t.orderId, o.id));

  const [lines, history, notes, requirements, shipmentRows, paid] = await Promise.all([
    db.select({
      id: orderLines.id, description: orderLines.description, quantity: orderLines.quantity, unitAmount: orderLines.unitAmount, discountAmount: orderLines.discountAmount,
      taxAmount: orderLines.taxAmount, total: orderLines.total, phasePosition: orderLines.phasePosition, cycleNumber: orderLines.cycleNumber, productId: orderLines.productId,
    }).from(orderLines).where(byOrder(orderLines)).orderBy(asc(orderLines.position)),
    db.select({
      id: orderStatusHistory.id, fromStatus: orderStatusHistory.fromStatus, toStatus: orderStatusHistory.toStatus, actorKind: orderStatusHistory.actorKind,
      note: orderStatusHistory.note, occurredAt: orderStatusHistory.occurredAt, staffName: staffUsers.fullName, accountName: portalAccounts.fullName,
    }).from(orderStatusHistory)
      .leftJoin(staffUsers, and(eq(orderStatusHistory.actorKind, 'staff'), eq(staffUsers.tenantId, orderStatusHistory.tenantId), eq(staffUsers.id, orderStatusHistory.actorId)))
      .leftJoin(portalAccounts, and(eq(orderStatusHistory.actorKind, 'patient'), eq(portalAccounts.tenantId, orderStatusHistory.tenantId), eq(portalAccounts.id, orderStatusHistory.actorId)))
      // The creation row first when moves share its instant (it has no `from`).
      .where(byOrder(orderStatusHistory)).orderBy(asc(orderStatusHistory.occurredAt), sql`${orderStatusHistory.fromStatus} is not null`, asc(orderStatusHistory.id)),
    db.select({ id: orderNotes.id, body: orderNotes.body, createdAt: orderNotes.createdAt, staffName: staffUsers.fullName }).from(orderNotes)
      .leftJoin(staffUsers, and(eq(staffUsers.tenantId, orderNotes.tenantId), eq(staffUsers.id, orderNotes.staffId)))
      .where(byOrder(orderNotes)).orderBy(desc(orderNotes.createdAt), desc(orderNotes.id)),
    db.select({
      id: orderRequirements.id, kind: orderRequirements.kind, label: orderRequirements.label, completedAt: orderRequirements.completedAt,
      formAssignmentId: orderRequirements.formAssignmentId, assignmentStatus: formAssignments.status, documentId: orderRequirements.documentId,
    }).from(orderRequirements)
      .leftJoin(formAssignments, and(eq(formAssignments.tenantId, orderRequirements.tenantId), eq(formAssignments.id, orderRequirements.formAssignmentId)))
      .where(byOrder(orderRequirements)).orderBy(asc(orderRequirements.createdAt), asc(orderRequirements.id)),
    db.select().from(shipments).where(byOrder(shipments)).orderBy(asc(shipments.createdAt), asc(shipments.id)),
    // Payments are money: shown to staff who may see billing.
    o.invoiceId && hasPermission(ctx, 'billing.view') ? orderPayments(db, tenantId, o.invoiceId) : Promise.resolve(null),
  ]);

  await recordAudit(db, ctx, {
    action: CommerceAuditActions.orderViewed, patientId: o.patientId, target: { type: 'order', id: o.id }, details: { area: 'emr', number: o.number },
  });
  return {
    id: o.id, number: o.number, label: orderLabel(o.number), kind: o.kind, status: o.status, statusLabel: ORDER_STATUS_LABELS[o.status],
    patient: row.patient, accountId: o.accountId, subscriptionId: o.subscriptionId,
    currency: o.currency, subtotal: o.subtotal, discountTotal: o.discountTotal, taxTotal: o.taxTotal, total: o.total, couponCode: row.couponCode,
    invoice: row.invoice?.id ? { id: row.invoice.id, label: invoiceLabel(row.invoice.number), status: row.invoice.status } : null,
    shipTo: o.shipLine1 ? { name: o.shipName, line1: o.shipLine1, line2: o.shipLine2, city: o.shipCity, region: o.shipRegion, postalCode: o.shipPostalCode, country: o.shipCountry } : null,
    assignedStaff: o.assignedStaffId ? { id: o.assignedStaffId, fullName: row.staffName ?? '' } : null,
    assignedTeam: o.assignedTeam,
    requirementsDueAt: o.requirementsDueAt, paidAt: o.paidAt, cancelReason: o.cancelReason, closedAt: o.closedAt, createdAt: o.createdAt,
    lines,
    history: history.map((h) => ({
      id: h.id, from: h.fromStatus, to: h.toStatus, note: h.note, occurredAt: h.occurredAt,
      actor: h.actorKind === 'staff' ? (h.staffName ?? 'A staff member') : h.actorKind === 'patient' ? `Patient portal${h.accountName ? ` (${h.accountName})` : ''}` : 'System',
    })),
    notes,
    requirements: requirements.map((r) => ({ ...r, done: r.completedAt !== null })),
    shipments: shipmentRows.map((s) => ({
      id: s.id, carrier: s.carrier, trackingNumber: s.trackingNumber, trackingUrl: trackingUrl(s.carrier, s.trackingNumber), status: s.status,
      exceptionNote: s.exceptionNote, shippedAt: s.shippedAt, deliveredAt: s.deliveredAt, createdAt: s.createdAt,
    })),
    payments: paid,
    moves: manualOrderMoves(o.status),
  };
}
export type StaffOrderDetail = Awaited<ReturnType<typeof getOrderForStaff>>;

export interface OrderPayment {
  id: string;
  status: string;
  method: string;
  amount: number;
  /** The part of the payment that paid this order's invoice. */
  allocated: number;
  refunded: number;
  refundPending: number;
  /** How many invoices the payment paid (a desk payment can pay several). */
  invoiceCount: number;
  currency: string;
  cardBrand: string | null;
  cardLast4: string | null;
  receiptLabel: string | null;
  failureMessage: string | null;
  at: Date;
}

/** The payments of an order's invoice (every attempt: a failed one is why an order waits), newest first. */
export async function orderPayments(db: Executor, tenantId: string, invoiceId: string): Promise<OrderPayment[]> {
  const rows = await db.select({
    id: payments.id, status: payments.status, method: payments.method, amount: payments.amount, allocated: paymentAllocations.amount, currency: payments.currency,
    cardBrand: payments.cardBrand, cardLast4: payments.cardLast4, receiptNumber: payments.receiptNumber, failureMessage: payments.failureMessage,
    succeededAt: payments.succeededAt, createdAt: payments.createdAt,
    refunded: sql<number>`(select coalesce(sum(r.amount), 0) from ${refunds} r where r.tenant_id = payments.tenant_id and r.payment_id = payments.id and r.status = 'succeeded')::int`,
    refundPending: sql<number>`(select coalesce(sum(r.amount), 0) from ${refunds} r where r.tenant_id = payments.tenant_id and r.payment_id = payments.id and r.status = 'pending')::int`,
    invoiceCount: sql<number>`(select count(*) from ${paymentAllocations} a where a.tenant_id = payments.tenant_id and a.payment_id = payments.id)::int`,
  }).from(paymentAllocations)
    .innerJoin(payments, and(eq(payments.tenantId, paymentAllocations.tenantId), eq(payments.id, paymentAllocations.paymentId)))
    .where(and(eq(paymentAllocations.tenantId, tenantId), eq(paymentAllocations.invoiceId, invoiceId)))
    .orderBy(desc(payments.createdAt), desc(payments.id));
  return rows.map((p) => ({
    id: p.id, status: p.status, method: p.method, amount: p.amount, allocated: p.allocated, refunded: p.refunded, refundPending: p.refundPending, invoiceCount: p.invoiceCount, currency: p.currency,
    cardBrand: p.cardBrand, cardLast4: p.cardLast4, receiptLabel: p.receiptNumber ? receiptLabel(p.receiptNumber) : null, failureMessage: p.failureMessage,
    at: p.succeededAt ?? p.createdAt,
  }));
}
