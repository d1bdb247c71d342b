import 'server-only';
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { dataExports } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { isUuid } from '@/lib/kernel/ids';
import { RuleError } from '@/lib/kernel/errors';
import { hitRateLimit } from '@/lib/security/rate-limit';
import { DataExportAuditActions } from './audit-actions';

/**
 * The portal side of "export my data" (area `export`): ask for an export, see where it stands,
 * and claim its one download. An export is the person's who asked, for the patient they acted
 * for: it was built from what their link reaches (a parent's leaves out what is hidden from
 * proxies), so only that account, acting for that patient, sees or downloads it.
 */

/** At most this many requests per person and patient in a day (each one is a build of the whole record). */
export const EXPORT_REQUESTS_PER_DAY = 3;
const OPEN_STATUSES = ['queued', 'building', 'ready'] as const;

export type DataExportRefusal = 'open-export' | 'rate-limited' | 'already-downloaded' | 'expired' | 'not-ready' | 'failed';

export class DataExportRuleError extends RuleError {
  constructor(readonly refusal: DataExportRefusal, message: string, readonly retryAfterSeconds = 0) {
    super(refusal, message);
    this.name = 'DataExportRuleError';
  }
}

export type DataExportView =
  | { state: 'none' }
  | { state: 'preparing'; id: string; requestedAt: Date }
  | { state: 'ready'; id: string; expiresAt: Date; sizeBytes: number }
  | { state: 'downloaded'; id: string; downloadedAt: Date }
  | { state: 'expired'; id: string }
  | { state: 'failed'; id: string };

const mine = (ctx: PortalContext) => and(
  eq(dataExports.tenantId, ctx.tenant.id), eq(dataExports.patientId, ctx.patient.id), eq(dataExports.accountId, ctx.account.id),
);

/** The person's latest export for this patient, as the page shows it. */
export async function loadDataExport(db: Executor, ctx: PortalContext): Promise<DataExportView> {
  await assertPortalArea(db, ctx, 'export');
  const [row] = await db
    .select({
      id: dataExports.id, status: dataExports.status, createdAt: dataExports.createdAt, expiresAt: dataExports.expiresAt,
      sizeBytes: dataExports.sizeBytes, downloadedAt: dataExports.downloadedAt,
    })
    .from(dataExports)
    .where(mine(ctx))
    .orderBy(desc(dataExports.createdAt), desc(dataExports.id))
    .limit(1);
  if (!row) return { state: 'none' };
  switch (row.status) {
    case 'queued':
    case 'building':
      return { state: 'preparing', id: row.id, requestedAt: row.createdAt };
    case 'ready':
      // Past its date before the job came by: already gone for the person.
      return row.expiresAt && row.expiresAt > now() ? { state: 'ready', id: row.id, expiresAt: row.expiresAt, sizeBytes: row.sizeBytes ?? 0 } : { state: 'expired', id: row.id };
    case 'downloaded':
      return { state: 'downloaded', id: row.id, downloadedAt: row.downloadedAt ?? row.createdAt };
    case 'expired':
      return { state: 'expired', id: row.id };
    default:
      return { state: 'failed', id: row.id };
  }
}

/**
 * Queues an export for the background job. One open export (queued, being built, or ready to
 * download) per person and patient: the next one can be asked for once it is downloaded or gone.
 * A transaction-scoped lock makes the check and the insert one step for two tabs at once.
 */
export async function requestDataExport(db: Executor, ctx: PortalContext): Promise<{ id: string }> {
  await assertPortalArea(db, ctx, 'export');
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`data-export:${ctx.tenant.id}:${ctx.patient.id}:${ctx.account.id}`}, 0))`);
    const at = now();
    const [open] = await tx
      .select({ id: dataExports.id, status: dataExports.status, expiresAt: dataExports.expiresAt })
      .from(dataExports)
      .where(and(mine(ctx), inArray(dataExports.status, OPEN_STATUSES)))
      .limit(1);
    // A ready export past its date is no longer open, even before the job marks it expired.
    if (open && !(open.status === 'ready' && open.expiresAt && open.expiresAt <= at)) {
      throw new DataExportRuleError('open-export', 'An export is already being prepared or waiting to be downloaded.');
    }
    const limit = await hitRateLimit(tx, `data-export:${ctx.tenant.id}:${ctx.patient.id}:${ctx.account.id}`, { limit: EXPORT_REQUESTS_PER_DAY, windowSeconds: 86_400, now: at });
    if (!limit.allowed) throw new DataExportRuleError('rate-limited', 'Too many exports were asked for today. Try again later.', limit.retryAfterSeconds);
    const [made] = await tx
      .insert(dataExports)
      .values({ tenantId: ctx.tenant.id, patientId: ctx.patient.id, accountId: ctx.account.id, status: 'queued', createdAt: at })
      .returning({ id: dataExports.id });
    await recordAudit(tx, ctx, {
      action: DataExportAuditActions.requested, patientId: ctx.patient.id, target: { type: 'data_export', id: made!.id },
      details: { relationship: ctx.patient.relationship },
    });
    return { id: made!.id };
  });
}

/**
 * The one download: marks the export downloaded (`UPDATE … WHERE downloaded_at IS NULL`, so two
 * clicks at once get one file) before anything is streamed, and audits it in that transaction.
 * Another person's or patient's export, or another clinic's, is not-found; the person's own says
 * why it cannot be downloaded (already downloaded, expired, not ready yet).
 */
export async function claimDataExportDownload(db: Executor, ctx: PortalContext, exportId: string): Promise<{ id: string; storageKey: string; sizeBytes: number; readyAt: Date }> {
  await assertPortalArea(db, ctx, 'export');
  if (!isUuid(exportId)) throw new NotFoundError('export');
  const at = now();
  const claimed = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(dataExports)
      .set({ status: 'downloaded', downloadedAt: at })
      .where(and(
        mine(ctx), eq(dataExports.id, exportId), eq(dataExports.status, 'ready'), isNull(dataExports.downloadedAt), gt(dataExports.expiresAt, at),
      ))
      .returning({ id: dataExports.id, storageKey: dataExports.storageKey, sizeBytes: dataExports.sizeBytes, readyAt: dataExports.readyAt });
    if (row) {
      await recordAudit(tx, ctx, {
        action: DataExportAuditActions.downloaded, patientId: ctx.patient.id, target: { type: 'data_export', id: row.id },
        details: { sizeBytes: row.sizeBytes },
      });
    }
    return row;
  });
  if (claimed?.storageKey) return { id: claimed.id, storageKey: claimed.storageKey, sizeBytes: claimed.sizeBytes ?? 0, readyAt: claimed.readyAt ?? at };

  const [row] = await db
    .select({ status: dataExports.status, expiresAt: dataExports.expiresAt })
    .from(dataExports)
    .where(and(mine(ctx), eq(dataExports.id, exportId)));
  if (!row) throw new NotFoundError('export');
  const refusal: DataExportRefusal = row.status === 'downloaded' ? 'already-downloaded'
    : row.status === 'expired' || (row.status === 'ready' && (!row.expiresAt || row.expiresAt <= at)) ? 'expired'
      : row.status === 'failed' ? 'failed' : 'not-ready';
  await recordAudit(db, ctx, {
    action: DataExportAuditActions.downloadRefused, outcome: 'denied', patientId: ctx.patient.id, target: { type: 'data_export', id: exportId },
    details: { reason: refusal },
  });
  throw new DataExportRuleError(refusal, REFUSAL_WORDS[refusal]);
}

const REFUSAL_WORDS: Record<DataExportRefusal, string> = {
  'open-export': 'An export is already being prepared or waiting to be downloaded.',
  'rate-limited': 'Too many exports were asked for today. Try again later.',
  'already-downloaded': 'This export was already downloaded. Each export can be downloaded once; ask for a new one.',
  expired: 'This export expired after 7 days. Ask for a new one.',
  'not-ready': 'This export is still being prepared.',
  failed: 'This export could not be prepared. Ask for a new one.',
};
