import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { patients } from '@/db/schema';
import { NotFoundError, type StaffContext } from '@/lib/access/context';
import { recordAudit } from '@/lib/audit/record-audit';
import { isUuid } from '@/lib/kernel/ids';

/**
 * A chart tab's read, audited where the tab's data is read. The chart's layout audits
 * `patient.viewed` when the chart opens, but a layout does not run again when staff move between
 * tabs, so each tab's lib/ read records which part of the record it showed (the section and ids
 * only). The patient sees these in "Who viewed my record" (lib/audit/access-log-rules.ts).
 */
export const ChartAuditActions = {
  sectionViewed: 'patient.section_viewed',
} as const;

export const CHART_SECTIONS = [
  'appointments', 'automations', 'billing', 'care_team', 'consent', 'contacts', 'forms', 'messages', 'orders', 'tasks',
] as const;
export type ChartSection = (typeof CHART_SECTIONS)[number];

/**
 * Records that a staff member was shown one section of a patient's chart. Call it after the
 * read's permission check. The patient must be this clinic's (another clinic's id, or none, is
 * not-found), so an entry never names a patient the clinic does not have.
 */
export async function auditChartSection(db: Executor, ctx: StaffContext, patientId: string, section: ChartSection, details: Record<string, unknown> = {}): Promise<void> {
  if (!isUuid(patientId)) throw new NotFoundError('patient');
  const [patient] = await db.select({ id: patients.id }).from(patients).where(and(eq(patients.tenantId, ctx.tenant.id), eq(patients.id, patientId)));
  if (!patient) throw new NotFoundError('patient');
  await recordAudit(db, ctx, {
    action: ChartAuditActions.sectionViewed,
    patientId,
    target: { type: 'patient', id: patientId },
    details: { section, ...details },
  });
}
