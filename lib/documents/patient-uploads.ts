import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Database, Executor } from '@/db/client';
import { documents, documentTypes, tenantSettings, type DocumentRow } from '@/db/schema';
import { NotFoundError, type PortalContext } from '@/lib/access/context';
import { assertPortalArea } from '@/lib/access/linked-patients';
import { recordAudit } from '@/lib/audit/record-audit';
import { now as clockNow } from '@/lib/clock';
import { completeUploadRequirement } from '@/lib/commerce/requirements';
import { localizedColumn, portalTextScope } from '@/lib/i18n/clinic-text-sql';
import type { Translate } from '@/lib/i18n/core';
import type { uploads } from '@/lib/i18n/messages/uploads';
import { RuleError } from '@/lib/kernel/errors';
import { isUuid } from '@/lib/kernel/ids';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { DocumentAuditActions, maxUploadBytes, requireActiveType } from './document-scope';
import { DocumentInputError } from './errors';
import { assertSizeAllowed, detectDocumentType, sanitizeFilename, sha256Hex } from './file-checks';
import { formatBytes, SERVER_ACTION_MAX_BYTES } from './file-rules';
import { documentStorageKey } from './upload-document';

/**
 * Issue 5 point 6: where the clinic allows it (CRM setting, default off), a patient uploads a
 * file from the portal. The same checks as staff uploads (type sniffed from the bytes, the
 * clinic's size limit, server-generated storage key), marked uploaded by the patient and
 * visible to them at once. Only the server-action path: files up to 4 MB.
 */

export class PatientUploadsDisabledError extends Error {
  constructor() {
    super('patient uploads are turned off for this clinic');
    this.name = 'PatientUploadsDisabledError';
  }
}

export async function patientUploadsAllowed(db: Executor, ctx: PortalContext): Promise<boolean> {
  const [row] = await db.select({ allowed: tenantSettings.patientUploadsAllowed }).from(tenantSettings).where(eq(tenantSettings.tenantId, ctx.tenant.id));
  return Boolean(row?.allowed);
}

/** A patient can file under the clinic's active types that the portal shows. */
async function requirePortalType(db: Executor, tenantId: string, typeId: string) {
  const type = await requireActiveType(db, tenantId, typeId);
  const [row] = await db
    .select({ hidden: documentTypes.hiddenFromPortal })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, tenantId), eq(documentTypes.id, type.id)));
  if (!row || row.hidden) throw new DocumentInputError('unknown_type', 'Choose one of the clinic’s document types.', 'typeId');
  return type;
}

/** The types offered on the upload form: active and shown in the portal, named in the reader's language. */
export async function listUploadDocumentTypes(db: Executor, ctx: PortalContext): Promise<{ id: string; name: string }[]> {
  const name = localizedColumn(documentTypes.name, documentTypes.translations, 'name', portalTextScope(ctx));
  return db
    .select({ id: documentTypes.id, name })
    .from(documentTypes)
    .where(and(eq(documentTypes.tenantId, ctx.tenant.id), eq(documentTypes.active, true), eq(documentTypes.hiddenFromPortal, false)))
    .orderBy(asc(name), asc(documentTypes.id));
}

/** The most a patient may send: the clinic's limit, but never more than a server action carries. */
export async function patientUploadLimit(db: Executor, ctx: PortalContext): Promise<number> {
  return Math.min(await maxUploadBytes(db, ctx.tenant.id), SERVER_ACTION_MAX_BYTES);
}

export interface PatientUploadInput {
  title: string;
  typeId: string;
  /** Today in the patient's zone (YYYY-MM-DD): the document's date for sorting. */
  today: string;
  file: { bytes: Buffer; name: string; declaredType: string };
  /**
   * The order's upload request this file answers (lib/commerce/requirements.ts): allowed even
   * when the clinic does not take other uploads, and the request is done in the same transaction.
   */
  orderRequirementId?: string;
}

export async function uploadPatientDocument(db: Database, ctx: PortalContext, input: PatientUploadInput): Promise<DocumentRow> {
  if (input.orderRequirementId === undefined && !(await patientUploadsAllowed(db, ctx))) throw new PatientUploadsDisabledError();
  if (!isUuid(ctx.patient.id)) throw new NotFoundError('patient');
  // An order's upload belongs to the order (Orders); any other upload to Documents.
  await assertPortalArea(db, ctx, input.orderRequirementId === undefined ? 'documents' : 'orders');
  const tenantId = ctx.tenant.id;
  const patientId = ctx.patient.id;
  const title = input.title.normalize('NFC').trim();
  if (!title) throw new DocumentInputError('invalid_input', 'Enter a title.', 'title');
  if ([...title].length > 200) throw new DocumentInputError('invalid_input', 'Use at most 200 characters.', 'title');
  const type = await requirePortalType(db, tenantId, input.typeId);
  assertSizeAllowed(input.file.bytes.length, await patientUploadLimit(db, ctx));
  const contentType = await detectDocumentType(input.file.bytes);

  const id = randomUUID();
  const storageKey = documentStorageKey(tenantId, patientId, id);
  const [pending] = await db
    .insert(documents)
    .values({
      tenantId, id, patientId, typeId: type.id, title,
      examinationDate: /^\d{4}-\d{2}-\d{2}$/.test(input.today) ? input.today : null,
      visibleToPatient: true, notifyPatient: false, status: 'pending', storageKey,
      originalFilename: sanitizeFilename(input.file.name), contentType, sizeBytes: input.file.bytes.length,
      uploadedByKind: 'patient', uploadedById: ctx.account.id,
    })
    .returning();

  const store = getObjectStore();
  try {
    await store.put(storageKey, input.file.bytes, { contentType, contentLength: input.file.bytes.length });
    const declaredType = input.file.declaredType.slice(0, 100);
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(documents)
        .set({ status: 'available', sha256: sha256Hex(input.file.bytes), updatedAt: clockNow() })
        .where(and(eq(documents.tenantId, tenantId), eq(documents.id, pending!.id), eq(documents.status, 'pending')))
        .returning();
      if (!row) throw new Error('document was not pending');
      // Not the patient's open request: NotFoundError rolls the document back.
      if (input.orderRequirementId !== undefined) await completeUploadRequirement(tx, ctx, input.orderRequirementId, row.id);
      await recordAudit(tx, ctx, {
        action: DocumentAuditActions.uploaded, patientId, target: { type: 'document', id: row.id },
        details: {
          area: 'portal', uploadedBy: 'patient',
          after: { typeId: row.typeId, title: row.title, contentType: row.contentType, sizeBytes: row.sizeBytes, originalFilename: row.originalFilename },
          ...(declaredType !== contentType ? { declaredType, detectedType: contentType } : {}),
        },
      });
      return row;
    });
  } catch (error) {
    await store.delete(storageKey).catch(() => {});
    await db.delete(documents).where(and(eq(documents.tenantId, tenantId), eq(documents.id, id), eq(documents.status, 'pending')));
    throw error;
  }
}

type UploadMessages = (typeof uploads)['en'];

/**
 * A refused upload in the patient's words, as the form shows it: the file, type or title field
 * that needs fixing, or why uploads are not possible. Null for an unexpected failure.
 */
async function portalUploadRefusal(db: Executor, ctx: PortalContext, error: unknown, fileSize: number, t: Translate<UploadMessages>): Promise<RuleError | null> {
  if (error instanceof PatientUploadsDisabledError) return new RuleError('uploads_disabled', t('errDisabled'));
  if (!(error instanceof DocumentInputError)) return null;
  const field = (name: 'file' | 'typeId' | 'title', message: string) => new RuleError(error.code, t('fixErrors'), { [name]: message });
  if (error.code === 'empty') return field('file', t('errEmpty'));
  if (error.code === 'too_large') return field('file', t('errTooLarge', { size: formatBytes(fileSize), max: formatBytes(await patientUploadLimit(db, ctx)) }));
  if (error.code === 'unsupported_type') return field('file', t('errWrongType'));
  if (error.code === 'unknown_type') return field('typeId', t('errType'));
  if (error.field === 'title') return field('title', error.message === 'Enter a title.' ? t('errTitle') : t('errTitleTooLong'));
  return new RuleError(error.code, t('errGeneric'));
}

/** uploadPatientDocument for the portal's form: a refusal is a RuleError in the patient's words (the action wrapper shows it). */
export async function uploadFromPortal(db: Database, ctx: PortalContext, input: PatientUploadInput, t: Translate<UploadMessages>): Promise<DocumentRow> {
  try {
    return await uploadPatientDocument(db, ctx, input);
  } catch (error) {
    throw (await portalUploadRefusal(db, ctx, error, input.file.bytes.length, t)) ?? error;
  }
}
