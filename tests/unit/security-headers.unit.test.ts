import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, staticSecurityHeaders, storageOriginFromEnv, stripeAllowedOn, stripeConnectFormOn } from '@/lib/security/headers';

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...rest] = d.split(/\s+/);
    return [name!, rest.join(' ')];
  }));
}

describe('contentSecurityPolicy', () => {
  it('allows scripts only with the nonce, forbids framing, plugins and foreign forms', () => {
    const csp = directives(contentSecurityPolicy({ nonce: 'abc123', development: false, https: true }));
    expect(csp.get('script-src')).toBe(`'self' 'nonce-abc123' 'strict-dynamic'`);
    expect(csp.get('frame-ancestors')).toBe(`'none'`);
    expect(csp.get('object-src')).toBe(`'none'`);
    expect(csp.get('form-action')).toBe(`'self'`);
    expect(csp.get('base-uri')).toBe(`'self'`);
    expect(csp.has('upgrade-insecure-requests')).toBe(true);
    expect(contentSecurityPolicy({ nonce: 'x', development: false })).not.toContain('unsafe-eval');
  });

  it('upgrades subresources only for pages served over HTTPS', () => {
    expect(contentSecurityPolicy({ nonce: 'n', development: false, https: false })).not.toContain('upgrade-insecure-requests');
  });

  it('lets next dev evaluate and hot-reload, never in production', () => {
    const csp = directives(contentSecurityPolicy({ nonce: 'n', development: true }));
    expect(csp.get('script-src')).toContain(`'unsafe-eval'`);
    expect(csp.get('connect-src')).toContain('ws:');
    expect(csp.has('upgrade-insecure-requests')).toBe(false);
  });

  it('admits the object store only where browsers talk to it', () => {
    const csp = directives(contentSecurityPolicy({ nonce: 'n', development: false, storageOrigin: 'https://b.s3.eu-west-1.amazonaws.com' }));
    expect(csp.get('connect-src')).toBe(`'self' https://b.s3.eu-west-1.amazonaws.com`);
    expect(csp.get('script-src')).not.toContain('amazonaws');
  });
});

describe('Stripe in the policy', () => {
  it('admits Stripe.js, its frames and its API only where a page asks for it', () => {
    const plain = contentSecurityPolicy({ nonce: 'n', development: false });
    expect(plain).not.toContain('stripe');
    const csp = directives(contentSecurityPolicy({ nonce: 'n', development: false, stripe: true }));
    expect(csp.get('script-src')).toBe(`'self' 'nonce-n' 'strict-dynamic' https://js.stripe.com https://*.js.stripe.com`);
    expect(csp.get('frame-src')).toBe(`'self' https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com`);
    expect(csp.get('connect-src')).toBe(`'self' https://api.stripe.com`);
    expect(csp.get('default-src')).toBe(`'self'`);
    expect(csp.get('frame-ancestors')).toBe(`'none'`);
  });

  it('is asked for by the portal pages that take a card, and no other', () => {
    expect(stripeAllowedOn('/portal/billing/pay')).toBe(true);
    expect(stripeAllowedOn('/portal/billing/pay/')).toBe(true);
    expect(stripeAllowedOn('/portal/billing/cards/new')).toBe(true);
    expect(stripeAllowedOn('/portal/shop/checkout')).toBe(true);
    expect(stripeAllowedOn('/portal/shop/checkout/0b6c7a5e-2f4d-4c61-9a57-3d1e8f2b9c40/pay')).toBe(true);
    for (const path of ['/portal/billing', '/portal/billing/cards', '/portal/billing/payer', '/portal', '/crm/billing', '/emr/billing/pay', '/portal/billing/pay/x',
      '/portal/shop', '/portal/shop/cart', '/portal/shop/checkout/0b6c7a5e-2f4d-4c61-9a57-3d1e8f2b9c40', '/portal/shop/checkout/x/pay', '/portal/shop/checkout/0b6c7a5e-2f4d-4c61-9a57-3d1e8f2b9c40/pay/x']) {
      expect(stripeAllowedOn(path), path).toBe(false);
    }
  });
});

describe('Stripe onboarding in the policy', () => {
  it('lets CRM → Billing, and no other page, send its form on to Stripe’s onboarding (a redirect without JavaScript)', () => {
    const csp = directives(contentSecurityPolicy({ nonce: 'n', development: false, stripeConnect: true }));
    expect(csp.get('form-action')).toBe(`'self' https://connect.stripe.com`);
    expect(csp.get('script-src')).toBe(`'self' 'nonce-n' 'strict-dynamic'`);
    expect(csp.get('connect-src')).toBe(`'self'`);
    expect(stripeConnectFormOn('/crm/billing')).toBe(true);
    expect(stripeConnectFormOn('/crm/billing/')).toBe(true);
    for (const path of ['/crm', '/crm/billingx', '/emr/billing', '/portal/billing', '/portal/billing/cards/new', '/crm/billing/x']) {
      expect(stripeConnectFormOn(path), path).toBe(false);
    }
  });
});

describe('storageOriginFromEnv', () => {
  it('is the endpoint origin for S3-compatible stores, the bucket host on AWS, nothing for local files', () => {
    expect(storageOriginFromEnv({ S3_BUCKET: 'docs', S3_ENDPOINT: 'http://127.0.0.1:4569/some/path' })).toBe('http://127.0.0.1:4569');
    expect(storageOriginFromEnv({ S3_BUCKET: 'docs', S3_REGION: 'us-east-2' })).toBe('https://docs.s3.us-east-2.amazonaws.com');
    expect(storageOriginFromEnv({})).toBeNull();
    expect(storageOriginFromEnv({ S3_BUCKET: 'docs', S3_ENDPOINT: 'not a url' })).toBeNull();
  });
});

describe('createNonce', () => {
  it('is fresh each time and 128 bits', () => {
    const a = createNonce();
    expect(a).not.toBe(createNonce());
    expect(Buffer.from(a, 'base64')).toHaveLength(16);
  });
});

describe('staticSecurityHeaders', () => {
  it('always sends nosniff and a referrer policy; HSTS only in production', () => {
    const dev = Object.fromEntries(staticSecurityHeaders(false).map((h) => [h.key, h.value]));
    expect(dev['X-Content-Type-Options']).toBe('nosniff');
    expect(dev['Referrer-Policy']).toBe('strict-origin-when-cross-origin');
    expect(dev['Strict-Transport-Security']).toBeUndefined();
    const prod = Object.fromEntries(staticSecurityHeaders(true).map((h) => [h.key, h.value]));
    expect(prod['Strict-Transport-Security']).toMatch(/max-age=\d{8}/);
  });
});
