import { NextResponse, type NextRequest } from 'next/server';
import { FOREIGN_ACTION_PAGE, isForeignServerAction } from '@/lib/security/action-origin';
import { contentSecurityPolicy, createNonce, STORED_FILE_CSP, storageOriginFromEnv, stripeAllowedOn, stripeConnectFormOn } from '@/lib/security/headers';
import { addressPolicyFromEnv, clientAddress, CLIENT_IP_HEADER } from '@/lib/http/client-address';
import { SOCKET_ADDRESS_HEADER, socketAddressStampInstalled } from '@/lib/http/socket-address-stamp';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';

export const config = {
  runtime: 'nodejs',
  // Everything but Next's own assets, files served from public/ and the web manifest (app/manifest.ts, per host by itself).
  matcher: ['/((?!_next/static|_next/image|favicon\\.ico|manifest\\.webmanifest$|brand/|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|woff2|txt)$).*)'],
};

/** Headers only this middleware may set; a client sending them has them removed. */
export const INTERNAL_HEADER_PREFIX = 'x-carebridge-';
export const PATHNAME_HEADER = 'x-carebridge-pathname';
export const NONCE_HEADER = 'x-nonce';

// Read with a computed key so the bundler cannot inline a build-time value into middleware.
const ADDRESS_POLICY = addressPolicyFromEnv({ TRUSTED_PROXY_HOPS: process.env['TRUSTED_PROXY_HOPS'], VERCEL: process.env['VERCEL'] });

/**
 * Every response gets this request's CSP. Pages may show health information, so no page is
 * stored by browsers or proxies; route handlers choose their own caching (a clinic's logo may be
 * cached, a document never).
 */
function secure(response: NextResponse, csp: string, page: boolean): NextResponse {
  response.headers.set('Content-Security-Policy', csp);
  if (page) response.headers.set('Cache-Control', 'private, no-store, max-age=0');
  return response;
}

/**
 * Routing only: normalises the host, finds the clinic and rewrites into its route tree
 * (`/portal` on sunrise's host -> `/t/sunrise/portal`; the root host -> `/platform/...`).
 * It makes no authorisation decision: pages, actions and route handlers resolve the tenant
 * again and check the session themselves.
 */
export async function middleware(request: NextRequest) {
  // Read before the internal headers are stripped: the server stamped the socket address over
  // anything the client sent (lib/http/socket-address-stamp.ts).
  const socketAddress = socketAddressStampInstalled() ? request.headers.get(SOCKET_ADDRESS_HEADER) : null;
  const clientIp = clientAddress(request.headers, socketAddress, ADDRESS_POLICY);
  const forwarded = new Headers(request.headers);
  for (const name of [...forwarded.keys()]) {
    if (name.startsWith(INTERNAL_HEADER_PREFIX)) forwarded.delete(name);
  }
  forwarded.delete(NONCE_HEADER);
  if (clientIp) forwarded.set(CLIENT_IP_HEADER, clientIp);
  const { pathname, search } = request.nextUrl;
  forwarded.set(PATHNAME_HEADER, pathname);
  // Next reads the nonce from the request's CSP header and puts it on the scripts it renders.
  const nonce = createNonce();
  const csp = contentSecurityPolicy({
    nonce, development: process.env.NODE_ENV !== 'production', storageOrigin: storageOriginFromEnv(), https: request.nextUrl.protocol === 'https:',
    stripe: stripeAllowedOn(pathname), stripeConnect: stripeConnectFormOn(pathname),
  });
  forwarded.set(NONCE_HEADER, nonce);
  forwarded.set('content-security-policy', csp);

  // Route handlers resolve the host themselves; /api/health answers on every host. They render
  // no page, and their files (documents, attachments, logos) must keep the sandbox they were
  // served with: the middleware's header replaces the route's.
  if (pathname.startsWith('/api/')) {
    return secure(NextResponse.next({ request: { headers: forwarded } }), STORED_FILE_CSP, false);
  }

  if (isForeignServerAction(request.method, request.headers)) {
    const refused = new NextResponse(FOREIGN_ACTION_PAGE, { status: 403, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
    return secure(refused, csp, true);
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
  // The friendly page for a database outage still says 503, so monitors and proxies see it.
  const unavailable = target === '/service-unavailable' ? { status: 503, headers: { 'Retry-After': '5' } } : {};
  return secure(NextResponse.rewrite(url, { request: { headers: forwarded }, ...unavailable }), csp, true);
}
