/**
 * Security headers for every response. Pure, so the policy is unit-tested and the middleware
 * and next.config.js only apply it.
 *
 * Scripts run only with this request's nonce ('strict-dynamic' lets Next's runtime load its
 * chunks); styles allow inline because React renders style attributes and the clinic's brand
 * colours are inlined as CSS variables (style attributes cannot carry a nonce).
 */
export interface CspOptions {
  nonce: string;
  /** next dev needs eval (React's debugging) and a websocket for hot reload. */
  development: boolean;
  /** Browsers upload straight to object storage with presigned requests. */
  storageOrigin?: string | null;
  /** The page came over HTTPS: then every subresource must too (never on a plain-http test host). */
  https?: boolean;
  /** The page takes a card with Stripe's Payment Element (see stripeAllowedOn). */
  stripe?: boolean;
  /** The page's form sends the admin on to Stripe's onboarding (see stripeConnectFormOn). */
  stripeConnect?: boolean;
}

/**
 * Stripe.js, its card frames and the bank's check it shows (3-D Secure), and its API. Allowed
 * only on the portal pages that take a card; links to them are full page loads (plain <a>, a GET
 * form), because a client-side navigation keeps the policy of the page the tab first loaded.
 */
const STRIPE = {
  script: 'https://js.stripe.com https://*.js.stripe.com',
  frame: 'https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com',
  connect: 'https://api.stripe.com',
};
const STRIPE_PAGES = ['/portal/billing/pay', '/portal/billing/cards/new', '/portal/shop/checkout'];
// An order's "pay with another card" page: /portal/shop/checkout/<order id>/pay.
const STRIPE_PAGE_PATTERNS = [/^\/portal\/shop\/checkout\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/pay$/];

/** Whether a page (the path the browser shows, before the tenant rewrite) may load Stripe. */
export function stripeAllowedOn(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return STRIPE_PAGES.includes(path) || STRIPE_PAGE_PATTERNS.some((p) => p.test(path));
}

/**
 * CRM → Billing's "Connect Stripe" answers with a redirect to Stripe's onboarding. Without
 * JavaScript that is the form's own redirect, which browsers hold to form-action; so that page,
 * and no other, may send a form on to Stripe's onboarding host.
 */
const STRIPE_CONNECT_ORIGIN = 'https://connect.stripe.com';
const STRIPE_CONNECT_PAGES = ['/crm/billing'];

export function stripeConnectFormOn(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return STRIPE_CONNECT_PAGES.includes(path);
}

export function contentSecurityPolicy({ nonce, development, storageOrigin, https = false, stripe = false, stripeConnect = false }: CspOptions): string {
  const storage = storageOrigin ? ` ${storageOrigin}` : '';
  const directives = [
    `default-src 'self'`,
    // With 'strict-dynamic', browsers that know it ignore host sources; Stripe's host is for those that do not.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${stripe ? ` ${STRIPE.script}` : ''}${development ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:${storage}`,
    `font-src 'self'`,
    `connect-src 'self'${storage}${stripe ? ` ${STRIPE.connect}` : ''}${development ? ' ws: wss:' : ''}`,
    `media-src 'self'${storage}`,
    `frame-src 'self'${stripe ? ` ${STRIPE.frame}` : ''}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'${stripeConnect ? ` ${STRIPE_CONNECT_ORIGIN}` : ''}`,
    `frame-ancestors 'none'`,
  ];
  if (https && !development) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/**
 * For files people uploaded (documents, attachments, logos) and every /api/ answer: opened in a
 * tab they load nothing and run nothing, in a unique origin, so a crafted file cannot act as
 * the clinic's site. The middleware sends it on /api/ too, so a route's own policy is not
 * replaced by the page policy.
 */
export const STORED_FILE_CSP = "default-src 'none'; sandbox";

/** A fresh, unguessable nonce per response (128 bits, base64). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}

/** The origin browsers talk to for presigned S3 requests, from the same settings the store uses. */
export function storageOriginFromEnv(env: Record<string, string | undefined> = process.env): string | null {
  if (!env['S3_BUCKET']) return null;
  if (env['S3_ENDPOINT']) {
    try {
      return new URL(env['S3_ENDPOINT']).origin;
    } catch {
      return null;
    }
  }
  const region = env['S3_REGION'] || env['AWS_REGION'] || 'us-east-1';
  return `https://${env['S3_BUCKET']}.s3.${region}.amazonaws.com`;
}

/** Headers that do not depend on the request; next.config.js sends them on every path, assets too. */
export function staticSecurityHeaders(production: boolean): { key: string; value: string }[] {
  const headers = [
    { key: 'X-Content-Type-Options', value: 'nosniff' },
    { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
    { key: 'X-Frame-Options', value: 'DENY' },
    { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
  ];
  // Only over real HTTPS: a browser that saw HSTS on localhost would refuse plain http dev servers.
  if (production) headers.push({ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains; preload' });
  return headers;
}
