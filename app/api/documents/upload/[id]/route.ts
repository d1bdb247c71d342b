import { Readable } from 'node:stream';
import { getDb } from '@/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/access/context';
import { receiveLocalUpload } from '@/lib/documents/direct-upload';
import { DocumentInputError } from '@/lib/documents/errors';
import { jsonError, resolveStaffCaller } from '@/lib/documents/route-auth';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const STATUS: Partial<Record<DocumentInputError['code'], number>> = { too_large: 413, upload_expired: 410 };

/**
 * The local store's direct upload (S3 takes a presigned POST instead): the uploader's own
 * pending document, body streamed to disk and cut off at the announced size. The document is
 * not usable until the confirmation step has checked the bytes.
 */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const caller = await resolveStaffCaller(request);
  if (!caller.ok) return caller.response;
  const { id } = await params;
  if (!request.body) return jsonError(400, 'empty', 'The file is empty.');
  const length = request.headers.get('content-length');
  try {
    await receiveLocalUpload(getDb(), caller.ctx, id, Readable.fromWeb(request.body as never), length ? Number(length) : null);
    return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    if (error instanceof DocumentInputError) return jsonError(STATUS[error.code] ?? 400, error.code, error.message);
    if (error instanceof NotFoundError) return jsonError(404, 'not_found');
    if (error instanceof ForbiddenError) return jsonError(403, 'forbidden');
    throw error;
  }
}
