import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { authorizeDocumentDownload } from '@/lib/documents/authorize-download';
import { downloadFilename } from '@/lib/documents/file-checks';
import { jsonError, resolveDownloadCaller } from '@/lib/documents/route-auth';
import { serveStoredFile } from '@/lib/storage/serve-stored-file';

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
  return serveStoredFile({ storageKey: document.storageKey, filename, contentType: document.contentType, disposition });
}
