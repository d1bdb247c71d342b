import { NextResponse, type NextRequest } from 'next/server';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';

export const config = {
  runtime: 'nodejs',
  // Everything but Next's own assets and files served from public/.
  matcher: ['/((?!_next/static|_next/image|favicon\\.ico|brand/|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2|txt)$).*)'],
};

/** Headers only this middleware may set; a client sending them has them removed. */
export const INTERNAL_HEADER_PREFIX = 'x-carebridge-';
export const PATHNAME_HEADER = 'x-carebridge-pathname';

/**
 * Routing only: normalises the host, finds the clinic and rewrites into its route tree
 * (`/portal` on sunrise's host -> `/t/sunrise/portal`; the root host -> `/platform/...`).
 * It makes no authorisation decision: pages, actions and route handlers resolve the tenant
 * again and check the session themselves.
 */
export async function middleware(request: NextRequest) {
  const forwarded = new Headers(request.headers);
  for (const name of [...forwarded.keys()]) {
    if (name.startsWith(INTERNAL_HEADER_PREFIX)) forwarded.delete(name);
  }
  const { pathname, search } = request.nextUrl;
  forwarded.set(PATHNAME_HEADER, pathname);

  // Route handlers resolve the host themselves; /api/health answers on every host.
  if (pathname.startsWith('/api/')) {
    return NextResponse.next({ request: { headers: forwarded } });
  }

  let target: string;
  try {
    const resolution = await resolveTenantByHost(request.headers.get('host'));
    const rest = pathname === '/' ? '' : pathname;
    if (resolution.kind === 'root') target = `/platform${rest}`;
    else if (resolution.kind === 'not-found') target = '/unknown-host';
    else if (resolution.tenant.status !== 'active') target = '/unavailable';
    else target = `/t/${resolution.tenant.slug}${rest}`;
  } catch (error) {
    console.error('tenant resolution failed', error instanceof Error ? error.message : error);
    target = '/service-unavailable';
  }

  const url = request.nextUrl.clone();
  url.pathname = target;
  url.search = search;
  return NextResponse.rewrite(url, { request: { headers: forwarded } });
}
