import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page, type Response } from '@playwright/test';
import { portalSignIn, staffSignIn } from './support/auth';
import { E2E_PORT, hostUrl } from './support/hosts';
import { futureWeekday } from './support/schedule';

/**
 * Every page carries the security headers and runs under its nonce-based CSP without a single
 * violation. The pages are found by crawling each kind of user's links, and the crawl must reach
 * every page the app defines (from the app directory), so a new page cannot be left out.
 */

interface Visit {
  url: string;
  status: number;
  headers: Record<string, string>;
}

function pagePatterns(): { file: string; pattern: RegExp }[] {
  const root = path.join(process.cwd(), 'app');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'page.tsx') files.push(path.relative(root, full));
    }
  };
  walk(root);
  return files
    // Rewrite targets for hosts, not addresses anyone types; and the operator console behind
    // its sign-in (TOTP), walked by console.spec.ts, whose headers come from the same middleware.
    .filter((f) => !/^(unknown-host|unavailable|service-unavailable)\//.test(f))
    .filter((f) => !/^platform\/console\/\(app\)\/(page|health\/page|account\/page)\.tsx$/.test(f))
    .map((file) => {
      const segments = path.dirname(file).split(path.sep).filter((s) => s !== '.' && !/^\(.*\)$/.test(s));
      const rest = segments[0] === 't' ? segments.slice(2) : segments.slice(1); // t/[tenant]/… or platform/…
      const source = rest.map((s) => (/^\[.+\]$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
      const host = segments[0] === 't' ? '[a-z0-9-]+\\.localhost' : 'localhost';
      return { file, pattern: new RegExp(`^http://${host}:${E2E_PORT}/${source}$`) };
    });
}

async function check(page: Page, response: Response | null, visits: Visit[]) {
  expect(response, page.url()).not.toBeNull();
  const headers = response!.headers();
  const url = page.url().split('?')[0]!;
  visits.push({ url, status: response!.status(), headers });
  expect(response!.status(), url).toBeLessThan(500);
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, url).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp, url).toContain(`frame-ancestors 'none'`);
  expect(headers['x-content-type-options'], url).toBe('nosniff');
  expect(headers['referrer-policy'], url).toBe('strict-origin-when-cross-origin');
  expect(headers['cache-control'], url).toContain('no-store');
  // The nonce must really let the app's scripts run: no violation reported by the browser.
  const violations = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
  expect(violations, url).toEqual([]);
}

async function crawl(page: Page, start: string[], visits: Visit[], opts: { max: number; skip?: RegExp }) {
  const queue = [...start];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < opts.max) {
    const url = queue.shift()!;
    const key = url.split('?')[0]!.replace(/\/[0-9a-f-]{36}(?=\/|$)/g, '/:id');
    if (seen.has(key)) continue;
    seen.add(key);
    // Counted under the address asked for too: a page that redirects (a clinic's bare host)
    // was still reached, and its redirect answered with the same headers.
    await check(page, await page.goto(url), visits);
    visits.push({ ...visits[visits.length - 1]!, url: url.split('?')[0]! });
    const origin = new URL(url).origin;
    const hrefs = () => page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    // A redirect decided inside an area's loading boundary arrives after the streamed page (the
    // browser then navigates by itself): read the links of the page it lands on.
    const links = await hrefs().catch(async () => {
      await page.waitForLoadState('load');
      return hrefs();
    });
    for (const link of links) {
      if (!link.startsWith(origin) || link.includes('/api/') || link.includes('#') || opts.skip?.test(link)) continue;
      queue.push(link);
    }
  }
}

test('every page sends the security headers and runs under its CSP', async ({ browser }) => {
  test.setTimeout(420_000);
  const visits: Visit[] = [];
  const newPage = async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        const w = window as unknown as { __csp?: string[] };
        (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    return context.newPage();
  };
  // Sign-out would end the crawl; exports and PDFs (the handout) are downloads, not pages.
  const signOutLinks = /sign-out|\/sign-in\?|logout|\/export|\/pdf(\?|$)|\/receipt(\?|$)|\.csv(\?|$)/;
  // Pages reached only in a moment of a flow (the bank's check, a card's confirmation): opened
  // with an id that is nobody's, so they answer not-found, with the headers all the same.
  const nobody = '00000000-0000-4000-8000-000000000000';

  // Signed out: public pages of a clinic and of the platform, token pages with a bogus token.
  const anon = await newPage();
  await crawl(anon, [
    hostUrl('sunrise', '/'), hostUrl('sunrise', '/portal/sign-in'), hostUrl('sunrise', '/portal/activate'),
    hostUrl('sunrise', '/portal/claim'), hostUrl('sunrise', '/portal/forgot-password'),
    hostUrl('sunrise', '/portal/invite/not-a-real-token'), hostUrl('sunrise', '/portal/reset-password/not-a-real-token'),
    hostUrl('sunrise', '/staff/invite/not-a-real-token'), hostUrl('sunrise', '/emr/sign-in'), hostUrl('sunrise', '/crm/sign-in'),
    hostUrl('sunrise', '/portal/unsubscribe/not-a-real-token'), hostUrl('sunrise', '/portal/visit/not-a-real-token'),
    hostUrl('sunrise', '/portal/waitlist/offers/not-a-real-token'),
    hostUrl('root', '/'), hostUrl('root', '/baseline'), hostUrl('root', '/console/sign-in'), hostUrl('root', '/console/enrol/not-a-real-token'), hostUrl('root', '/dev/outbox'),
  ], visits, { max: 40 });
  // An unknown host answers 404, with the headers too.
  await check(anon, await anon.goto(`http://nowhere.localhost:${E2E_PORT}/portal`), visits);

  // A patient: every portal section, the booking flow, threads and visits reached from the pages.
  const patient = await newPage();
  await portalSignIn(patient, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await patient.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(patient.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  await crawl(patient, [hostUrl('sunrise', '/portal'), hostUrl('sunrise', '/portal/select-patient'), hostUrl('sunrise', '/portal/documents/upload'), hostUrl('sunrise', '/portal/messages/new'), hostUrl('sunrise', '/portal/notes')],
    visits, { max: 50, skip: signOutLinks });
  // Acting for Leo, whose general intake is open: the form-filling page.
  await patient.goto(hostUrl('sunrise', '/portal'));
  await patient.getByLabel('Acting for').selectOption({ label: 'Leo Lopez' });
  await expect(patient.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');
  await patient.goto(hostUrl('sunrise', '/portal/forms'));
  const formPage = await patient.locator('main a[href*="/portal/forms/"]').first().evaluate((a) => (a as HTMLAnchorElement).href);
  await crawl(patient, [formPage], visits, { max: 1 });
  // Billing (Leo's: the billing journey paid his invoice and saved a card for him).
  const outside = (paths: string) => new RegExp(`^(?!http://[^/]+/(${paths})(/|\\?|$))|${signOutLinks.source}`);
  await crawl(patient, [hostUrl('sunrise', '/portal/billing'), hostUrl('sunrise', '/portal/billing/cards'), hostUrl('sunrise', '/portal/billing/statement')],
    visits, { max: 16, skip: outside('portal/billing') });
  for (const p of [`/portal/billing/payments/${nobody}/authenticate`, `/portal/billing/cards/setups/${nobody}/authenticate`, `/portal/billing/cards/${nobody}/remove`, `/portal/billing/cards/${nobody}/authorize`, '/portal/billing/pay']) {
    await check(patient, await patient.goto(hostUrl('sunrise', p)), visits);
  }

  // Staff with every permission: the EMR and the CRM.
  const staff = await newPage();
  await staffSignIn(staff, { area: 'emr', email: 'admin@sunrise.test' });
  // Robert Chen first: his printed portal ID makes his chart link to the printable instructions;
  // and the schedule of a week with booked visits (the seed books Maria a week ahead), whose
  // cards link to each visit's page.
  await crawl(staff, [hostUrl('sunrise', `/emr/schedule?view=week&by=location&date=${futureWeekday(7)}`), hostUrl('sunrise', '/emr/patients?q=Robert%20Chen'), hostUrl('sunrise', '/emr'), hostUrl('sunrise', '/crm')], visits, { max: 110, skip: signOutLinks });

  // The printable instructions are linked only while a patient has an unused portal ID (the
  // activation journey may have used Robert's): open them for a chart the crawl reached.
  const chart = visits.map((v) => /^(.*\/emr\/patients\/[0-9a-f-]{36})$/.exec(v.url)?.[1]).find(Boolean);
  if (chart) await check(staff, await staff.goto(`${chart}/portal/instructions`), visits);
  // The chart's Consent tab (issue 18), in case the crawl's budget ran out before it.
  if (chart) await check(staff, await staff.goto(`${chart}/consent`), visits);
  // Billing: the clinic's invoices and a chart's billing, its statement and a new invoice.
  const staffBilling = outside('emr/billing|emr/patients/[^/]+/billing|crm/billing');
  await crawl(staff, [hostUrl('sunrise', '/emr/billing'), hostUrl('sunrise', '/crm/billing')], visits, { max: 8, skip: staffBilling });
  if (chart) {
    await crawl(staff, [`${chart}/billing`, `${chart}/billing/statement`, `${chart.replace(/\/emr\/patients\/([0-9a-f-]{36})$/, '/emr/billing/invoices/new?patient=$1')}`], visits, { max: 6, skip: staffBilling });
  }
  // Tasks: the list, a task (the seed's), a new one, and a chart's Tasks tab.
  await crawl(staff, [hostUrl('sunrise', '/emr/tasks'), hostUrl('sunrise', '/emr/tasks/new'), ...(chart ? [`${chart}/tasks`] : [])], visits, { max: 8, skip: outside('emr/tasks|emr/patients/[^/]+/tasks') });

  // Commerce on Harbor (its shop is open): James's orders and subscription, the shop, and the
  // checkout with the kit in his cart; the flow's own pages with nobody's ids; the sign-up.
  const james = await newPage();
  await portalSignIn(james, browser, { host: 'harbor', identifier: '900-12-3456', identifierLabel: 'SSN', phone: '+15555550202' });
  await james.waitForURL((url) => !url.pathname.includes('/sign-in'));
  await crawl(james, [hostUrl('harbor', '/portal/shop'), hostUrl('harbor', '/portal/orders'), hostUrl('harbor', '/portal/subscriptions')],
    visits, { max: 16, skip: outside('portal/shop|portal/orders|portal/subscriptions') });
  await james.goto(hostUrl('harbor', '/portal/shop'));
  await james.getByRole('link', { name: /Gentle cleanser kit/ }).first().click();
  await james.getByTestId('add-to-cart').click();
  await james.waitForURL(/\/portal\/shop\/cart/);
  await check(james, await james.goto(hostUrl('harbor', '/portal/shop/checkout')), visits);
  for (const p of [`/portal/shop/checkout/${nobody}`, `/portal/shop/checkout/${nobody}/pay`, `/portal/shop/checkout/${nobody}/payments/${nobody}/authenticate`, `/portal/shop/checkout/${nobody}/uploads/${nobody}`]) {
    // As in the crawl, counted under the address asked for too: a request that is nobody's
    // (the upload) redirects to the order's page, with its headers all the same.
    await check(james, await james.goto(hostUrl('harbor', p)), visits);
    visits.push({ ...visits[visits.length - 1]!, url: hostUrl('harbor', p) });
  }
  await check(anon, await anon.goto(hostUrl('harbor', '/portal/shop/join')), visits);
  // Self-registration (issue 19): open on Harbor, which approves each registration.
  await check(anon, await anon.goto(hostUrl('harbor', '/portal/register')), visits);
  const harborStaff = await newPage();
  await staffSignIn(harborStaff, { host: 'harbor', area: 'emr', email: 'admin@harbor.test' });
  await crawl(harborStaff, [hostUrl('harbor', '/emr/orders/subscriptions')], visits, { max: 4, skip: outside('emr/orders/subscriptions') });
  await check(harborStaff, await harborStaff.goto(hostUrl('harbor', '/emr/registrations')), visits);

  const missing = pagePatterns().filter(({ pattern }) => !visits.some((v) => pattern.test(v.url))).map((p) => p.file);
  expect(missing, 'pages the crawl never reached').toEqual([]);
  console.log(`security headers checked on ${visits.length} page loads`);
});
