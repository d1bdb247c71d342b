import 'server-only';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '@/db/client';
import { invoiceLines, invoices, locations, patients, services, type Invoice } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit, recordAudits } from '@/lib/audit/record-audit';
import { clinicToday } from '@/lib/clinic-forms/reminders';
import { now } from '@/lib/clock';
import { eventActorOf, recordEvent, recordEvents } from '@/lib/engagement/events';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { hasControlCharacters } from '@/lib/validation/text';
import { enqueueBillingNotice } from '@/lib/notifications/billing-notifications';
import { addDays } from '@/lib/scheduling/zoned-time';
import { BillingAuditActions } from './audit-actions';
import { INVOICE_LIMITS, INVOICE_LINE_KINDS, isCalendarDate, type InvoiceDraftInput, type InvoiceLineInput } from './invoice-forms';
import { invoiceChangeRefusal, type InvoiceChange } from './invoice-status';
import { heldByUnsettledPayments, invoiceSums, postLedgerEntries, refreshInvoiceStatuses } from './ledger';
import { formatMoney, invoiceTotals, lineAmounts, MoneyError } from './money';
import { invoiceLabel, takeBillingNumber } from './numbering';
import { getBillingSettings, portalBillingEnabled } from './settings';

/**
 * Invoices made and changed by staff (issue 16 points 1 and 6). A draft's lines and totals change
 * freely; sending it ("open") numbers it, dates it in the clinic's calendar and posts its total to
 * the ledger as one charge. After that nothing on the invoice changes but through the ledger:
 * payments (lib/billing/payments.ts), credits and extra charges (postAdjustment), a void or a
 * write-off, and its status follows the sums (refreshInvoiceStatuses). Everything needs
 * `billing.manage`; another clinic's invoice, patient, service or location answers not-found.
 * Audit entries carry ids, numbers and amounts, never a line's description or a note.
 */

export type InvoiceRuleCode =
  | 'invoice-state'
  | 'invalid-input'
  | 'currency-changed'
  | 'due-date-past'
  | 'payment-in-progress'
  | 'nothing-owed'
  | 'credit-too-large'
  | 'visit-not-completed'
  | 'visit-not-missed'
  | 'visit-no-price'
  | 'visit-currency'
  | 'visit-already-invoiced';

/** An invoice change refused by a billing rule, in words for staff. */
export class InvoiceRuleError extends RuleError {
  constructor(code: InvoiceRuleCode, message: string, fieldErrors?: Record<string, string>, extra?: Record<string, unknown>) {
    super(code, message, fieldErrors, extra);
    this.name = 'InvoiceRuleError';
  }
}

/** The invoice, locked for the change; another clinic's or a malformed id is not-found. */
export async function lockInvoice(tx: Executor, ctx: StaffContext, invoiceId: string): Promise<Invoice> {
  if (!isUuid(invoiceId)) throw new NotFoundError('invoice');
  const [invoice] = await tx.select().from(invoices).where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, invoiceId))).for('update');
  if (!invoice) throw new NotFoundError('invoice');
  return invoice;
}

function refuse(status: Invoice['status'], change: InvoiceChange, sums?: Parameters<typeof invoiceChangeRefusal>[2]) {
  const refusal = invoiceChangeRefusal(status, change, sums);
  if (refusal) throw new InvoiceRuleError('invoice-state', refusal);
}

async function requirePatient(tx: Executor, ctx: StaffContext, patientId: string) {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await tx.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
}

const linesError = (message: string) => new InvoiceRuleError('invalid-input', 'The invoice was not saved.', { lines: message });

/**
 * The draft's lines with their amounts, checked as the form checks them (lib/ is also called
 * directly) and against the clinic's services, location and currency.
 */
async function checkedDraft(tx: Executor, ctx: StaffContext, input: InvoiceDraftInput, currency: string) {
  if (input.currency !== undefined && input.currency !== currency) {
    throw new InvoiceRuleError('currency-changed', `The clinic now bills in ${currency}. Reload the page and enter the amounts again.`);
  }
  if (input.lines.length === 0) throw linesError('Add at least one line with a description and a price.');
  if (input.lines.length > INVOICE_LIMITS.lines) throw linesError(`An invoice can have at most ${INVOICE_LIMITS.lines} lines.`);
  const lines = input.lines.map((line, i) => ({ ...checkedLine(line, i + 1), input: line }));
  const totals = invoiceTotals(lines.map((l) => l.amounts));
  if (totals.total > INVOICE_LIMITS.amount) throw linesError('The invoice comes to more than one invoice can hold. Split it into two.');

  const serviceIds = [...new Set(input.lines.map((l) => l.serviceId).filter((id): id is string => id !== null))];
  if (serviceIds.length > 0) {
    const found = await tx.select({ id: services.id }).from(services).where(and(eq(services.tenantId, ctx.tenant.id), inArray(services.id, serviceIds)));
    if (found.length !== serviceIds.length) throw linesError('A line names a service the clinic does not have. Choose the service from the list.');
  }
  const locationId = input.locationId ?? null;
  if (locationId !== null) {
    const [found] = isUuid(locationId)
      ? await tx.select({ id: locations.id }).from(locations).where(and(eq(locations.tenantId, ctx.tenant.id), eq(locations.id, locationId)))
      : [];
    if (!found) throw new InvoiceRuleError('invalid-input', 'The invoice was not saved.', { locationId: 'Choose a location from the list.' });
  }
  const dueDate = input.dueDate ?? null;
  if (dueDate !== null && !isCalendarDate(dueDate)) throw new InvoiceRuleError('invalid-input', 'The invoice was not saved.', { dueDate: 'Enter the due date as a date.' });
  const note = input.note?.trim() || null;
  if (note !== null && (note.length > INVOICE_LIMITS.note || hasControlCharacters(note))) {
    throw new InvoiceRuleError('invalid-input', 'The invoice was not saved.', { note: `Keep the note to ${INVOICE_LIMITS.note} characters or fewer, without control characters.` });
  }
  return { lines, totals, locationId, dueDate, note };
}

function checkedLine(line: InvoiceLineInput, n: number) {
  const description = line.description.trim();
  if (!(INVOICE_LINE_KINDS as readonly string[]).includes(line.kind)) throw linesError(`Line ${n}: choose what the line is for from the list.`);
  if (line.serviceId !== null && !isUuid(line.serviceId)) throw linesError(`Line ${n}: choose the service from the list.`);
  if (description.length < 1 || description.length > INVOICE_LIMITS.description || hasControlCharacters(description)) {
    throw linesError(`Line ${n}: enter a description of at most ${INVOICE_LIMITS.description} characters.`);
  }
  if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > INVOICE_LIMITS.quantity) throw linesError(`Line ${n}: enter a quantity from 1 to ${INVOICE_LIMITS.quantity}.`);
  try {
    const amounts = lineAmounts(line);
    if (amounts.total > INVOICE_LIMITS.amount) throw linesError(`Line ${n}: the line comes to more than one invoice can hold.`);
    return { description, amounts };
  } catch (error) {
    if (error instanceof MoneyError) throw linesError(`Line ${n}: ${error.message}.`);
    throw error;
  }
}

type CheckedDraft = Awaited<ReturnType<typeof checkedDraft>>;

async function writeLines(tx: Executor, tenantId: string, invoiceId: string, draft: Pick<CheckedDraft, 'lines'>) {
  await tx.delete(invoiceLines).where(and(eq(invoiceLines.tenantId, tenantId), eq(invoiceLines.invoiceId, invoiceId)));
  await insertLines(tx, tenantId, invoiceId, draft);
}

async function insertLines(tx: Executor, tenantId: string, invoiceId: string, draft: Pick<CheckedDraft, 'lines'>) {
  await tx.insert(invoiceLines).values(draft.lines.map((l, position) => ({
    tenantId, invoiceId, position,
    kind: l.input.kind, serviceId: l.input.serviceId, description: l.description,
    quantity: l.input.quantity, unitAmount: l.input.unitAmount, discountAmount: l.amounts.discountAmount, taxRateBp: l.input.taxRateBp ?? 0,
    subtotal: l.amounts.subtotal, taxAmount: l.amounts.taxAmount, total: l.amounts.total,
  })));
}

export interface NewDraft extends InvoiceDraftInput {
  patientId: string;
  appointmentId?: string | null;
  /** How the draft came to be, for the audit entry. */
  source?: 'staff' | 'visit' | 'no_show';
}

/** Writes a draft in the caller's transaction (createInvoice, and the visit invoices). */
export async function insertDraftInvoice(tx: Executor, ctx: StaffContext, input: NewDraft): Promise<{ id: string; total: number; currency: string }> {
  await requirePatient(tx, ctx, input.patientId);
  const settings = await getBillingSettings(tx, ctx.tenant.id);
  const draft = await checkedDraft(tx, ctx, input, settings.currency);
  const [row] = await tx
    .insert(invoices)
    .values({
      tenantId: ctx.tenant.id, patientId: input.patientId, status: 'draft', currency: settings.currency,
      appointmentId: input.appointmentId ?? null, locationId: draft.locationId, dueDate: draft.dueDate, note: draft.note,
      ...draft.totals, createdById: ctx.actor.id,
    })
    .returning({ id: invoices.id });
  await writeLines(tx, ctx.tenant.id, row!.id, draft);
  await recordAudit(tx, ctx, {
    action: BillingAuditActions.invoiceCreated, patientId: input.patientId, target: { type: 'invoice', id: row!.id },
    details: {
      source: input.source ?? 'staff', lines: draft.lines.length, total: draft.totals.total, currency: settings.currency,
      ...(input.appointmentId ? { appointmentId: input.appointmentId } : {}),
    },
  });
  return { id: row!.id, total: draft.totals.total, currency: settings.currency };
}

export interface IssueInvoiceInput {
  tenantId: string;
  patientId: string;
  lines: InvoiceLineInput[];
  /** Who caused it (ledger and audit): the patient's account at a portal checkout, or the system (a renewal). */
  actor: { kind: 'patient' | 'system'; id?: string | null };
  /** What made it, for the audit entry (ids and numbers only). */
  source: 'checkout' | 'renewal';
  ip?: string | null;
  userAgent?: string | null;
}

/** The unnumbered invoice `issueInvoice` hands to the caller's writes before it takes the number. */
export interface InvoiceBeingIssued {
  id: string;
  total: number;
  currency: string;
}

/**
 * An invoice made and sent at once without staff, in the caller's transaction: a portal checkout
 * or a subscription renewal (lib/commerce) that is charged right after. The lines are checked as
 * a draft's are; it is dated and due today in the clinic's calendar and posts its charge. No "new
 * invoice" notice: the receipt follows the payment. A zero invoice is paid at once
 * (refreshInvoiceStatuses).
 *
 * The number is taken last. Numbers have no gaps, so the clinic's counter (its billing_settings
 * row) stays locked from the number to the caller's commit, and the clinic's other invoices and
 * receipts wait that long: the invoice is written first without a number (a draft no other
 * transaction ever sees), `beforeNumber` runs the caller's writes that need the invoice but not
 * its number (a renewal's order), and only then is it numbered and opened, one statement before
 * the audit entry. A caller that commits next (renewals.ts's makeOrder) holds the counter for
 * those two statements. The counter answers under its lock with the clinic's currency: if that
 * changed since the invoice was written (a first sale racing a currency change), nothing is kept.
 */
export async function issueInvoice(
  tx: Transaction, input: IssueInvoiceInput, beforeNumber?: (invoice: InvoiceBeingIssued) => Promise<void>,
): Promise<{ id: string; number: number; total: number; currency: string; status: Invoice['status'] }> {
  if (input.lines.length === 0 || input.lines.length > INVOICE_LIMITS.lines) throw linesError(`An invoice has 1 to ${INVOICE_LIMITS.lines} lines.`);
  const lines = input.lines.map((line, i) => ({ ...checkedLine(line, i + 1), input: line }));
  const totals = invoiceTotals(lines.map((l) => l.amounts));
  if (totals.total > INVOICE_LIMITS.amount) throw linesError('The invoice comes to more than one invoice can hold. Split it into two.');
  const settings = await getBillingSettings(tx, input.tenantId);
  const today = await clinicToday(tx, input.tenantId);
  const at = now();
  const [row] = await tx.insert(invoices).values({
    tenantId: input.tenantId, patientId: input.patientId, status: 'draft', currency: settings.currency,
    issueDate: today, dueDate: today, openedAt: at, ...totals,
  }).returning({ id: invoices.id });
  const invoiceId = row!.id;
  await insertLines(tx, input.tenantId, invoiceId, { lines });
  if (totals.total > 0) {
    await postLedgerEntries(tx, [{
      tenantId: input.tenantId, patientId: input.patientId, kind: 'charge', amount: totals.total, currency: settings.currency,
      invoiceId, actorKind: input.actor.kind, actorId: input.actor.id ?? null,
    }]);
  }
  // Before the number: the event needs none, and the counter stays locked from the number to the commit.
  await recordEvent(tx, input.tenantId, {
    name: 'invoice.issued', patientId: input.patientId, subject: { invoiceId }, actor: { kind: input.actor.kind, id: input.actor.id ?? null }, at,
  });
  if (beforeNumber) await beforeNumber({ id: invoiceId, total: totals.total, currency: settings.currency });
  const number = await numberIssuedInvoice(tx, input.tenantId, invoiceId);
  // Only a charge is on it: a positive total is simply open (no need to ask the ledger).
  const status = totals.total > 0 ? 'open' : ((await refreshInvoiceStatuses(tx, input.tenantId, [invoiceId]))[0]?.after ?? 'open');
  await recordAudit(tx, {
    tenantId: input.tenantId, actor: { kind: input.actor.kind, id: input.actor.id ?? null }, ip: input.ip ?? null, userAgent: input.userAgent ?? null,
    action: BillingAuditActions.invoiceOpened, patientId: input.patientId, target: { type: 'invoice', id: invoiceId },
    details: { source: input.source, number, lines: lines.length, total: totals.total, currency: settings.currency, issueDate: today, dueDate: today, status },
  });
  return { id: invoiceId, number, total: totals.total, currency: settings.currency, status };
}

/**
 * issueInvoice for many invoices of one clinic (the renewal job's pass): the same rows, events
 * and audit entries in a fixed number of statements. Each must come to more than zero (a zero
 * invoice is paid as made: issueInvoice). `beforeNumber` gets them all before the clinic's
 * counter is taken, once, for all of them (numbered in the order given), then the audit entries.
 */
export async function issueInvoices(
  tx: Transaction, tenantId: string, inputs: readonly Omit<IssueInvoiceInput, 'tenantId'>[], beforeNumber?: (invoices: InvoiceBeingIssued[]) => Promise<void>,
): Promise<{ id: string; number: number; total: number; currency: string; status: 'open' }[]> {
  if (inputs.length === 0) return [];
  const checked = inputs.map((input) => {
    if (input.lines.length === 0 || input.lines.length > INVOICE_LIMITS.lines) throw linesError(`An invoice has 1 to ${INVOICE_LIMITS.lines} lines.`);
    const lines = input.lines.map((line, i) => ({ ...checkedLine(line, i + 1), input: line }));
    const totals = invoiceTotals(lines.map((l) => l.amounts));
    if (totals.total > INVOICE_LIMITS.amount) throw linesError('The invoice comes to more than one invoice can hold. Split it into two.');
    if (totals.total <= 0) throw new Error('issueInvoices: every invoice must come to more than zero');
    return { input, lines, totals };
  });
  const settings = await getBillingSettings(tx, tenantId);
  const today = await clinicToday(tx, tenantId);
  const at = now();
  const currency = settings.currency;
  const rows = await tx.insert(invoices).values(checked.map(({ input, totals }) => ({
    tenantId, patientId: input.patientId, status: 'draft' as const, currency, issueDate: today, dueDate: today, openedAt: at, ...totals,
  }))).returning({ id: invoices.id });
  const made = checked.map((c, i) => ({ ...c, id: rows[i]!.id, actor: { kind: c.input.actor.kind, id: c.input.actor.id ?? null } }));
  await tx.insert(invoiceLines).values(made.flatMap(({ id, lines }) => lines.map((l, position) => ({
    tenantId, invoiceId: id, position,
    kind: l.input.kind, serviceId: l.input.serviceId, description: l.description,
    quantity: l.input.quantity, unitAmount: l.input.unitAmount, discountAmount: l.amounts.discountAmount, taxRateBp: l.input.taxRateBp ?? 0,
    subtotal: l.amounts.subtotal, taxAmount: l.amounts.taxAmount, total: l.amounts.total,
  }))));
  await postLedgerEntries(tx, made.map(({ id, input, totals, actor }) => ({
    tenantId, patientId: input.patientId, kind: 'charge' as const, amount: totals.total, currency, invoiceId: id, actorKind: actor.kind, actorId: actor.id,
  })));
  await recordEvents(tx, made.map(({ id, input, actor }) => ({
    tenantId, input: { name: 'invoice.issued' as const, patientId: input.patientId, subject: { invoiceId: id }, actor, at },
  })));
  if (beforeNumber) await beforeNumber(made.map(({ id, totals }) => ({ id, total: totals.total, currency })));
  const numbers = await numberIssuedInvoices(tx, tenantId, made.map((m) => m.id));
  await recordAudits(tx, made.map(({ id, input, lines, totals, actor }) => ({
    tenantId, actor, ip: input.ip ?? null, userAgent: input.userAgent ?? null,
    action: BillingAuditActions.invoiceOpened, patientId: input.patientId, target: { type: 'invoice', id },
    details: { source: input.source, number: numbers.get(id)!, lines: lines.length, total: totals.total, currency, issueDate: today, dueDate: today, status: 'open' },
  })));
  return made.map(({ id, totals }) => ({ id, number: numbers.get(id)!, total: totals.total, currency, status: 'open' as const }));
}

/** numberIssuedInvoice for many invoices of one clinic: the counter moves once, by their count. */
async function numberIssuedInvoices(tx: Executor, tenantId: string, invoiceIds: readonly string[]): Promise<Map<string, number>> {
  const values = sql.join(invoiceIds.map((id, i) => sql`(${id}::uuid, ${i}::int)`), sql`, `);
  const result = await tx.execute(sql`
    with counter as (
      insert into billing_settings (tenant_id, next_invoice_number) values (${tenantId}, ${invoiceIds.length + 1})
      on conflict (tenant_id) do update set next_invoice_number = billing_settings.next_invoice_number + ${invoiceIds.length}
      returning next_invoice_number - ${invoiceIds.length} as first, currency
    )
    update invoices set number = counter.first + v.position, status = 'open'
    from counter, (values ${values}) as v(id, position)
    where invoices.tenant_id = ${tenantId} and invoices.id = v.id and invoices.status = 'draft' and invoices.currency = counter.currency
    returning invoices.id, invoices.number`);
  const numbered = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: string; number: number }[];
  if (numbered.length !== invoiceIds.length) {
    throw new InvoiceRuleError('currency-changed', 'The clinic’s currency changed while the invoice was being made. Nothing was charged: try again.');
  }
  return new Map(numbered.map((r) => [r.id, Number(r.number)]));
}

/**
 * The clinic's next invoice number (takeBillingNumber's counter, under the same row lock) given
 * to the unnumbered invoice, which opens, in one statement — refused when the clinic's currency
 * is no longer the invoice's.
 */
async function numberIssuedInvoice(tx: Executor, tenantId: string, invoiceId: string): Promise<number> {
  const result = await tx.execute(sql`
    with counter as (
      insert into billing_settings (tenant_id, next_invoice_number) values (${tenantId}, 2)
      on conflict (tenant_id) do update set next_invoice_number = billing_settings.next_invoice_number + 1
      returning next_invoice_number - 1 as number, currency
    )
    update invoices set number = counter.number, status = 'open'
    from counter
    where invoices.tenant_id = ${tenantId} and invoices.id = ${invoiceId} and invoices.status = 'draft' and invoices.currency = counter.currency
    returning invoices.number`);
  const [numbered] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { number: number }[];
  if (!numbered) {
    throw new InvoiceRuleError('currency-changed', 'The clinic’s currency changed while the invoice was being made. Nothing was charged: try again.');
  }
  return Number(numbered.number);
}

/** A new draft invoice for a patient of the clinic, in the clinic's currency. */
export async function createInvoice(db: Executor, ctx: StaffContext, patientId: string, input: InvoiceDraftInput): Promise<{ id: string }> {
  assertPermission(ctx, 'billing.manage');
  return db.transaction(async (tx) => {
    const { id } = await insertDraftInvoice(tx, ctx, { ...input, patientId, source: 'staff' });
    return { id };
  });
}

/** Replaces a draft's lines, due date, note and location. */
export async function updateDraftInvoice(db: Executor, ctx: StaffContext, invoiceId: string, input: InvoiceDraftInput): Promise<void> {
  assertPermission(ctx, 'billing.manage');
  await db.transaction(async (tx) => {
    const before = await lockInvoice(tx, ctx, invoiceId);
    refuse(before.status, 'edit');
    const settings = await getBillingSettings(tx, ctx.tenant.id);
    const draft = await checkedDraft(tx, ctx, input, settings.currency);
    await tx
      .update(invoices)
      .set({ currency: settings.currency, locationId: draft.locationId, dueDate: draft.dueDate, note: draft.note, ...draft.totals, updatedAt: now() })
      .where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, before.id)));
    await writeLines(tx, ctx.tenant.id, before.id, draft);
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.invoiceUpdated, patientId: before.patientId, target: { type: 'invoice', id: before.id },
      details: { lines: draft.lines.length, total: { before: before.total, after: draft.totals.total }, currency: settings.currency },
    });
  });
}

/** Throws a draft away (it has no number and nothing in the ledger, so nothing is lost). */
export async function deleteDraftInvoice(db: Executor, ctx: StaffContext, invoiceId: string): Promise<void> {
  assertPermission(ctx, 'billing.manage');
  await db.transaction(async (tx) => {
    const before = await lockInvoice(tx, ctx, invoiceId);
    refuse(before.status, 'delete');
    await tx.delete(invoices).where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, before.id)));
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.invoiceDeleted, patientId: before.patientId, target: { type: 'invoice', id: before.id },
      details: { total: before.total, currency: before.currency },
    });
  });
}

/**
 * Sends a draft: the next number of the clinic (taken under the billing_settings row's lock, so
 * numbers are unique and, because a refused or failed send rolls the number back, without gaps),
 * today's date in the clinic's zone, a due date from the payment terms unless one was set, and
 * one 'charge' in the ledger for the total. A zero invoice is paid at once. The patient and their
 * linked portal accounts are emailed that it is in the portal (number, amount and clinic only),
 * when the portal shows billing.
 *
 * The settings row is locked before the invoice (as updateBillingSettings does), so a currency
 * change and a send wait for each other instead of deadlocking; the invoice takes the clinic's
 * currency as it is now.
 */
export async function openInvoice(db: Executor, ctx: StaffContext, invoiceId: string): Promise<{ number: number; status: Invoice['status']; total: number; currency: string }> {
  assertPermission(ctx, 'billing.manage');
  if (!isUuid(invoiceId)) throw new NotFoundError('invoice');
  return db.transaction(async (tx) => {
    const number = await takeBillingNumber(tx, ctx.tenant.id, 'invoice');
    const before = await lockInvoice(tx, ctx, invoiceId);
    refuse(before.status, 'open');
    const settings = await getBillingSettings(tx, ctx.tenant.id);
    const today = await clinicToday(tx, ctx.tenant.id);
    const dueDate = before.dueDate ?? addDays(today, settings.paymentDueDays);
    if (dueDate < today) {
      throw new InvoiceRuleError('due-date-past', 'The invoice was not sent.', { dueDate: 'The due date has passed. Choose today or a later day, or leave it empty to use the clinic’s payment terms.' });
    }
    const at = now();
    await tx
      .update(invoices)
      .set({ number, status: 'open', currency: settings.currency, issueDate: today, dueDate, openedAt: at, updatedAt: at })
      .where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, before.id)));
    if (before.total > 0) {
      await postLedgerEntries(tx, [{
        tenantId: ctx.tenant.id, patientId: before.patientId, kind: 'charge', amount: before.total, currency: settings.currency,
        invoiceId: before.id, actorKind: 'staff', actorId: ctx.actor.id,
      }]);
    }
    const [changed] = await refreshInvoiceStatuses(tx, ctx.tenant.id, [before.id]);
    const status = changed?.after ?? 'open';
    let notified = 0;
    if (await portalBillingEnabled(tx, ctx.tenant.id)) {
      notified = await enqueueBillingNotice(tx, {
        tenantId: ctx.tenant.id, patientId: before.patientId, kind: 'invoice', event: `invoice:${before.id}:opened`,
        amount: formatMoney(before.total, settings.currency), reference: invoiceLabel(number),
      });
    }
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.invoiceOpened, patientId: before.patientId, target: { type: 'invoice', id: before.id },
      details: { number, total: before.total, currency: settings.currency, issueDate: today, dueDate, status, notified },
    });
    await recordEvent(tx, ctx.tenant.id, { name: 'invoice.issued', patientId: before.patientId, subject: { invoiceId: before.id }, actor: eventActorOf(ctx), at });
    return { number, status, total: before.total, currency: settings.currency };
  });
}

/**
 * The invoice's sums for closing or adjusting it, refusing while a payment is still being
 * processed (its amount is held: the bank's answer could still make it paid).
 */
async function settledSums(tx: Executor, ctx: StaffContext, invoiceId: string) {
  const sums = (await invoiceSums(tx, ctx.tenant.id, [invoiceId])).get(invoiceId)!;
  const held = (await heldByUnsettledPayments(tx, ctx.tenant.id, [invoiceId])).get(invoiceId) ?? 0;
  return { sums, held };
}

function checkedReason(reason: string): string {
  const text = reason.trim();
  if (text.length < 1 || text.length > INVOICE_LIMITS.reason || hasControlCharacters(text)) {
    throw new InvoiceRuleError('invalid-input', 'Nothing was changed.', { reason: `Enter the reason, at most ${INVOICE_LIMITS.reason} characters.` });
  }
  return text;
}

const inProgress = () => new InvoiceRuleError('payment-in-progress', 'A payment for this invoice is still being processed. Wait until it finishes, then try again.');

/**
 * Voids a sent invoice that has nothing paid on it: a 'void' entry takes what it asks for off the
 * balance, and it is closed for good (its number stays used). With payments, refund them first.
 */
export async function voidInvoice(db: Executor, ctx: StaffContext, invoiceId: string, reason: string): Promise<void> {
  assertPermission(ctx, 'billing.manage');
  const why = checkedReason(reason);
  await db.transaction(async (tx) => {
    const before = await lockInvoice(tx, ctx, invoiceId);
    const { sums, held } = await settledSums(tx, ctx, before.id);
    refuse(before.status, 'void', sums);
    if (held > 0) throw inProgress();
    await closeInvoice(tx, ctx, before, 'void', sums.due, why);
  });
}

/** Gives up on what is still owed on an open invoice ('write_off' entry); it becomes uncollectible. */
export async function writeOffInvoice(db: Executor, ctx: StaffContext, invoiceId: string, reason: string): Promise<void> {
  assertPermission(ctx, 'billing.manage');
  const why = checkedReason(reason);
  await db.transaction(async (tx) => {
    const before = await lockInvoice(tx, ctx, invoiceId);
    const { sums, held } = await settledSums(tx, ctx, before.id);
    refuse(before.status, 'write_off', sums);
    if (held > 0) throw inProgress();
    if (sums.due <= 0) throw new InvoiceRuleError('nothing-owed', 'Nothing is owed on this invoice, so there is nothing to write off.');
    await closeInvoice(tx, ctx, before, 'write_off', sums.due, why);
  });
}

async function closeInvoice(tx: Executor, ctx: StaffContext, before: Invoice, kind: 'void' | 'write_off', due: number, reason: string) {
  if (due > 0) {
    await postLedgerEntries(tx, [{
      tenantId: ctx.tenant.id, patientId: before.patientId, kind, amount: -due, currency: before.currency,
      invoiceId: before.id, actorKind: 'staff', actorId: ctx.actor.id,
    }]);
  }
  const status = kind === 'void' ? 'void' : 'uncollectible';
  const at = now();
  await tx
    .update(invoices)
    .set({ status, voidReason: reason, closedAt: at, updatedAt: at })
    .where(and(eq(invoices.tenantId, ctx.tenant.id), eq(invoices.id, before.id)));
  await recordAudit(tx, ctx, {
    action: kind === 'void' ? BillingAuditActions.invoiceVoided : BillingAuditActions.invoiceWrittenOff,
    patientId: before.patientId, target: { type: 'invoice', id: before.id },
    details: { number: before.number, amount: due > 0 ? -due : 0, currency: before.currency, status: { before: before.status, after: status } },
  });
}

/**
 * A credit (negative: lowers what is owed) or an extra charge (positive) on a sent invoice that
 * is still open, as an 'adjustment' entry with the staff member's memo; the status follows. A
 * credit is never more than is still owed (less any payment in progress): money back is a refund.
 */
export async function postAdjustment(db: Executor, ctx: StaffContext, invoiceId: string, input: { amount: number; memo: string; currency?: string }): Promise<{ status: Invoice['status']; due: number }> {
  assertPermission(ctx, 'billing.manage');
  if (!Number.isSafeInteger(input.amount) || input.amount === 0 || Math.abs(input.amount) > INVOICE_LIMITS.amount) {
    throw new InvoiceRuleError('invalid-input', 'Nothing was changed.', { amount: 'Enter an amount above zero.' });
  }
  const memo = input.memo.trim();
  if (memo.length < 1 || memo.length > INVOICE_LIMITS.memo || hasControlCharacters(memo)) {
    throw new InvoiceRuleError('invalid-input', 'Nothing was changed.', { memo: `Enter the reason, at most ${INVOICE_LIMITS.memo} characters.` });
  }
  return db.transaction(async (tx) => {
    const before = await lockInvoice(tx, ctx, invoiceId);
    if (input.currency !== undefined && input.currency !== before.currency) {
      throw new InvoiceRuleError('currency-changed', `This invoice is in ${before.currency}. Reload the page and enter the amount again.`);
    }
    if (before.status !== 'open' && before.status !== 'partially_paid') {
      const why = before.status === 'draft' ? 'This invoice has not been sent: change its lines instead.'
        : before.status === 'paid' ? 'This invoice is paid, so it can no longer be adjusted. Make a new invoice for an extra charge.'
        : 'This invoice is closed.';
      throw new InvoiceRuleError('invoice-state', why);
    }
    const { sums, held } = await settledSums(tx, ctx, before.id);
    const creditable = sums.due - held;
    if (input.amount < 0 && -input.amount > creditable) {
      throw new InvoiceRuleError('credit-too-large', 'Nothing was changed.', {
        amount: `A credit can be at most what is still owed: ${formatMoney(Math.max(0, creditable), before.currency)}${held > 0 ? ' (a payment in progress holds the rest)' : ''}.`,
      });
    }
    await postLedgerEntries(tx, [{
      tenantId: ctx.tenant.id, patientId: before.patientId, kind: 'adjustment', amount: input.amount, currency: before.currency,
      invoiceId: before.id, memo, actorKind: 'staff', actorId: ctx.actor.id,
    }]);
    const [changed] = await refreshInvoiceStatuses(tx, ctx.tenant.id, [before.id]);
    const status = changed?.after ?? before.status;
    const due = sums.due + input.amount;
    await recordAudit(tx, ctx, {
      action: BillingAuditActions.adjustmentPosted, patientId: before.patientId, target: { type: 'invoice', id: before.id },
      details: { number: before.number, amount: input.amount, currency: before.currency, due, ...(changed ? { status: { before: changed.before, after: changed.after } } : {}) },
    });
    return { status, due };
  });
}
