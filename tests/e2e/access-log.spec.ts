import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * Issue 19 point 6, "Who viewed my record": Dr. Kim opens Maria's chart and its Contacts tab in
 * the EMR; Maria finds both under More → Who viewed my record, with his name and role, filters
 * to what was viewed, and downloads the list as CSV. Rerunnable: it looks for the entries this
 * run made (the newest first), whatever earlier runs left.
 */

test('Maria sees that Dr. Kim opened her chart and her contacts, filters the list and downloads it', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const staff = await browser.newContext();
  const emr = await staff.newPage();
  await staffSignIn(emr, { area: 'emr', email: 'dr.kim@sunrise.test' });
  await emr.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10001'));
  await emr.getByRole('link', { name: 'Lopez, Maria' }).click();
  await expect(emr.getByRole('heading', { level: 1 })).toHaveText('Maria Lopez');
  await emr.getByRole('navigation', { name: 'Chart sections' }).getByRole('link', { name: 'Contacts' }).click();
  await expect(emr).toHaveURL(/\/emr\/patients\/[0-9a-f-]{36}\/contacts$/);
  await staff.close();

  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  // The home page first: a More list opened while the chooser's navigation is under way closes with it.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  const sections = page.getByRole('navigation', { name: 'Portal sections' });
  await sections.getByText('More').click();
  await sections.getByRole('link', { name: 'Who viewed my record' }).click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/access-log'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Who viewed my record');

  const list = page.getByTestId('access-log');
  // The newest two (in either order: a page and its layout may record in one request).
  const newest = list.getByRole('article').filter({ hasText: 'Dr. Daniel Kim' });
  const names = [await newest.nth(0).getAttribute('aria-label'), await newest.nth(1).getAttribute('aria-label')];
  expect(names.map((n) => n?.replace(/, .*$/, '')).sort()).toEqual(['Dr. Daniel Kim: Opened your chart', 'Dr. Daniel Kim: Viewed your contacts']);
  await expect(newest.first()).toContainText('Physician');
  await expectAccessible(page);

  // Only downloads: Dr. Kim's views are not among them. The filter is in the address (a GET form).
  await page.getByLabel('What they did').selectOption({ label: 'Downloaded' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/\/portal\/access-log\?.*kind=download/);
  await expect(page.getByText('Viewed your contacts')).toHaveCount(0);
  await page.getByRole('link', { name: 'Clear filters' }).click();

  // A bad range is refused on its field, in words.
  await page.goto(hostUrl('sunrise', '/portal/access-log?from=2026-03-02&to=2026-03-01'));
  await expect(page.getByText('The “To” date must be on or after the “From” date.')).toBeVisible();
  await expectAccessible(page);

  await page.goto(hostUrl('sunrise', '/portal/access-log?kind=view'));
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as CSV' }).click()]);
  expect(file.suggestedFilename()).toBe('who-viewed-my-record.csv');
  const csv = (await readFile((await file.path())!, 'utf8')).replace(/^\uFEFF/, '');
  const [header, ...rows] = csv.split('\r\n');
  expect(header).toBe('When,Time zone,Staff member,Role,What they did,Details');
  expect(rows.slice(0, 2).some((row) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2},[A-Za-z_/]+,Dr\. Daniel Kim,Physician,Viewed,Viewed your contacts$/.test(row))).toBe(true);
  expect(rows.every((row) => row === '' || row.includes(',Viewed,'))).toBe(true);
});
