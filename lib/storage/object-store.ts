import 'server-only';
import type { Readable } from 'node:stream';

/**
 * Where document files live: a local folder (embedded default) or S3 / an S3-compatible store.
 * Keys are always server-generated (`{tenantId}/{patientId}/{uuid}`); nothing a user typed is
 * ever part of a key.
 */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Stores `body`. A stream longer than `contentLength` is refused and nothing is kept. */
  put(key: string, body: Buffer | Readable, options: { contentType: string; contentLength: number }): Promise<void>;
  /** Throws ObjectNotFoundError. `range` is inclusive, as in HTTP (`bytes=start-end`). */
  get(key: string, options?: { range?: { start: number; end: number } }): Promise<StoredObject>;
  head(key: string): Promise<{ size: number; contentType: string | null } | null>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A short-lived direct upload limited in size and type, or null: upload through the app. */
  presignPut(key: string, options: { contentType: string; maxBytes: number; expiresSeconds: number }): Promise<PresignedUpload | null>;
  /** A download URL valid at most 60 seconds, or null: the app streams the file itself. */
  presignGet(
    key: string,
    options: { expiresSeconds: number; filename: string; contentType: string; disposition?: 'attachment' | 'inline' },
  ): Promise<string | null>;
}

export interface StoredObject {
  body: Readable;
  contentLength: number;
  contentType: string | null;
}

/** A browser form POST: send `fields` first, then the file as the last field, named `file`. */
export interface PresignedUpload {
  method: 'POST';
  url: string;
  fields: Record<string, string>;
}

export class ObjectNotFoundError extends Error {
  constructor(key: string) {
    super(`object ${key} not found`);
    this.name = 'ObjectNotFoundError';
  }
}

export class ObjectTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`object larger than ${limit} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

export class InvalidObjectKeyError extends Error {
  constructor() {
    super('invalid object key');
    this.name = 'InvalidObjectKeyError';
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Keys are server-generated, so anything unusual is a bug or an attack: refuse `..`, absolute
 * paths, backslashes, empty segments and characters outside a small safe set.
 */
export function assertSafeObjectKey(key: string): void {
  if (key.length === 0 || key.length > 512 || key.startsWith('/')) throw new InvalidObjectKeyError();
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment) || segment.includes('..')) throw new InvalidObjectKeyError();
  }
}

/** `attachment; filename="..."; filename*=UTF-8''...` with an ASCII fallback (RFC 6266, 5987). */
export function contentDisposition(disposition: 'attachment' | 'inline', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Presigned downloads never live longer than this, whatever a caller asks for. */
export const MAX_PRESIGNED_GET_SECONDS = 60;
