import { Readable } from 'node:stream';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { readAttachment } from '@/lib/conversations/attachments';
import { jsonError, resolveDownloadCaller } from '@/lib/documents/route-auth';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { contentDisposition, MAX_PRESIGNED_GET_SECONDS, ObjectNotFoundError } from '@/lib/storage/object-store';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * A message attachment's bytes, for the staff session (messages.view, visibility rules) or the
 * portal session (its selected patient owns the conversation). Anything else is a 404, like a
 * missing id. PDFs and images open inline; `?download=1` saves instead.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const caller = await resolveDownloadCaller(request);
  if (!caller.ok) return caller.response;
  const { id } = await params;
  const disposition = new URL(request.url).searchParams.get('download') === '1' ? 'attachment' : 'inline';
  const { requester } = caller;
  let file;
  try {
    file = await readAttachment(getDb(), requester.kind === 'staff'
      ? requester.ctx
      : { tenantId: requester.tenantId, accountId: requester.accountId, patientId: requester.patientId }, id, { disposition });
  } catch (error) {
    // Missing permission answers like a missing file: the id's existence is not revealed.
    if (error instanceof NotFoundError || error instanceof ForbiddenError) return jsonError(404, 'not_found');
    throw error;
  }
  const store = getObjectStore();
  const presigned = await store.presignGet(file.storageKey, {
    expiresSeconds: MAX_PRESIGNED_GET_SECONDS, filename: file.filename, contentType: file.contentType, disposition,
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
    'Content-Disposition': contentDisposition(disposition, file.filename),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  // An image opened in a tab runs nothing; this keeps it that way whatever the bytes hide.
  if (file.contentType !== 'application/pdf') headers['Content-Security-Policy'] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
  return new Response(Readable.toWeb(object.body) as ReadableStream, { status: 200, headers });
}
