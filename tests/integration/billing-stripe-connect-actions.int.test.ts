import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { auditLog, billingSettings } from '@/db/schema';
import { createTestTenant } from '../support/factories';
import { createStaffContext } from '../support/staff-context';
import { fingerprintTenants, formData, hostFor, invokeAction, isRefusal, signIn, type Outcome } from '../support/action-harness';

vi.mock('next/headers', async () => (await import('../support/action-harness')).nextHeadersMock());
vi.mock('next/cache', async (real) => (await import('../support/action-harness')).nextCacheMock(await real()));
vi.mock('next-auth', async () => (await import('../support/action-harness')).nextAuthMock());

/**
 * CRM → Billing, Stripe connection, as its buttons post it: "Connect Stripe" makes the clinic's
 * account once and sends the browser to Stripe's onboarding link, whose return and refresh
 * addresses are this request's host (never the form's); "Check status again" and the page after
 * Stripe sends the admin back ask Stripe whether the account can take charges. Without the
 * platform's Stripe keys the action refuses in words and the page says who must set them. Staff
 * without billing.settings are refused and Stripe is never called. Stripe is a loopback server.
 */

const actions = await import('@/app/t/[tenant]/crm/(app)/billing/actions');
const { default: billingPage } = await import('@/app/t/[tenant]/crm/(app)/billing/page');

const db = () => getDb();

let stripeRequests: { method: string; path: string; form: Record<string, string>; account: string | undefined }[] = [];
let nextAccountId = 'acct_new';
let chargesEnabled = false;
let linkHost = 'https://connect.stripe.com';
let server: http.Server;

function stripeAnswer(method: string, path: string): unknown {
  if (method === 'POST' && path === '/v1/accounts') return { id: nextAccountId, object: 'account', charges_enabled: false, details_submitted: false };
  if (method === 'POST' && path === '/v1/account_links') return { object: 'account_link', url: `${linkHost}/setup/s/link${stripeRequests.length}`, expires_at: 1_900_000_000 };
  if (method === 'GET' && path.startsWith('/v1/accounts/')) {
    return { id: path.slice('/v1/accounts/'.length), object: 'account', charges_enabled: chargesEnabled, details_submitted: chargesEnabled };
  }
  return { error: { type: 'invalid_request_error', message: 'unexpected request' } };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const method = req.method ?? '';
      const path = (req.url ?? '').split('?')[0]!;
      stripeRequests.push({ method, path, form: Object.fromEntries(new URLSearchParams(body)), account: req.headers['stripe-account'] as string | undefined });
      const answer = stripeAnswer(method, path);
      res.writeHead('error' in (answer as object) ? 400 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  stripeRequests = [];
  chargesEnabled = false;
  linkHost = 'https://connect.stripe.com';
  nextAccountId = `acct_${randomBytes(6).toString('hex')}`;
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function loopbackStripe() {
  vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_connect_actions');
  vi.stubEnv('STRIPE_API_BASE', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

async function clinic() {
  const tenant = await createTestTenant();
  const staff = async (level: 'admin' | 'support' | 'marketing') => {
    const ctx = await createStaffContext(tenant, level);
    const { cookies } = await signIn('staff', { tenantId: tenant.id, subjectId: ctx.actor.id });
    return { ctx, req: { host: hostFor(tenant.slug), cookies, path: '/crm/billing' } };
  };
  return { tenant, admin: await staff('admin'), support: await staff('support'), marketing: await staff('marketing') };
}

const returned = (outcome: Outcome) => {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('returned');
  return (outcome as { value: Record<string, unknown> }).value;
};

async function settingsOf(tenantId: string) {
  const [row] = await db().select().from(billingSettings).where(eq(billingSettings.tenantId, tenantId));
  return row ?? null;
}

/** The page as the request renders it, as text (tags dropped), and its HTML. */
async function rendered(req: { host: string; cookies: Record<string, string> }, searchParams: Record<string, string> = {}) {
  const outcome = await invokeAction(req, async () => renderToStaticMarkup(await billingPage({ searchParams: Promise.resolve(searchParams) })));
  const html = returned(outcome) as unknown as string;
  return { html, text: html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/\s+/g, ' ') };
}

describe('CRM → Billing, Stripe connection', () => {
  it('without the platform’s Stripe keys: the action refuses in words, the page names the setting, nothing is stored', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    const w = await clinic();
    const before = await fingerprintTenants([w.tenant.id]);
    const answer = returned(await invokeAction(w.admin.req, actions.connectStripeAction, {}, formData({})));
    expect(answer).toEqual({ ok: false, message: 'Stripe is not set up on this platform yet. Ask the platform operator to add its Stripe keys.' });
    const refresh = returned(await invokeAction(w.admin.req, actions.refreshStripeStatusAction, {}, formData({})));
    expect(refresh).toEqual({ ok: false, message: 'Stripe is not set up on this platform yet. Ask the platform operator to add its Stripe keys.' });
    expect(await fingerprintTenants([w.tenant.id])).toBe(before);
    expect(stripeRequests).toHaveLength(0);

    const page = await rendered(w.admin.req, { stripe: 'return' });
    expect(page.text).toContain('Stripe is not set up on this platform. The platform operator must set STRIPE_SECRET_KEY first');
    expect(page.html).not.toContain('data-testid="stripe-connect"');
    expect(page.html).not.toContain('data-testid="stripe-refresh"');
  });

  it('Connect Stripe: the account made and stored, the browser sent to Stripe’s link, back to this request’s host', async () => {
    loopbackStripe();
    const w = await clinic();
    const first = await rendered(w.admin.req);
    expect(first.text).toContain('Account Not connected');
    expect(first.text).toContain('Connect Stripe');
    expect(first.html).not.toContain('Check status again');

    // A return address posted with the form is not used: the host of the request is.
    const outcome = await invokeAction(w.admin.req, actions.connectStripeAction, {}, formData({ returnUrl: 'https://evil.example/steal', refreshUrl: 'https://evil.example/x' }));
    expect(outcome).toMatchObject({ kind: 'redirect', location: 'https://connect.stripe.com/setup/s/link2' });
    expect(outcome.revalidated).toContain('path:/crm/billing');
    expect(await settingsOf(w.tenant.id)).toMatchObject({ stripeAccountId: nextAccountId, stripeChargesEnabled: false, paymentsEnabled: false });
    expect(stripeRequests.map((r) => [r.method, r.path, r.account])).toEqual([
      ['POST', '/v1/accounts', undefined],
      ['POST', '/v1/account_links', undefined],
    ]);
    const origin = `http://${w.admin.req.host}`;
    expect(stripeRequests[1]!.form).toEqual({
      account: nextAccountId, type: 'account_onboarding',
      return_url: `${origin}/crm/billing?stripe=return`, refresh_url: `${origin}/crm/billing?stripe=refresh`,
    });
    const connected = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'billing.stripe_connected')));
    expect(connected.map((a) => [a.actorId, a.details])).toEqual([[w.admin.ctx.actor.id, { stripeAccountId: nextAccountId, chargesEnabled: false }]]);

    // Pressed again (the link expired): the same account, a fresh link.
    const account = nextAccountId;
    nextAccountId = 'acct_should_not_be_made';
    stripeRequests = [];
    const again = await invokeAction(w.admin.req, actions.connectStripeAction, {}, formData({}));
    expect(again).toMatchObject({ kind: 'redirect', location: expect.stringMatching(/^https:\/\/connect\.stripe\.com\/setup\/s\//) });
    expect(stripeRequests.map((r) => r.path)).toEqual(['/v1/account_links']);
    expect((await settingsOf(w.tenant.id))!.stripeAccountId).toBe(account);

    const page = await rendered(w.admin.req, { stripe: 'refresh' });
    expect(page.text).toContain(`Account ${account}`);
    expect(page.text).toContain('The Stripe setup link expired or was already used. Choose “Continue Stripe setup” for a fresh one.');
    expect(page.text).toContain('Continue Stripe setup');
    expect(page.text).toContain('Check status again');
  });

  it('back from Stripe, the page asks once how the account stands; Check status again asks and stores what it says', async () => {
    loopbackStripe();
    const w = await clinic();
    redirectOf(await invokeAction(w.admin.req, actions.connectStripeAction, {}, formData({})));
    const account = nextAccountId;

    // Stripe still needs the details.
    stripeRequests = [];
    const back = await rendered(w.admin.req, { stripe: 'return' });
    expect(back.text).toContain('Back from Stripe. Stripe still needs the account’s details. Choose “Continue Stripe setup” to finish them.');
    expect(back.text).toContain('Can take card payments Not yet');
    expect(stripeRequests.map((r) => [r.method, r.path])).toEqual([['GET', `/v1/accounts/${account}`]]);
    // The page without ?stripe=return asks Stripe nothing.
    stripeRequests = [];
    await rendered(w.admin.req);
    expect(stripeRequests).toHaveLength(0);

    // Stripe enables charges: "Check status again" says so and stores it, audited once.
    chargesEnabled = true;
    const answer = returned(await invokeAction(w.admin.req, actions.refreshStripeStatusAction, {}, formData({})));
    expect(answer).toEqual({ ok: true, message: 'Stripe says the account can take card payments.' });
    expect((await settingsOf(w.tenant.id))!.stripeChargesEnabled).toBe(true);
    const after = await rendered(w.admin.req, { stripe: 'return' });
    expect(after.text).toContain('Back from Stripe. Stripe says the account can take card payments.');
    expect(after.text).toContain('Can take card payments Yes');
    const changes = await db().select().from(auditLog).where(and(eq(auditLog.tenantId, w.tenant.id), eq(auditLog.action, 'billing.settings_updated')));
    expect(changes.map((a) => [a.actorId, a.details])).toEqual([
      [w.admin.ctx.actor.id, { changed: { stripeChargesEnabled: { before: false, after: true } }, stripeAccountId: account }],
    ]);
  });

  it('a link that is not Stripe’s onboarding is not followed', async () => {
    loopbackStripe();
    const w = await clinic();
    linkHost = 'https://connect.stripe.com.evil.example';
    const answer = returned(await invokeAction(w.admin.req, actions.connectStripeAction, {}, formData({})));
    expect(answer).toEqual({ ok: false, message: 'Stripe did not answer as expected. Try again in a few minutes.' });
  });

  it('Check status again before any account: refused in words', async () => {
    loopbackStripe();
    const w = await clinic();
    const answer = returned(await invokeAction(w.admin.req, actions.refreshStripeStatusAction, {}, formData({})));
    expect(answer).toEqual({ ok: false, message: 'Connect a Stripe account first.' });
    expect(stripeRequests).toHaveLength(0);
  });

  it('staff without billing.settings (support, marketing) are refused, and Stripe is never called', async () => {
    loopbackStripe();
    const w = await clinic();
    const before = await fingerprintTenants([w.tenant.id]);
    for (const who of [w.support, w.marketing]) {
      for (const action of [actions.connectStripeAction, actions.refreshStripeStatusAction]) {
        const outcome = await invokeAction(who.req, action, {}, formData({}));
        expect(isRefusal(outcome), JSON.stringify(outcome)).toBe(true);
      }
      expect(isRefusal(await invokeAction(who.req, async () => billingPage({ searchParams: Promise.resolve({ stripe: 'return' }) })))).toBe(true);
    }
    expect(stripeRequests).toHaveLength(0);
    expect(await settingsOf(w.tenant.id)).toBeNull();
    expect(await fingerprintTenants([w.tenant.id])).toBe(before);
  });
});

function redirectOf(outcome: Outcome): string {
  expect(outcome.kind, JSON.stringify(outcome)).toBe('redirect');
  return (outcome as { location: string }).location;
}
