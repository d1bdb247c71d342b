import 'server-only';
import { sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { billingSettings } from '@/db/schema';

/**
 * The next invoice or receipt number of a clinic: taken from its billing_settings row under the
 * row's lock (made on first use), inside the caller's transaction, so numbers are unique and a
 * rolled-back transaction gives its number back (no gaps).
 */
export async function takeBillingNumber(tx: Executor, tenantId: string, which: 'invoice' | 'receipt'): Promise<number> {
  const column = which === 'invoice' ? billingSettings.nextInvoiceNumber : billingSettings.nextReceiptNumber;
  const key = which === 'invoice' ? 'nextInvoiceNumber' : 'nextReceiptNumber';
  const [row] = await tx
    .insert(billingSettings)
    .values({ tenantId, [key]: 2 })
    .onConflictDoUpdate({ target: billingSettings.tenantId, set: { [key]: sql`${column} + 1` } })
    .returning({ next: column });
  return row!.next - 1;
}

/**
 * `count` consecutive numbers of the clinic (a batch's, numbered in the caller's order), under
 * the same row lock and with the same rules as takeBillingNumber: returns the first.
 */
export async function takeBillingNumbers(tx: Executor, tenantId: string, which: 'invoice' | 'receipt', count: number): Promise<number> {
  const column = which === 'invoice' ? billingSettings.nextInvoiceNumber : billingSettings.nextReceiptNumber;
  const key = which === 'invoice' ? 'nextInvoiceNumber' : 'nextReceiptNumber';
  const [row] = await tx
    .insert(billingSettings)
    .values({ tenantId, [key]: count + 1 })
    .onConflictDoUpdate({ target: billingSettings.tenantId, set: { [key]: sql`${column} + ${count}` } })
    .returning({ next: column });
  return row!.next - count;
}

/** How numbers are shown: INV-000042, R-000007. */
export function invoiceLabel(n: number | null): string {
  return n === null ? 'Draft' : `INV-${String(n).padStart(6, '0')}`;
}
export function receiptLabel(n: number | null): string {
  return n === null ? '—' : `R-${String(n).padStart(6, '0')}`;
}
