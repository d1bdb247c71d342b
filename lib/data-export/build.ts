import 'server-only';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, asc, eq, inArray, lte, or, isNull, sql } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { dataExports, portalAccounts, tenantBranding, tenants } from '@/db/schema';
import { queryLinkRows, resolveLinkedPatients } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { readPrefix } from '@/lib/documents/direct-upload';
import { detectDocumentType, SNIFF_BYTES } from '@/lib/documents/file-checks';
import { toLocale } from '@/lib/i18n/core';
import { errorSummary } from '@/lib/kernel/errors';
import { noticeEmail, portalLinkLine } from '@/lib/notifications/notice-email';
import { notifyAudience } from '@/lib/notifications/notify-audience';
import { portalLink } from '@/lib/notifications/portal-link';
import { dataExportReadyTexts, pickNotificationLanguage } from '@/lib/notifications/texts';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { ObjectNotFoundError } from '@/lib/storage/object-store';
import { DataExportAuditActions } from './audit-actions';
import { collectRecord, extensionFor, type CollectedRecord } from './collect';
import { exportScope } from './export-scope';
import { buildBundle, type ExportContent, type ExportedFile } from './fhir-bundle';
import { readmeText } from './readme';
import { ZipFileWriter } from './zip-writer';

/**
 * The "data-exports" job (lib/jobs/scheduled.ts). Builds requested exports and removes old ones.
 *
 * Exactly once with several runners, and after a crash:
 * - a claim is one transaction over `FOR UPDATE SKIP LOCKED` rows that are queued, or building
 *   with an ended lease (`locked_until`); it raises `attempts`, which fences everything after it;
 * - the ZIP is written to a temporary file (memory stays flat whatever the files weigh: see
 *   zip-writer.ts) and stored under a key naming the attempt, while the lease is renewed;
 * - the row becomes `ready` by `UPDATE … WHERE status = 'building' AND attempts = <mine>`, in the
 *   transaction that queues the notice and writes the audit entry. A runner whose lease was taken
 *   over finds no row, deletes its own object and sends nothing; a crashed one leaves the row to
 *   be claimed again when its lease ends, and the next attempt builds it once more.
 *
 * Removal: a `ready` export past its 7 days becomes `expired`, and a downloaded one loses its file
 * an hour after the download (the download may still be streaming); objects are deleted before
 * the row forgets their key, so a failed delete is simply tried again on the next pass.
 */

export const EXPORT_BATCH = 2;
export const EXPORT_TTL_DAYS = 7;
export const MAX_ATTEMPTS = 5;
/** A claimed export is left alone this long; a build renews it as it copies files. */
export const LEASE_SECONDS = 600;
const RENEW_AFTER_MS = 60_000;
const RETRY_DELAYS_SECONDS = [60, 300, 1_800, 7_200];
/** The file of a downloaded export is kept this long after the download began. */
export const DOWNLOAD_GRACE_SECONDS = 3_600;
const CLEANUP_BATCH = 50;

export interface DataExportJobResult {
  exportsBuilt: number;
  exportsRetried: number;
  exportsFailed: number;
  exportsExpired: number;
  exportFilesRemoved: number;
}

/** Server-generated, one per attempt, so a late runner's object never overwrites the winner's. */
export function exportObjectKey(row: { tenantId: string; patientId: string; id: string }, attempt: number): string {
  return `exports/${row.tenantId}/${row.patientId}/${row.id}-${attempt}.zip`;
}

interface ClaimedExport {
  id: string;
  tenantId: string;
  patientId: string;
  accountId: string;
  attempt: number;
}

class LeaseLostError extends Error {
  constructor() {
    super('another runner took this export over');
    this.name = 'LeaseLostError';
  }
}

/** Refusals that no retry can fix: the export is failed at once. */
class ExportRefused extends Error {
  constructor(readonly reason: 'access_withdrawn' | 'patient_gone') {
    super(reason);
    this.name = 'ExportRefused';
  }
}

const addSecondsTo = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);
const fenced = (row: ClaimedExport) =>
  and(eq(dataExports.tenantId, row.tenantId), eq(dataExports.id, row.id), eq(dataExports.status, 'building'), eq(dataExports.attempts, row.attempt));

export async function runDataExportJob(db: Database, at: Date = now(), options: { limit?: number; tmpDir?: string } = {}): Promise<DataExportJobResult> {
  const result: DataExportJobResult = { exportsBuilt: 0, exportsRetried: 0, exportsFailed: 0, exportsExpired: 0, exportFilesRemoved: 0 };
  const { claimed, gaveUp } = await claimExports(db, at, options.limit ?? EXPORT_BATCH);
  result.exportsFailed += gaveUp;
  for (const row of claimed) {
    const outcome = await buildClaimedExport(db, row, options.tmpDir);
    if (outcome === 'built') result.exportsBuilt++;
    else if (outcome === 'retried') result.exportsRetried++;
    else if (outcome === 'failed') result.exportsFailed++;
  }
  const removed = await removeOldExports(db, at);
  result.exportsExpired = removed.expired;
  result.exportFilesRemoved = removed.files;
  return result;
}

/** Claims due exports (see the file's comment); one that used up its attempts is failed instead. */
export async function claimExports(db: Database, at: Date, limit: number): Promise<{ claimed: ClaimedExport[]; gaveUp: number }> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: dataExports.id, tenantId: dataExports.tenantId, patientId: dataExports.patientId, accountId: dataExports.accountId, attempts: dataExports.attempts })
      .from(dataExports)
      .where(and(
        inArray(dataExports.status, ['queued', 'building']),
        or(isNull(dataExports.lockedUntil), lte(dataExports.lockedUntil, at)),
      ))
      .orderBy(asc(dataExports.createdAt), asc(dataExports.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    const claimed: ClaimedExport[] = [];
    let gaveUp = 0;
    for (const row of due) {
      const where = and(eq(dataExports.tenantId, row.tenantId), eq(dataExports.id, row.id));
      if (row.attempts >= MAX_ATTEMPTS) {
        await tx.update(dataExports).set({ status: 'failed', lockedUntil: null }).where(where);
        await auditSystem(tx, row, DataExportAuditActions.failed, { reason: 'attempts_exhausted', attempts: row.attempts });
        await deleteAttemptObjects(row, row.attempts);
        gaveUp++;
        continue;
      }
      await tx.update(dataExports).set({ status: 'building', attempts: row.attempts + 1, lockedUntil: addSecondsTo(at, LEASE_SECONDS) }).where(where);
      claimed.push({ id: row.id, tenantId: row.tenantId, patientId: row.patientId, accountId: row.accountId, attempt: row.attempts + 1 });
    }
    return { claimed, gaveUp };
  });
}

/** Builds one claimed export; the outcome says how its row was left. */
export async function buildClaimedExport(db: Database, row: ClaimedExport, tmpDir = path.join(os.tmpdir(), 'carebridge-exports')): Promise<'built' | 'retried' | 'failed' | 'lost'> {
  await mkdir(tmpDir, { recursive: true });
  const tmp = path.join(tmpDir, `${row.id}-${row.attempt}-${randomUUID()}.zip`);
  const key = exportObjectKey(row, row.attempt);
  let stored = false;
  try {
    const lease = leaseKeeper(db, row);
    const built = await writeArchive(db, row, tmp, lease.renew);
    await lease.renew(true);
    await getObjectStore().put(key, createReadStream(tmp), { contentType: 'application/zip', contentLength: built.size });
    stored = true;
    const done = await db.transaction(async (tx) => {
      const at = now();
      const [updated] = await tx
        .update(dataExports)
        .set({ status: 'ready', storageKey: key, sizeBytes: built.size, readyAt: at, expiresAt: addSecondsTo(at, EXPORT_TTL_DAYS * 86_400), lockedUntil: null, lastError: null })
        .where(fenced(row))
        .returning({ id: dataExports.id });
      if (!updated) return false;
      await notifyReady(tx, row, built.notice);
      await auditSystem(tx, row, DataExportAuditActions.built, { attempt: row.attempt, sizeBytes: built.size, ...built.counts });
      return true;
    });
    if (!done) {
      await getObjectStore().delete(key);
      return 'lost';
    }
    // Objects of attempts that were overtaken (a runner that stored and then died) are not kept.
    await deleteAttemptObjects(row, row.attempt - 1).catch(() => undefined);
    return 'built';
  } catch (error) {
    if (stored) await getObjectStore().delete(key).catch(() => undefined);
    if (error instanceof LeaseLostError) return 'lost';
    return failOrRetry(db, row, error);
  } finally {
    await rm(tmp, { force: true });
  }
}

function leaseKeeper(db: Database, row: ClaimedExport) {
  let renewedAt = performance.now();
  return {
    /** Extends the lease when a minute has passed (or `force`); throws LeaseLostError once another runner holds the row. */
    async renew(force = false): Promise<void> {
      if (!force && performance.now() - renewedAt < RENEW_AFTER_MS) return;
      const [kept] = await db.update(dataExports).set({ lockedUntil: addSecondsTo(now(), LEASE_SECONDS) }).where(fenced(row)).returning({ id: dataExports.id });
      if (!kept) throw new LeaseLostError();
      renewedAt = performance.now();
    },
  };
}

async function failOrRetry(db: Database, row: ClaimedExport, error: unknown): Promise<'retried' | 'failed' | 'lost'> {
  const refused = error instanceof ExportRefused ? error.reason : null;
  // Name and code only: a failed query's message quotes its parameters.
  const lastError = refused ?? errorSummary(error);
  if (!refused) console.error(`data-exports: export ${row.id} attempt ${row.attempt} failed (${lastError})`);
  const giveUp = refused !== null || row.attempt >= MAX_ATTEMPTS;
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(dataExports)
      .set(giveUp
        ? { status: 'failed', lockedUntil: null, lastError }
        : { status: 'queued', lockedUntil: addSecondsTo(now(), RETRY_DELAYS_SECONDS[row.attempt - 1] ?? RETRY_DELAYS_SECONDS.at(-1)!), lastError })
      .where(fenced(row))
      .returning({ id: dataExports.id });
    // Another runner holds the row now (our lease ended while we failed): it is theirs to finish.
    if (!updated) return 'lost';
    if (giveUp) await auditSystem(tx, row, DataExportAuditActions.failed, { reason: refused ?? 'error', attempts: row.attempt });
    return giveUp ? 'failed' : 'retried';
  });
}

interface Requester {
  language: string;
  email: string | null;
  phone: string;
  clinicName: string;
  slug: string;
  logoUrl: string | null;
  primaryColor: string;
}

interface BuiltArchive {
  size: number;
  counts: Record<string, number>;
  notice: Requester;
}

/**
 * Who asked may no longer reach the patient (staff unlinked them, the age rules ended a parent's
 * access) or the export area: then nothing is built. What the export holds follows what their
 * link opens today (export-scope.ts).
 */
async function requesterAccess(db: Executor, row: ClaimedExport) {
  const [account] = await db
    .select({
      status: portalAccounts.status, language: portalAccounts.language, email: portalAccounts.email, phone: portalAccounts.phone,
      clinicName: tenantBranding.displayName, slug: tenants.slug, logoUrl: tenantBranding.logoUrl, primaryColor: tenantBranding.primaryColor,
    })
    .from(portalAccounts)
    .innerJoin(tenants, eq(tenants.id, portalAccounts.tenantId))
    .innerJoin(tenantBranding, eq(tenantBranding.tenantId, portalAccounts.tenantId))
    .where(and(eq(portalAccounts.tenantId, row.tenantId), eq(portalAccounts.id, row.accountId)));
  if (!account || account.status !== 'active') throw new ExportRefused('access_withdrawn');
  const link = resolveLinkedPatients(await queryLinkRows(db, row.tenantId, row.accountId), now()).find((p) => p.id === row.patientId);
  if (!link || !link.areas.includes('export')) throw new ExportRefused('access_withdrawn');
  return { requester: account, link };
}

async function writeArchive(db: Database, row: ClaimedExport, tmp: string, renew: (force?: boolean) => Promise<void>): Promise<BuiltArchive> {
  const { requester, link } = await requesterAccess(db, row);
  const isSelf = link.relationship === 'self';
  const scope = exportScope(link.areas, isSelf);
  const record = await collectRecord(db, row.tenantId, row.patientId, scope);
  if (!record) throw new ExportRefused('patient_gone');
  const generatedAt = now();
  const writer = new ZipFileWriter(tmp, generatedAt);
  try {
    const { exported, missing } = await copyFiles(writer, row, record, renew);
    const content = exportContent(row, record, requester.clinicName, generatedAt, scope.personalDetails, exported);
    const bundle = buildBundle(content);
    await writer.addBytes('bundle.json', Buffer.from(JSON.stringify(bundle, null, 2)));
    const counts = {
      appointments: content.appointments.length, documents: content.documents.length, forms: content.responses.length,
      messages: content.messages.length, invoices: content.invoices.length, people: content.related.length,
    };
    const files = [...exported.values()].map((f) => ({ path: f.path, size: f.size, sha256Hex: f.sha256Hex }));
    const partial = !isSelf && (Object.values(scope).some((included) => !included));
    await writer.addBytes('README.txt', Buffer.from(readmeText(toLocale(requester.language), { clinicName: requester.clinicName, generatedAt, counts, files, missing, partial })));
    const size = await writer.finish();
    return { size, counts: { ...counts, files: files.length, missingFiles: missing.length }, notice: requester };
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/** Streams every file into the ZIP, one after another; a file gone from storage is listed as missing. */
async function copyFiles(writer: ZipFileWriter, row: ClaimedExport, record: CollectedRecord, renew: () => Promise<void>) {
  const store = getObjectStore();
  const exported = new Map<string, ExportedFile>();
  const missing: string[] = [];
  for (const file of record.files) {
    await renew();
    try {
      let { contentType, path: zipPath } = file;
      if (!contentType) {
        // A form's answer file: its type was checked from the bytes at upload and is read the same way now.
        contentType = await detectDocumentType(await readPrefix(file.storageKey, SNIFF_BYTES)).catch(() => 'application/octet-stream');
        zipPath += extensionFor(contentType);
      }
      const object = await store.get(file.storageKey);
      const written = await writer.addStream(zipPath, object.body);
      exported.set(file.ref, { path: zipPath, contentType, ...written });
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
      missing.push(file.path);
    }
  }
  return { exported, missing };
}

function exportContent(
  row: ClaimedExport, record: CollectedRecord, clinicName: string, generatedAt: Date, withPersonalDetails: boolean, exported: Map<string, ExportedFile>,
): ExportContent {
  const fileOf = (ref: string) => exported.get(ref) ?? null;
  return {
    exportId: row.id,
    generatedAt,
    clinicName,
    patient: record.patient,
    withPersonalDetails,
    related: record.related,
    appointments: record.appointments,
    documents: record.documents.map(({ fileRef, ...d }) => ({ ...d, file: fileOf(fileRef) })),
    responses: record.responses.map(({ fileRefs, ...r }) => ({
      ...r,
      files: new Map([...fileRefs].flatMap(([fileId, ref]) => (exported.has(ref) ? [[fileId, exported.get(ref)!] as const] : []))),
    })),
    messages: record.messages.map((m) => ({ ...m, attachments: m.attachments.map((a) => ({ title: a.title, contentType: a.contentType, file: fileOf(a.fileRef) })) })),
    invoices: record.invoices,
  };
}

/** "Your data export from <clinic> is ready" to the person who asked, by email and SMS: no health information. */
async function notifyReady(tx: Executor, row: ClaimedExport, requester: Requester): Promise<void> {
  const language = pickNotificationLanguage(requester.language);
  const texts = dataExportReadyTexts[language];
  const link = portalLink(requester.slug, '/portal/data');
  await notifyAudience(tx, row.tenantId, {
    emails: requester.email ? [requester.email] : [],
    phones: [requester.phone],
    clinicName: requester.clinicName, slug: requester.slug, logoUrl: requester.logoUrl, primaryColor: requester.primaryColor,
  }, `data-export:${row.id}`, {
    email: noticeEmail(language, requester.clinicName, texts.emailSubject(requester.clinicName), [[portalLinkLine(language, texts.emailLine(requester.clinicName), link)]]),
    sms: texts.sms(requester.clinicName, link),
  });
}

function auditSystem(tx: Executor, row: { id: string; tenantId: string; patientId: string }, action: string, details: Record<string, unknown>) {
  return recordAudit(tx, {
    tenantId: row.tenantId, actor: { kind: 'system', label: 'data-exports job' }, action, patientId: row.patientId,
    target: { type: 'data_export', id: row.id }, details,
  });
}

/** Every object attempts 1..`upTo` may have stored (deleting a missing key is no error). */
async function deleteAttemptObjects(row: { tenantId: string; patientId: string; id: string }, upTo: number): Promise<void> {
  const store = getObjectStore();
  for (let attempt = 1; attempt <= upTo; attempt++) await store.delete(exportObjectKey(row, attempt));
}

/** Expires ready exports past their date, and removes the files of downloaded ones after the grace period. */
export async function removeOldExports(db: Database, at: Date): Promise<{ expired: number; files: number }> {
  const due = await db
    .select({ id: dataExports.id, tenantId: dataExports.tenantId, patientId: dataExports.patientId, status: dataExports.status, attempts: dataExports.attempts })
    .from(dataExports)
    .where(or(
      and(eq(dataExports.status, 'ready'), lte(dataExports.expiresAt, at)),
      and(eq(dataExports.status, 'downloaded'), sql`${dataExports.storageKey} is not null`, lte(dataExports.downloadedAt, addSecondsTo(at, -DOWNLOAD_GRACE_SECONDS))),
    ))
    .orderBy(asc(dataExports.createdAt))
    .limit(CLEANUP_BATCH);
  let expired = 0;
  let files = 0;
  for (const row of due) {
    await deleteAttemptObjects(row, row.attempts);
    const where = and(eq(dataExports.tenantId, row.tenantId), eq(dataExports.id, row.id), eq(dataExports.status, row.status));
    if (row.status === 'ready') {
      // Conditional on its state: a second runner, or a download that began just before the date, changes nothing here.
      const done = await db.transaction(async (tx) => {
        const [updated] = await tx.update(dataExports).set({ status: 'expired', storageKey: null }).where(and(where, lte(dataExports.expiresAt, at))).returning({ id: dataExports.id });
        if (updated) await auditSystem(tx, row, DataExportAuditActions.expired, {});
        return Boolean(updated);
      });
      if (done) {
        expired++;
        files++;
      }
    } else {
      const [updated] = await db.update(dataExports).set({ storageKey: null }).where(and(where, sql`${dataExports.storageKey} is not null`)).returning({ id: dataExports.id });
      if (updated) files++;
    }
  }
  return { expired, files };
}
