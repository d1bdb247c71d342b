import { expect, test } from '@playwright/test';
import * as OTPAuth from 'otpauth';
import { expectAccessible } from './support/a11y';
import { DEMO_PASSWORD, portalSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * Seed 002 "Activate MFA" and seed 004's SMS that never arrives (issue 19 point 2): on Sunrise,
 * which offers the authenticator app, Maria sets one up in Settings on a phone-sized screen,
 * keeps her recovery codes, signs in with one instead of the SMS code, and removes the app again
 * (so the other journeys find her as they expect).
 */
test('Maria sets up an authenticator app, signs in with a recovery code, and removes the app', async ({ page, browser }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await expect(page).not.toHaveURL(/sign-in/);
  await page.goto(hostUrl('sunrise', '/portal/settings'));
  const section = page.getByRole('region', { name: 'Authenticator app' });
  await expect(section.getByText('No authenticator app is set up.')).toBeVisible();

  await section.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(section.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expectAccessible(page);
  const key = (await section.locator('code').innerText()).replace(/\s+/g, '');
  const app = new OTPAuth.TOTP({ secret: key });
  await section.getByLabel('Code from the app', { exact: true }).fill(app.generate());
  await section.getByRole('button', { name: 'Confirm' }).click();

  await expect(section.getByRole('heading', { name: 'Your recovery codes' })).toBeFocused();
  const codes = await section.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem').allInnerTexts();
  expect(codes).toHaveLength(10);
  await expectAccessible(page);
  await section.getByRole('link', { name: 'I have saved them' }).click();
  await expect(section.getByText('You have 10 unused recovery codes.')).toBeVisible();
  await expect(section.getByRole('list', { name: 'Your recovery codes' })).toHaveCount(0);

  // Another phone: the SMS does not come, so she uses a recovery code instead.
  const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const phone = await other.newPage();
  await phone.goto(hostUrl('sunrise', '/portal/sign-in'));
  await phone.getByLabel('Email').fill('maria.lopez@sunrise.test');
  await phone.getByLabel('Password').fill(DEMO_PASSWORD);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await phone.getByRole('button', { name: 'Use my authenticator app instead' }).click();
  await expect(phone.getByLabel('Code from the app, or a recovery code')).toBeFocused();
  await expectAccessible(phone);
  await phone.getByLabel('Code from the app, or a recovery code').fill(codes[0]!);
  await phone.getByRole('button', { name: 'Verify and sign in' }).click();
  await expect(phone).not.toHaveURL(/sign-in/);
  await other.close();

  await page.reload();
  await expect(section.getByText('You have 9 unused recovery codes.')).toBeVisible();
  await section.getByLabel('Your password').fill(DEMO_PASSWORD);
  await section.getByRole('button', { name: 'Remove the app' }).click();
  await expect(section.getByText('No authenticator app is set up.')).toBeVisible();
});
