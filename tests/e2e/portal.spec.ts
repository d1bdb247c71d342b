import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

test('Maria reads her documents, searches them, and sees her visit history', async ({ page, browser }) => {
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  await expect(page.getByRole('article', { name: /Family consultation with Dr\. Daniel Kim/ })).toBeVisible();

  await page.getByRole('link', { name: 'Documents', exact: true }).first().click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/documents'));
  await expectAccessible(page);
  await expect(page.getByText('Blood test results')).toBeVisible();
  await expect(page.getByText('Referral draft')).toHaveCount(0);
  const download = page.getByRole('link', { name: 'Download Blood test results' });
  // Fetched by the page itself: Node's resolver does not know *.localhost.
  const headers = await page.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, type: r.headers.get('content-type'), nosniff: r.headers.get('x-content-type-options'), cache: r.headers.get('cache-control') };
  }, (await download.getAttribute('href'))!);
  expect(headers).toMatchObject({ status: 200, type: 'application/pdf', nosniff: 'nosniff' });
  expect(headers.cache).toContain('no-store');

  await page.getByLabel('Search', { exact: true }).fill('invoice');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('Invoice for consultation')).toBeVisible();
  await expect(page.getByText('Blood test results')).toHaveCount(0);

  const sections = page.getByRole('navigation', { name: 'Portal sections' });
  await sections.getByText('More').click();
  await sections.getByRole('link', { name: 'History' }).click();
  await expect(page.getByText('Completed').first()).toBeVisible();
  await expectAccessible(page);

  // Leo's documents are not Maria's: switching the selector switches the data.
  await page.getByLabel('Acting for').selectOption({ label: 'Leo Lopez' });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');
  await page.goto(hostUrl('sunrise', '/portal/documents'));
  await expect(page.getByText('Vaccination record')).toBeVisible();
  await expect(page.getByText('Blood test results')).toHaveCount(0);
});
