import 'server-only';
import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { DocumentInputError } from './errors';
import {
  ALLOWED_TYPES_LABEL,
  EXTENSION_FOR_TYPE,
  formatBytes,
  isAllowedDocumentType,
  type DocumentContentType,
} from './upload-rules';

/** file-type needs at most this many leading bytes to recognise PDF, JPEG and PNG. */
export const SNIFF_BYTES = 4100;

/**
 * The real type, from the bytes. The browser's declared type and the file name are only
 * claims: a `.pdf` with PNG bytes is a PNG, and HTML or an executable is refused whatever it
 * is called.
 */
export async function detectDocumentType(bytes: Uint8Array): Promise<DocumentContentType> {
  const detected = await fileTypeFromBuffer(bytes.subarray(0, SNIFF_BYTES));
  if (!detected || !isAllowedDocumentType(detected.mime)) {
    throw new DocumentInputError(
      'unsupported_type',
      `This file is not a ${ALLOWED_TYPES_LABEL} (checked from its contents). Allowed types: PDF, JPG, PNG.`,
    );
  }
  return detected.mime;
}

export function assertSizeAllowed(size: number, maxBytes: number): void {
  if (!Number.isFinite(size) || size <= 0) {
    throw new DocumentInputError('empty', `The file is empty. Choose a ${ALLOWED_TYPES_LABEL} file.`);
  }
  if (size > maxBytes) {
    throw new DocumentInputError('too_large', `The file is ${formatBytes(size)}; this clinic accepts files up to ${formatBytes(maxBytes)}.`);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const MAX_NAME_LENGTH = 150;

/**
 * The original name, kept only as metadata and for the download's file name: no directories,
 * no control or bidi-override characters (U+202E turns "gpj.exe" into "exe.jpg" on screen),
 * no leading dots, at most 150 characters with the extension kept.
 */
export function sanitizeFilename(raw: string): string {
  const base = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = base
    // Cs: a lone surrogate cannot be percent-encoded (encodeURIComponent throws in Content-Disposition).
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (!name) return 'document';
  if ([...name].length > MAX_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = [...name.slice(0, name.length - ext.length)].slice(0, MAX_NAME_LENGTH - ext.length).join('').trimEnd() + ext;
  }
  return name;
}

/** The name a download gets: the original, with the extension the bytes call for. */
export function downloadFilename(original: string, contentType: string): string {
  if (!isAllowedDocumentType(contentType)) return original;
  const wanted = EXTENSION_FOR_TYPE[contentType];
  const dot = original.lastIndexOf('.');
  const stem = dot > 0 ? original.slice(0, dot) : original;
  const ext = dot > 0 ? original.slice(dot + 1).toLowerCase() : '';
  if (ext === wanted || (wanted === 'jpg' && ext === 'jpeg')) return original;
  return `${stem || 'document'}.${wanted}`;
}
