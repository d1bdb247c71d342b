import 'server-only';
import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { domainEvents, invoices, locations } from '@/db/schema';
import { now } from '@/lib/clock';
import { recordEvent } from './events';

/**
 * invoice.overdue is the one event no change causes: an invoice becomes overdue when a day passes.
 * This job (lib/jobs/scheduled.ts) finds the invoices still owed after their due date in their
 * clinic's zone and records the event once per invoice, whatever the number of runners: its
 * once-key is unique per clinic, so a second runner's insert records nothing. The invoices are
 * read FOR SHARE in the transaction that records them, so a payment settling one at that moment
 * either commits first (and the invoice is no longer owed) or waits for this to commit; SKIP
 * LOCKED passes over one being changed right now (the next run sees it).
 */

export const OVERDUE_BATCH = 100;

const ONCE_KEY_PREFIX = 'invoice.overdue:';

export function overdueOnceKey(invoiceId: string): string {
  return `${ONCE_KEY_PREFIX}${invoiceId}`;
}

export async function recordOverdueInvoices(
  db: Database,
  at: Date = now(),
  options: { limit?: number } = {},
): Promise<{ invoicesOverdue: number }> {
  const limit = options.limit ?? OVERDUE_BATCH;
  // The clinic's zone as clinicTimeZone (lib/clinic-forms/reminders.ts) decides it, per row.
  const zone = sql`coalesce((select ${locations.timeZone} from ${locations} where ${locations.tenantId} = ${invoices.tenantId}
    order by ${locations.active} desc, ${locations.createdAt}, ${locations.id} limit 1), 'UTC')`;
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: invoices.id, tenantId: invoices.tenantId, patientId: invoices.patientId })
      .from(invoices)
      .where(and(
        inArray(invoices.status, ['open', 'partially_paid']),
        sql`${invoices.dueDate} < (${at.toISOString()}::timestamptz at time zone ${zone})::date`,
        sql`not exists (select 1 from ${domainEvents} where ${domainEvents.tenantId} = ${invoices.tenantId}
          and ${domainEvents.onceKey} = ${ONCE_KEY_PREFIX} || ${invoices.id}::text)`,
      ))
      .orderBy(asc(invoices.dueDate), asc(invoices.id))
      .limit(limit)
      .for('share', { of: invoices, skipLocked: true });
    let recorded = 0;
    for (const invoice of due) {
      const made = await recordEvent(tx, invoice.tenantId, {
        name: 'invoice.overdue', patientId: invoice.patientId, subject: { invoiceId: invoice.id }, actor: { kind: 'system' },
        onceKey: overdueOnceKey(invoice.id), at,
      });
      if (made) recorded += 1;
    }
    return { invoicesOverdue: recorded };
  });
}
