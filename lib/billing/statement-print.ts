import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patients } from '@/db/schema';
import { assertPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { z } from '@/lib/validation/zod';
import { BillingAuditActions } from './audit-actions';
import { isCalendarDate } from './invoice-forms';

/**
 * Printing a patient's statement (EMR, billing.view). The page is laid out to print and the
 * browser prints it, so the server cannot see the printer: the page reports the browser's
 * `beforeprint` (the Print button, or the browser's own Print command) and this records it, so the
 * patient's "Who viewed my record" can say the statement was printed.
 */

const NOT_UNDERSTOOD = 'The print could not be recorded. Reload the statement and print again.';

export const statementPrintSchema = z.object(
  {
    patientId: z.uuid({ error: NOT_UNDERSTOOD }),
    from: z.string({ error: NOT_UNDERSTOOD }).refine(isCalendarDate, NOT_UNDERSTOOD),
    to: z.string({ error: NOT_UNDERSTOOD }).refine(isCalendarDate, NOT_UNDERSTOOD),
  },
  { error: NOT_UNDERSTOOD },
).refine((r) => r.from <= r.to, { path: ['to'], message: NOT_UNDERSTOOD });
export type StatementPrint = z.output<typeof statementPrintSchema>;

/** Records that `ctx` printed the statement of this clinic's patient for the range. */
export async function recordStatementPrinted(db: Executor, ctx: StaffContext, input: StatementPrint): Promise<void> {
  assertPermission(ctx, 'billing.view');
  if (!isUuid(input.patientId)) throw new NotFoundError('patient');
  const [patient] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, input.patientId)));
  if (!patient) throw new NotFoundError('patient');
  await recordAudit(db, ctx, {
    action: BillingAuditActions.statementPrinted, patientId: patient.id, target: { type: 'patient', id: patient.id },
    details: { area: 'emr', from: input.from, to: input.to },
  });
}
