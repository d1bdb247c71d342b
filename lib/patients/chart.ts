import 'server-only';
import { and, eq } from 'drizzle-orm';
import { cache } from 'react';
import type { Executor } from '@/db/client';
import { patients } from '@/db/schema';
import { assertPermission, hasPermission, NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';
import { maskNationalId, revealNationalId } from './national-id';

/**
 * One patient for the chart, by (clinic, id): another clinic's id answers not-found. Reading a
 * chart is a PHI read and is audited. The national ID is unmasked only for `national_id.view`.
 * Cached per request: the chart's layout and its tab both ask, and it is one read, audited once.
 */
export const getPatientChart = cache(async (db: Executor, ctx: StaffContext, patientId: string) => {
  assertPermission(ctx, 'patients.view');
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [row] = await db.select().from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!row) throw new NotFoundError('patient');
  await recordAudit(db, ctx, { action: 'patient.viewed', patientId: row.id, target: { type: 'patient', id: row.id } });
  const { nationalIdEnc, nationalIdHash: _hash, ...rest } = row;
  return {
    ...rest,
    nationalId: nationalIdEnc
      ? hasPermission(ctx, 'national_id.view') ? revealNationalId(nationalIdEnc) : maskNationalId(row.nationalIdLast4)
      : null,
  };
});
export type PatientChart = Awaited<ReturnType<typeof getPatientChart>>;
