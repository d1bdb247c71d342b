/**
 * Next refuses a server action whose `Origin` is not the host it was sent to (cross-site request
 * forgery), but it refuses by throwing, which answers 500. The middleware asks this first and
 * answers 403 instead. The decision is Next's own (app-render/action-handler.js): a request
 * without `Origin` passes (no browser sends credentials cross-site without one), the host is
 * the first `X-Forwarded-Host` entry, else `Host`; no `serverActions.allowedOrigins` is set.
 */
export function isForeignServerAction(method: string, headers: Headers): boolean {
  if (method !== 'POST' || !isServerActionRequest(headers)) return false;
  const origin = headers.get('origin');
  if (origin === null) return false;
  const originHost = originHostOf(origin);
  if (originHost === null) return true;
  const forwardedHost = headers.get('x-forwarded-host')?.split(',')[0]?.trim();
  const host = forwardedHost || headers.get('host');
  return !host || originHost !== host;
}

/** A fetch from the page carries `Next-Action`; a form posted without JavaScript is multipart. */
function isServerActionRequest(headers: Headers): boolean {
  return headers.has('next-action') || (headers.get('content-type') ?? '').startsWith('multipart/form-data');
}

function originHostOf(origin: string): string | null {
  if (origin === 'null') return null;
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The page a refused cross-site action answers with: no script, no clinic data. */
export const FOREIGN_ACTION_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Forbidden</title></head><body><h1>Forbidden</h1><p>This form was sent from another site, so nothing was changed. Open the page on this site and try again.</p></body></html>`;
