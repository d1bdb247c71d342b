import 'server-only';
import { and, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { invoices, ledgerEntries, paymentAllocations, payments, type InvoiceStatus, type LedgerKind } from '@/db/schema';
import { now } from '@/lib/clock';
import { statusFromLedger, type InvoiceSums } from './invoice-status';

/**
 * The ledger: every movement of money, append-only. Balances and amounts due are always sums of
 * it. Posting is idempotent through the unique indexes of ledger_entries (a charge once per
 * invoice, a payment once per payment and invoice, a refund once per refund, invoice and kind):
 * a replayed webhook or a second runner posting the same event adds nothing.
 */

export interface LedgerPosting {
  tenantId: string;
  patientId: string;
  kind: LedgerKind;
  amount: number;
  currency: string;
  invoiceId?: string | null;
  paymentId?: string | null;
  refundId?: string | null;
  memo?: string | null;
  actorKind: 'staff' | 'patient' | 'system';
  actorId?: string | null;
}

/** Inserts the entries, skipping any already posted; returns how many were new. */
export async function postLedgerEntries(tx: Executor, entries: readonly LedgerPosting[]): Promise<number> {
  if (entries.length === 0) return 0;
  const at = now();
  const rows = await tx
    .insert(ledgerEntries)
    .values(entries.map((e) => ({
      tenantId: e.tenantId, patientId: e.patientId, kind: e.kind, amount: e.amount, currency: e.currency,
      invoiceId: e.invoiceId ?? null, paymentId: e.paymentId ?? null, refundId: e.refundId ?? null,
      memo: e.memo ?? null, actorKind: e.actorKind, actorId: e.actorId ?? null, occurredAt: at,
    })))
    .onConflictDoNothing()
    .returning({ id: ledgerEntries.id });
  return rows.length;
}

/** Charged, paid and due of each invoice, from the ledger (invoices with no entries: zeros). */
export async function invoiceSums(db: Executor, tenantId: string, invoiceIds: readonly string[]): Promise<Map<string, InvoiceSums>> {
  const out = new Map<string, InvoiceSums>(invoiceIds.map((id) => [id, { charged: 0, paid: 0, due: 0 }]));
  if (invoiceIds.length === 0) return out;
  const rows = await db
    .select({
      invoiceId: ledgerEntries.invoiceId,
      charged: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} in ('charge', 'adjustment')), 0)::int`,
      paid: sql<number>`coalesce(-sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} in ('payment', 'refund')), 0)::int`,
      due: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int`,
    })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.tenantId, tenantId), inArray(ledgerEntries.invoiceId, [...invoiceIds])))
    .groupBy(ledgerEntries.invoiceId);
  for (const r of rows) out.set(r.invoiceId!, { charged: r.charged, paid: r.paid, due: r.due });
  return out;
}

/**
 * What payments not yet settled (pending, or waiting for the bank's check) hold of each invoice:
 * counted as paid when deciding what may still be paid, so two tabs cannot both pay in full.
 */
export async function heldByUnsettledPayments(db: Executor, tenantId: string, invoiceIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (invoiceIds.length === 0) return out;
  const rows = await db
    .select({ invoiceId: paymentAllocations.invoiceId, held: sql<number>`sum(${paymentAllocations.amount})::int` })
    .from(paymentAllocations)
    .innerJoin(payments, and(eq(payments.tenantId, paymentAllocations.tenantId), eq(payments.id, paymentAllocations.paymentId)))
    .where(and(
      eq(paymentAllocations.tenantId, tenantId),
      inArray(paymentAllocations.invoiceId, [...invoiceIds]),
      inArray(payments.status, ['pending', 'requires_action']),
    ))
    .groupBy(paymentAllocations.invoiceId);
  for (const r of rows) out.set(r.invoiceId, r.held);
  return out;
}

/**
 * invoiceSums and heldByUnsettledPayments of the same invoices in one statement (taking a
 * payment reads both under the invoices' locks, in a statement after the one that locked them,
 * so it sees what a payment that held the lock before it committed).
 */
export async function sumsAndHeld(db: Executor, tenantId: string, invoiceIds: readonly string[]): Promise<{ sums: Map<string, InvoiceSums>; held: Map<string, number> }> {
  const sums = new Map<string, InvoiceSums>(invoiceIds.map((id) => [id, { charged: 0, paid: 0, due: 0 }]));
  const held = new Map<string, number>();
  if (invoiceIds.length === 0) return { sums, held };
  // The outer invoice's columns are written out: drizzle leaves a one-table select's columns unqualified.
  const ledger = (column: SQL) => sql<number>`(select ${column} from ${ledgerEntries} l where l.tenant_id = invoices.tenant_id and l.invoice_id = invoices.id)`;
  const rows = await db
    .select({
      id: invoices.id,
      charged: ledger(sql`coalesce(sum(l.amount) filter (where l.kind in ('charge', 'adjustment')), 0)::int`),
      paid: ledger(sql`coalesce(-sum(l.amount) filter (where l.kind in ('payment', 'refund')), 0)::int`),
      due: ledger(sql`coalesce(sum(l.amount), 0)::int`),
      held: sql<number>`(select coalesce(sum(a.amount), 0)::int from ${paymentAllocations} a
        join ${payments} p on p.tenant_id = a.tenant_id and p.id = a.payment_id
        where a.tenant_id = invoices.tenant_id and a.invoice_id = invoices.id and p.status in ('pending', 'requires_action'))`,
    })
    .from(invoices)
    .where(and(eq(invoices.tenantId, tenantId), inArray(invoices.id, [...invoiceIds])));
  for (const r of rows) {
    sums.set(r.id, { charged: r.charged, paid: r.paid, due: r.due });
    if (r.held > 0) held.set(r.id, r.held);
  }
  return { sums, held };
}

/** A patient's balance: the sum of their ledger (positive: they owe the clinic). */
export async function patientBalance(db: Executor, tenantId: string, patientId: string, before?: Date): Promise<number> {
  const [row] = await db
    .select({ balance: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int` })
    .from(ledgerEntries)
    .where(and(
      eq(ledgerEntries.tenantId, tenantId),
      eq(ledgerEntries.patientId, patientId),
      before ? lt(ledgerEntries.occurredAt, before) : undefined,
    ));
  return row?.balance ?? 0;
}

/**
 * Sets each invoice's status from its ledger (call in the transaction that posted, with the
 * invoices locked). Returns the invoices whose status changed, with before and after.
 */
export async function refreshInvoiceStatuses(tx: Executor, tenantId: string, invoiceIds: readonly string[]) {
  if (invoiceIds.length === 0) return [];
  // Each invoice's status and its ledger sums in one statement.
  const current = await tx
    .select({
      id: invoices.id, status: invoices.status,
      charged: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} in ('charge', 'adjustment')), 0)::int`,
      paid: sql<number>`coalesce(-sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} in ('payment', 'refund')), 0)::int`,
      due: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::int`,
    })
    .from(invoices)
    .leftJoin(ledgerEntries, and(eq(ledgerEntries.tenantId, invoices.tenantId), eq(ledgerEntries.invoiceId, invoices.id)))
    .where(and(eq(invoices.tenantId, tenantId), inArray(invoices.id, [...invoiceIds])))
    .groupBy(invoices.id, invoices.status);
  const changed: { id: string; before: InvoiceStatus; after: InvoiceStatus }[] = [];
  for (const inv of current) {
    const after = statusFromLedger(inv.status, { charged: inv.charged, paid: inv.paid, due: inv.due });
    if (after !== inv.status) changed.push({ id: inv.id, before: inv.status, after });
  }
  if (changed.length === 0) return changed;
  // Every changed invoice in one statement (a renewal pass settles fifty at once).
  const at = now();
  const values = sql.join(changed.map((c) => sql`(${c.id}::uuid, ${c.after}::text)`), sql`, `);
  await tx
    .update(invoices)
    .set({ status: sql`v.status`, closedAt: sql`case when v.status = 'paid' then ${at.toISOString()}::timestamptz end`, updatedAt: at })
    .from(sql`(values ${values}) as v(id, status)`)
    .where(and(eq(invoices.tenantId, tenantId), sql`${invoices.id} = v.id`));
  return changed;
}
