import 'server-only';
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { invoices, ledgerEntries, patients, type LedgerKind } from '@/db/schema';
import { assertPermission, NotFoundError, type PortalContext, type StaffContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { clinicTimeZone } from '@/lib/clinic-forms/reminders';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { addDays, zonedDate, zonedInstant } from '@/lib/scheduling/zoned-time';
import { BillingAuditActions } from './audit-actions';
import { isCalendarDate } from './invoice-forms';
import { patientBalance } from './ledger';
import { invoiceLabel } from './numbering';
import { getBillingSettings, portalBillingEnabled } from './settings';

/**
 * A patient's statement for a date range (issue 16 point 1): the balance owed at the start of the
 * first day, every ledger entry of the range with the balance after it, and the balance at the
 * end of the last day. Days are the clinic's calendar days (its first location's zone), so a
 * payment at 23:30 in New York is on that day's statement, not the next UTC day's. The balances
 * are sums of the ledger (patientBalance), never stored numbers.
 */

export const STATEMENT_MAX_DAYS = 366 * 5;
/** Entries listed at most; past it the page says to choose a shorter range (the balances stay right). */
export const STATEMENT_MAX_ENTRIES = 2000;

export const LEDGER_KIND_LABELS: Record<LedgerKind, string> = {
  charge: 'Invoice',
  payment: 'Payment',
  refund: 'Refund',
  adjustment: 'Adjustment',
  write_off: 'Written off',
  void: 'Invoice voided',
};

export class StatementRangeError extends RuleError {
  constructor(message: string, field: 'from' | 'to') {
    super('statement-range', 'Check the dates of the statement.', { [field]: message });
    this.name = 'StatementRangeError';
  }
}

function checkedRange(range: { from: string; to: string }) {
  if (!isCalendarDate(range.from)) throw new StatementRangeError('Enter the first day as a date.', 'from');
  if (!isCalendarDate(range.to)) throw new StatementRangeError('Enter the last day as a date.', 'to');
  if (range.to < range.from) throw new StatementRangeError('The last day must be on or after the first.', 'to');
  if (addDays(range.from, STATEMENT_MAX_DAYS) < range.to) throw new StatementRangeError('A statement covers at most five years.', 'to');
  return range;
}

async function buildStatement(db: Executor, tenantId: string, patientId: string, range: { from: string; to: string }, staff: boolean) {
  const zone = await clinicTimeZone(db, tenantId);
  const start = zonedInstant(range.from, '00:00', zone);
  const end = zonedInstant(addDays(range.to, 1), '00:00', zone);
  const [openingBalance, closingBalance, rows, settings] = await Promise.all([
    patientBalance(db, tenantId, patientId, start),
    patientBalance(db, tenantId, patientId, end),
    db
      .select({
        id: ledgerEntries.id, kind: ledgerEntries.kind, amount: ledgerEntries.amount, occurredAt: ledgerEntries.occurredAt,
        invoiceId: ledgerEntries.invoiceId, invoiceNumber: invoices.number, paymentId: ledgerEntries.paymentId, memo: ledgerEntries.memo,
      })
      .from(ledgerEntries)
      .leftJoin(invoices, and(eq(invoices.tenantId, ledgerEntries.tenantId), eq(invoices.id, ledgerEntries.invoiceId)))
      .where(and(eq(ledgerEntries.tenantId, tenantId), eq(ledgerEntries.patientId, patientId), gte(ledgerEntries.occurredAt, start), lt(ledgerEntries.occurredAt, end)))
      .orderBy(asc(ledgerEntries.occurredAt), asc(ledgerEntries.id))
      .limit(STATEMENT_MAX_ENTRIES),
    getBillingSettings(db, tenantId),
  ]);
  let balance = openingBalance;
  const entries = rows.map(({ memo, ...e }) => {
    balance += e.amount;
    return {
      ...e,
      date: zonedDate(e.occurredAt, zone),
      kindLabel: LEDGER_KIND_LABELS[e.kind],
      invoiceLabel: e.invoiceId ? invoiceLabel(e.invoiceNumber) : null,
      balance,
      // Adjustment memos are staff's words for staff.
      ...(staff ? { memo } : {}),
    };
  });
  return {
    from: range.from, to: range.to, timeZone: zone, currency: settings.currency,
    openingBalance, entries, closingBalance, truncated: rows.length === STATEMENT_MAX_ENTRIES,
  };
}

/** A patient's statement for staff (billing.view); the view is audited. */
export async function patientStatement(db: Executor, ctx: StaffContext, patientId: string, range: { from: string; to: string }) {
  assertPermission(ctx, 'billing.view');
  checkedRange(range);
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [patient] = await db
    .select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName, recordNumber: patients.recordNumber })
    .from(patients)
    .where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  const statement = await buildStatement(db, ctx.tenant.id, patientId, range, true);
  await recordAudit(db, ctx, {
    action: BillingAuditActions.statementViewed, patientId, target: { type: 'patient', id: patientId },
    details: { area: 'emr', from: range.from, to: range.to, entries: statement.entries.length },
  });
  return { patient, ...statement };
}
export type PatientStatement = Awaited<ReturnType<typeof patientStatement>>;

/** The selected patient's statement in the portal, while the clinic shows billing there. */
export async function portalStatement(db: Executor, ctx: PortalContext, range: { from: string; to: string }) {
  await assertPortalArea(db, ctx, 'billing');
  if (!(await portalBillingEnabled(db, ctx.tenant.id))) throw new NotFoundError('billing');
  checkedRange(range);
  const statement = await buildStatement(db, ctx.tenant.id, ctx.patient.id, range, false);
  await recordAudit(db, ctx, {
    action: BillingAuditActions.statementViewed, patientId: ctx.patient.id, target: { type: 'patient', id: ctx.patient.id },
    details: { area: 'portal', from: range.from, to: range.to, entries: statement.entries.length },
  });
  return { patient: { id: ctx.patient.id, firstName: ctx.patient.firstName, lastName: ctx.patient.lastName }, ...statement };
}
export type PortalStatement = Awaited<ReturnType<typeof portalStatement>>;
