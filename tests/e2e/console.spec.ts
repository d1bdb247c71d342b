import { expect, test } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { expectAccessible } from './support/a11y';
import { DEMO_PASSWORD, DEMO_TOTP, latestOutboxMessage } from './support/auth';
import { hostUrl } from './support/hosts';

test('an operator creates a clinic whose first admin accepts the invite and signs in; suspension closes it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await page.goto(hostUrl('root', '/console'));
  await expect(page).toHaveURL(hostUrl('root', '/console/sign-in'));
  await expectAccessible(page);
  await page.getByLabel('Email').fill('operator@carebridge.test');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Authentication code').fill(DEMO_TOTP.generate());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Clinics' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Sunrise Family Clinic sunrise' })).toBeVisible();
  await expectAccessible(page);
  // The console's pages carry the same security headers as every page (headers.spec.ts walks
  // the rest; these need the operator's sign-in).
  for (const path of ['/console/health', '/console/account', '/console']) {
    const headers = (await page.goto(hostUrl('root', path)))!.headers();
    expect(headers['content-security-policy']).toMatch(/'nonce-[^']+'.*frame-ancestors 'none'/);
    expect(headers['cache-control']).toContain('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');
  }

  const slug = `lakeside${Date.now().toString(36).slice(-5)}`;
  const adminEmail = `owner@${slug}.test`;
  await page.getByLabel('Clinic name').fill('Lakeside Clinic');
  await page.getByLabel('Address (subdomain)').fill(slug);
  await page.getByLabel('First admin’s name').fill('Lena Lake');
  await page.getByLabel('First admin’s email').fill(adminEmail);
  await page.getByRole('button', { name: 'Create clinic and invite admin' }).click();
  await expect(page.getByText(`${adminEmail} was sent an invitation`)).toBeVisible();

  const mail = await latestOutboxMessage(browser, adminEmail);
  const link = /https?:\/\/\S+\/staff\/invite\/[\w-]+/.exec(mail)![0];
  expect(link).toContain(`${slug}.localhost`);
  const admin = await (await browser.newContext()).newPage();
  await admin.goto(link);
  await admin.getByLabel('New password').fill('Quiet-Water-2026');
  await admin.getByLabel('Confirm password').fill('Quiet-Water-2026');
  await admin.getByRole('button', { name: 'Set password' }).click();
  await expect(admin).toHaveURL(/\/emr\/sign-in\?reason=invite-accepted/);
  await admin.getByLabel('Email').fill(adminEmail);
  await admin.getByLabel('Password').fill('Quiet-Water-2026');
  await admin.getByRole('button', { name: 'Continue' }).click();
  const secret = (await admin.locator('code').innerText()).trim();
  await admin.getByLabel('Authentication code').fill(new OTPAuth.TOTP({ secret }).generate());
  await admin.getByRole('button', { name: 'Confirm and sign in' }).click();
  await expect(admin.getByRole('heading', { name: 'Welcome, Lena Lake' })).toBeVisible();

  // Suspending the clinic shows its hosts as unavailable and ends the admin's session.
  await page.reload();
  await page.getByRole('button', { name: 'Suspend Lakeside Clinic' }).click();
  await expect(page.getByRole('button', { name: 'Reactivate Lakeside Clinic' })).toBeVisible();
  await admin.goto(hostUrl(slug, '/emr'));
  await expect(admin.getByRole('heading', { name: 'This clinic’s portal is unavailable' })).toBeVisible();
  await page.getByRole('button', { name: 'Reactivate Lakeside Clinic' }).click();
  await expect(page.getByRole('button', { name: 'Suspend Lakeside Clinic' })).toBeVisible();
  await admin.goto(hostUrl(slug, '/emr'));
  await expect(admin).toHaveURL(/\/emr\/sign-in/);
});

test('the console is not reachable on a clinic host', async ({ page }) => {
  const response = await page.goto(hostUrl('sunrise', '/console'));
  expect(response?.status()).toBe(404);
});
