import { Readable } from 'node:stream';
import { productImageTypeForFile } from '@/lib/commerce/product-image-rules';
import { productImageKey } from '@/lib/commerce/product-images';
import { getObjectStore } from '@/lib/storage/get-object-store';
import { ObjectNotFoundError } from '@/lib/storage/object-store';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/**
 * Product pictures of the clinic on this host. Public, like the clinic's logo: the shop shows them
 * to visitors who are not signed in, and a picture is catalogue material, not a patient's. The
 * clinic comes from the Host header only (the key is `{tenantId}/products/{file}`), so another
 * clinic's picture is not found here. Each upload gets a new key and a replaced picture is
 * deleted, so caching is forever; the content type comes from the stored name, which the upload
 * chose from the bytes.
 */
export async function GET(request: Request, { params }: { params: Promise<{ file: string }> }) {
  const { file } = await params;
  const contentType = productImageTypeForFile(file);
  if (!contentType) return notFound();
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  if (resolution.kind !== 'tenant' || resolution.tenant.status !== 'active') return notFound();
  let object;
  try {
    object = await getObjectStore().get(productImageKey(resolution.tenant.id, file));
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return notFound();
    throw error;
  }
  return new Response(Readable.toWeb(object.body) as ReadableStream, {
    status: 200,
    headers: {
      'Content-Type': contentType,
      'Content-Length': String(object.contentLength),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cross-Origin-Resource-Policy': 'same-origin',
    },
  });
}

function notFound() {
  return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } });
}
