import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { readAttachment } from '@/lib/conversations/attachments';
import { jsonError, resolveDownloadCaller } from '@/lib/documents/route-auth';
import { serveStoredFile } from '@/lib/storage/serve-stored-file';

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
    file = await readAttachment(getDb(), requester.ctx, id, { disposition });
  } catch (error) {
    // Missing permission answers like a missing file: the id's existence is not revealed.
    if (error instanceof NotFoundError || error instanceof ForbiddenError) return jsonError(404, 'not_found');
    throw error;
  }
  return serveStoredFile({ storageKey: file.storageKey, filename: file.filename, contentType: file.contentType, disposition });
}
