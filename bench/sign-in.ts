import { chromium } from '@playwright/test';

/**
 * Signs the demo patient, a front-desk member (EMR) and the clinic's admin (CRM) in through the real forms (SMS code from the dev
 * outbox, TOTP from the demo secret) and returns their cookies for the load generator. `portalForLeo` is a second session of the
 * demo patient acting for her son: the pay and checkout actions pay his invoices and place his orders, so the pages measured with
 * `portal` (Maria's own) show the same history run after run.
 */
export async function signInForBench(port: number): Promise<{ portal: string; portalForLeo: string; staff: string; crm: string }> {
  process.env['E2E_PORT'] = String(port);
  const { portalSignIn, staffSignIn } = await import('../tests/e2e/support/auth');
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium' });
  try {
    const cookieHeader = async (context: Awaited<ReturnType<typeof browser.newContext>>) =>
      (await context.cookies(`http://sunrise.localhost:${port}`)).map((c) => `${c.name}=${c.value}`).join('; ');

    const portalContext = await browser.newContext();
    const portalPage = await portalContext.newPage();
    await portalSignIn(portalPage, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
    await portalPage.getByRole('button', { name: /Maria Lopez/ }).click();
    await portalPage.getByRole('heading', { level: 1, name: 'Hello, Maria' }).waitFor();

    const leoContext = await browser.newContext();
    const leoPage = await leoContext.newPage();
    await portalSignIn(leoPage, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
    await leoPage.getByRole('button', { name: /Leo Lopez/ }).click();
    await leoPage.getByRole('heading', { level: 1, name: 'Leo Lopez' }).waitFor();

    const staffContext = await browser.newContext();
    const staffPage = await staffContext.newPage();
    await staffSignIn(staffPage, { area: 'emr', email: 'ops@sunrise.test' });

    // The front desk may not open the CRM: its first page (bench/cold-start.ts) is the admin's.
    const crmContext = await browser.newContext();
    const crmPage = await crmContext.newPage();
    await staffSignIn(crmPage, { area: 'crm', email: 'admin@sunrise.test' });

    return { portal: await cookieHeader(portalContext), portalForLeo: await cookieHeader(leoContext), staff: await cookieHeader(staffContext), crm: await cookieHeader(crmContext) };
  } finally {
    await browser.close();
  }
}
