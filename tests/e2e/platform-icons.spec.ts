import { expect, test } from '@playwright/test';
import { hostUrl, requestOnHost } from './support/hosts';

/**
 * The platform's own icon and web manifest (app/layout.tsx, app/manifest.ts), and a clinic's on
 * its host: the middleware leaves /manifest.webmanifest and the icon files alone, so they answer
 * on every host.
 */
test('the root host names Carebridge; a clinic host names the clinic, with its favicon', async ({ page }) => {
  await page.goto(hostUrl('root', '/'));
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /\/carebridge-icon\.svg/);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute('href', /\/carebridge-apple-icon\.png/);
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', /\/manifest\.webmanifest/);

  const root = await requestOnHost('root', '/manifest.webmanifest');
  expect(root.status).toBe(200);
  expect(JSON.parse(root.body)).toMatchObject({ name: 'Carebridge', start_url: '/' });
  for (const file of ['/carebridge-icon.svg', '/carebridge-apple-icon.png', '/carebridge-192.png', '/carebridge-512.png']) {
    expect((await requestOnHost('sunrise', file)).status, file).toBe(200);
  }

  const clinic = await requestOnHost('sunrise', '/manifest.webmanifest');
  expect(clinic.status).toBe(200);
  const manifest = JSON.parse(clinic.body) as { name: string; start_url: string; theme_color: string; icons: { src: string }[] };
  expect(manifest).toMatchObject({ start_url: '/portal', theme_color: '#0f766e' });
  expect(manifest.name).toMatch(/Sunrise/);
  expect(manifest.icons[0]?.src).toBe('/brand/sunrise-favicon.svg');
});
