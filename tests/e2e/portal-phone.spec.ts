import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

// Patients use the portal on their phones: every page at an iPhone-sized viewport.
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const PAGES = [
  { path: '/portal', heading: 'Hello, Maria' },
  { path: '/portal/bookings', heading: 'Bookings' },
  { path: '/portal/bookings/new', heading: /Book a visit/ },
  { path: '/portal/documents', heading: 'Documents' },
  { path: '/portal/messages', heading: 'Messages' },
  { path: '/portal/forms', heading: 'Forms' },
  { path: '/portal/activities', heading: 'Home activities' },
  { path: '/portal/notes', heading: 'Notes' },
  { path: '/portal/notes/new', heading: 'New note' },
  { path: '/portal/relationships', heading: 'My relationships' },
  { path: '/portal/data', heading: 'My data' },
  { path: '/portal/history', heading: 'History' },
  { path: '/portal/access-log', heading: 'Who viewed my record' },
  { path: '/portal/settings', heading: 'Settings' },
  { path: '/portal/select-patient', heading: /Who are you acting for/ },
];

/** Nothing may be wider than the screen: a phone user cannot scroll sideways to a button. */
async function expectNoSidewaysScroll(page: import('@playwright/test').Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'page is wider than the phone screen').toBeLessThanOrEqual(0);
}

test('every portal page fits a phone screen, with a screenshot of each', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  await page.goto(hostUrl('sunrise', '/portal/sign-in'));
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: testInfo.outputPath('phone-sign-in.png'), fullPage: true });

  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');

  for (const { path, heading } of PAGES) {
    await page.goto(hostUrl('sunrise', path));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    await expectNoSidewaysScroll(page);
    await expectAccessible(page);
    const name = `phone${path.replaceAll('/', '-')}.png`;
    await page.screenshot({ path: testInfo.outputPath(name), fullPage: true });
    await testInfo.attach(name, { path: testInfo.outputPath(name), contentType: 'image/png' });
  }
});
