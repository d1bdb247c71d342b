import { getDb } from '@/db/client';
import { readUnsubscribeToken, unsubscribeByToken } from '@/lib/engagement/unsubscribe';
import { clientInfoFromHeaders } from '@/lib/http/client-info';
import { errorSummary } from '@/lib/kernel/errors';
import { resolveTenantByHost } from '@/lib/tenancy/resolve-tenant';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
// RFC 8058's body is 26 bytes; a mail provider may send it as multipart. Anything far larger is not one.
const MAX_BODY_BYTES = 4096;

/**
 * One-click unsubscribe (RFC 8058), at the address a marketing email's `List-Unsubscribe` header
 * names. A mail client (Gmail's, Apple Mail's "Unsubscribe") POSTs `List-Unsubscribe=One-Click`
 * here without cookies or a page: the token is the credential. It must be this host's clinic's
 * (another clinic's token answers 404, as a forged one does). The same change as the page's button
 * (lib/engagement/unsubscribe.ts), so it is idempotent.
 */
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  const tenant = await clinicOf(request);
  if (!tenant || !readUnsubscribeToken(token)) return notFound();
  if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return badRequest();
  if (!(await isOneClickBody(request))) return badRequest();
  try {
    const done = await unsubscribeByToken(getDb(), tenant, token, clientInfoFromHeaders(request.headers));
    if (!done) return notFound();
  } catch (error) {
    console.error(`unsubscribe: one-click failed (${errorSummary(error)})`);
    return new Response('Not unsubscribed, try again later\n', { status: 503, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '60' } });
  }
  return new Response('Unsubscribed\n', { status: 200, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * A person who opens the header's address in a browser (mail clients without one-click do) gets
 * the page with the button: a GET never unsubscribes, since mail scanners fetch links.
 */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> {
  const { token } = await params;
  const tenant = await clinicOf(request);
  if (!tenant || !readUnsubscribeToken(token)) return notFound();
  return new Response(null, { status: 303, headers: { ...NO_STORE, Location: `/portal/unsubscribe/${encodeURIComponent(token)}` } });
}

async function clinicOf(request: Request) {
  const resolution = await resolveTenantByHost(request.headers.get('host'));
  return resolution.kind === 'tenant' && resolution.tenant.status === 'active' ? resolution.tenant : null;
}

/** `List-Unsubscribe=One-Click`, form-encoded or multipart, as RFC 8058 says. */
async function isOneClickBody(request: Request): Promise<boolean> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return false;
  try {
    const raw = await request.arrayBuffer();
    if (raw.byteLength > MAX_BODY_BYTES) return false;
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    return form.get('List-Unsubscribe') === 'One-Click';
  } catch {
    return false;
  }
}

function notFound(): Response {
  return new Response('Not found\n', { status: 404, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' } });
}

function badRequest(): Response {
  return new Response('Expected List-Unsubscribe=One-Click\n', { status: 400, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' } });
}
