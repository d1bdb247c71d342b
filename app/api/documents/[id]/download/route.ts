import { Readable } from 'node:stream';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { authorizeDocumentDownload } from '@/lib/documents/authorize-download';
import { downloadFilename } from '@/lib/documents/file-checks';
import { jsonError, resolveDownloadCaller } from '@/lib/documents/route-auth';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { contentDisposition, MAX_PRESIGNED_GET_SECONDS, ObjectNotFoundError } from '@/lib/storage/object-store';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * The only way to a document's bytes. Staff need documents.view in this clinic; a portal
 * session needs its selected patient to own a visible document. Another clinic's id is a 404,
 * like a missing one. `?view=1` opens the PDF or image in the browser instead of saving it.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const caller = await resolveDownloadCaller(request);
  if (!caller.ok) return caller.response;
  const { id } = await params;
  const view = new URL(request.url).searchParams.get('view') === '1';
  let document;
  try {
    document = await authorizeDocumentDownload(getDb(), caller.requester, id, { view });
  } catch (error) {
    if (error instanceof NotFoundError) return jsonError(404, 'not_found');
    if (error instanceof ForbiddenError) return jsonError(403, 'forbidden');
    throw error;
  }
  const disposition = view ? 'inline' : 'attachment';
  const filename = downloadFilename(document.originalFilename, document.contentType);
  const store = getObjectStore();

  const presigned = await store.presignGet(document.storageKey, {
    expiresSeconds: MAX_PRESIGNED_GET_SECONDS, filename, contentType: document.contentType, disposition,
  });
  if (presigned) {
    return new Response(null, { status: 302, headers: { Location: presigned, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
  }

  let object;
  try {
    object = await store.get(document.storageKey);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return jsonError(404, 'not_found');
    throw error;
  }
  const headers: Record<string, string> = {
    'Content-Type': document.contentType,
    'Content-Length': String(object.contentLength),
    'Content-Disposition': contentDisposition(disposition, filename),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  // An image opened in a tab runs nothing; this keeps it that way whatever the bytes hide.
  if (document.contentType !== 'application/pdf') headers['Content-Security-Policy'] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
  return new Response(Readable.toWeb(object.body) as ReadableStream, { status: 200, headers });
}
