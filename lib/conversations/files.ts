import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Executor } from '@/db/client';
import { maxUploadBytes } from '@/lib/documents/document-scope';
import { DocumentInputError } from '@/lib/documents/errors';
import { assertSizeAllowed, detectDocumentType, sanitizeFilename, sha256Hex } from '@/lib/documents/file-checks';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { isSubmittedFile, MAX_FILES_PER_MESSAGE, type MessageFileInput, type Refusal } from './types';

/** A checked file, stored and waiting for its row. */
export interface PreparedFile {
  id: string;
  storageKey: string;
  originalFilename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  bytes: Buffer;
}

export type PreparedFiles = { ok: true; files: PreparedFile[] } | Refusal;

/** A form without a chosen file still posts an empty, nameless entry. */
function isRealFile(file: MessageFileInput): boolean {
  return isSubmittedFile(file);
}

/**
 * The same checks as documents: real type from the bytes (PDF, JPEG, PNG), the clinic's size
 * limit, a clean name. Nothing is stored when any file is refused.
 */
export async function checkFiles(db: Executor, tenantId: string, patientId: string, files: readonly MessageFileInput[] = []): Promise<PreparedFiles> {
  const real = files.filter(isRealFile);
  if (real.length > MAX_FILES_PER_MESSAGE) {
    return { ok: false, error: 'file', reason: 'too_many', field: 'files', message: `Attach at most ${MAX_FILES_PER_MESSAGE} files to one message.` };
  }
  if (real.length === 0) return { ok: true, files: [] };
  const limit = await maxUploadBytes(db, tenantId);
  const prepared: PreparedFile[] = [];
  for (const file of real) {
    try {
      assertSizeAllowed(file.size, limit);
      const bytes = Buffer.from(await file.arrayBuffer());
      assertSizeAllowed(bytes.length, limit);
      const contentType = await detectDocumentType(bytes);
      const id = randomUUID();
      prepared.push({
        id,
        storageKey: `${tenantId}/${patientId}/messages/${id}`,
        originalFilename: sanitizeFilename(file.name),
        contentType,
        sizeBytes: bytes.length,
        sha256: sha256Hex(bytes),
        bytes,
      });
    } catch (error) {
      if (error instanceof DocumentInputError) {
        return { ok: false, error: 'file', reason: error.code, field: 'files', message: `${sanitizeFilename(file.name)}: ${error.message}` };
      }
      throw error;
    }
  }
  return { ok: true, files: prepared };
}

/** Bytes first: if storing fails, whatever was stored is removed and nothing gets a row. */
export async function storeFiles(files: PreparedFile[]): Promise<void> {
  const store = getObjectStore();
  const stored: string[] = [];
  try {
    for (const file of files) {
      await store.put(file.storageKey, file.bytes, { contentType: file.contentType, contentLength: file.sizeBytes });
      stored.push(file.storageKey);
    }
  } catch (error) {
    await removeFiles(stored);
    throw error;
  }
}

export async function removeFiles(keys: string[]): Promise<void> {
  const store = getObjectStore();
  await Promise.all(keys.map((key) => store.delete(key).catch(() => {})));
}
