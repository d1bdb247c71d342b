import 'server-only';
import { Readable } from 'node:stream';
import { jsonError } from '@/lib/documents/route-auth';
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
 * attachment): a short-lived presigned redirect where the store has one (S3), else the bytes,
 * never cached, never sniffed, and an image opened in a tab runs nothing.
 */
export async function serveStoredFile(file: StoredFileResponse): Promise<Response> {
  const store = getObjectStore();
  const presigned = await store.presignGet(file.storageKey, {
    expiresSeconds: MAX_PRESIGNED_GET_SECONDS, filename: file.filename, contentType: file.contentType, disposition: file.disposition,
  });
  if (presigned) {
    return new Response(null, { status: 302, headers: { Location: presigned, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
  }
  let object;
  try {
    object = await store.get(file.storageKey);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return jsonError(404, 'not_found');
    throw error;
  }
  const headers: Record<string, string> = {
    'Content-Type': file.contentType,
    'Content-Length': String(object.contentLength),
    'Content-Disposition': contentDisposition(file.disposition, file.filename),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  if (file.contentType !== 'application/pdf') headers['Content-Security-Policy'] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
  return new Response(Readable.toWeb(object.body) as ReadableStream, { status: 200, headers });
}
