import 'server-only';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { jsonError } from '@/lib/documents/route-auth';
import { STORED_FILE_CSP } from '@/lib/security/headers';
import { pdfHasActiveContent } from '@/lib/security/pdf-active-content';
import { getObjectStore } from './get-object-store';
import { contentDisposition, MAX_PRESIGNED_GET_SECONDS, ObjectNotFoundError } from './object-store';

export interface StoredFileResponse {
  storageKey: string;
  filename: string;
  contentType: string;
  disposition: 'inline' | 'attachment';
}

/**
 * The response for a file the caller was already authorised to read (a document, a message
 * attachment): never cached, never sniffed, sandboxed so nothing in it runs as the clinic's site.
 * A download may be a short-lived presigned redirect where the store has one (S3); a file opened
 * in the browser always comes through here, because only here does it carry the sandbox, and a
 * PDF that asks to run JavaScript or actions is only ever saved, never opened.
 */
export async function serveStoredFile(file: StoredFileResponse): Promise<Response> {
  const store = getObjectStore();
  if (file.disposition === 'attachment') {
    const presigned = await store.presignGet(file.storageKey, {
      expiresSeconds: MAX_PRESIGNED_GET_SECONDS, filename: file.filename, contentType: file.contentType, disposition: 'attachment',
    });
    if (presigned) {
      return new Response(null, { status: 302, headers: { Location: presigned, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
    }
  }
  let object;
  try {
    object = await store.get(file.storageKey);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return jsonError(404, 'not_found');
    throw error;
  }
  let body: BodyInit;
  let disposition = file.disposition;
  if (disposition === 'inline' && file.contentType === 'application/pdf') {
    const bytes = await buffer(object.body);
    if (pdfHasActiveContent(bytes)) disposition = 'attachment';
    body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } else {
    body = Readable.toWeb(object.body) as ReadableStream;
  }
  const headers: Record<string, string> = {
    'Content-Type': file.contentType,
    'Content-Length': String(object.contentLength),
    'Content-Disposition': contentDisposition(disposition, file.filename),
    'Content-Security-Policy': STORED_FILE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  return new Response(body, { status: 200, headers });
}
