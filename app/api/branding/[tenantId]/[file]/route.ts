import { Readable } from 'node:stream';
import { assetTypeForFileName } from '@/lib/branding-assets/asset-rules';
import { brandingAssetKey } from '@/lib/branding-assets/branding-assets';
import { isUuid } from '@/lib/kernel/ids';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { ObjectNotFoundError } from '@/lib/storage/object-store';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Clinic logos and favicons. They are public (the sign-in page shows them), so no session is
 * needed; the key is server-generated and changes on every upload, so caching is forever.
 * The content type comes from the stored name, which the upload chose from the bytes.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ tenantId: string; file: string }> }) {
  const { tenantId, file } = await params;
  const contentType = assetTypeForFileName(file);
  if (!isUuid(tenantId) || !contentType) return notFound();
  let object;
  try {
    object = await getObjectStore().get(brandingAssetKey(tenantId.toLowerCase(), file));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return notFound();
    throw error;
  }
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'Content-Length': String(object.contentLength),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'public, max-age=31536000, immutable',
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
  // The upload check refused scripts; opened on its own, the SVG still runs nothing.
  if (contentType === 'image/svg+xml') headers['Content-Security-Policy'] = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
  return new Response(Readable.toWeb(object.body) as ReadableStream, { status: 200, headers });
}

function notFound() {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } });
}
