import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { hostUrl, requestOnHost } from './support/hosts';

/** The colour the welcome banner is really painted in (not just the variable's value). */
async function brandColor(page: import('@playwright/test').Page) {
  return page.locator('section.bg-brand').first().evaluate((el) => getComputedStyle(el).backgroundColor);
}

test('each demo clinic shows its own name, colours and locations on its own host', async ({ page }) => {
  await page.goto(hostUrl('sunrise', '/portal'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Sunrise Family Clinic');
  await expect(page).toHaveTitle(/Sunrise Family Clinic/);
  expect(await brandColor(page)).toBe('rgb(15, 118, 110)');
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', '/brand/sunrise-favicon.svg');
  const sunriseLocations = page.getByRole('region', { name: 'Our locations' }).getByRole('listitem');
  await expect(sunriseLocations).toHaveCount(2);
  await expect(sunriseLocations.first()).toContainText('Downtown');
  await expectAccessible(page);

  await page.goto(hostUrl('harbor', '/portal'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Harbor Dermatology');
  await expect(page).toHaveTitle(/Harbor Dermatology/);
  expect(await brandColor(page)).toBe('rgb(29, 78, 216)');
  await expect(page.getByRole('region', { name: 'Our location' })).toContainText('Seaport');
  await expect(page.getByText('Downtown')).toHaveCount(0);
  await expectAccessible(page);
});

test('the custom domain serves harbor', async ({ page }) => {
  await page.goto(hostUrl('portal.harbor-derm.test', '/portal'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to Harbor Dermatology');
  expect(await brandColor(page)).toBe('rgb(29, 78, 216)');
});

test('a bare clinic host opens the patient portal (sign-in when signed out)', async ({ page }) => {
  await page.goto(hostUrl('sunrise', '/'));
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/sign-in'));
});

test('an unknown host answers 404 with a clear page', async ({ page }) => {
  const response = await page.goto(hostUrl('no-such-clinic', '/portal'));
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('There is no clinic at this address');
  await expectAccessible(page);
});

test('a clinic route tree cannot be reached through another clinic’s host', async ({ page }) => {
  const response = await page.goto(hostUrl('sunrise', '/t/harbor/portal'));
  expect(response?.status()).toBe(404);
});

test('the root host serves the platform landing page', async ({ page }) => {
  const response = await page.goto(hostUrl('root', '/'));
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('One platform');
  await expectAccessible(page);
});

test('health answers on any host', async () => {
  for (const host of ['sunrise', 'root', 'no-such-clinic']) {
    const response = await requestOnHost(host, '/api/health');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
  }
});

test('client-sent internal headers change nothing', async () => {
  const spoofed = await requestOnHost('sunrise', '/portal/sign-in', {
    headers: {
      'x-carebridge-pathname': '/crm',
      'x-forwarded-host': 'harbor.localhost',
      'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
    },
  });
  expect(spoofed.status).toBe(200);
  expect(spoofed.body).toMatch(/Welcome to (<!-- -->)?Sunrise Family Clinic/);
  expect(spoofed.body).not.toContain('Harbor Dermatology');
});
