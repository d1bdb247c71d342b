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

test('every portal section is reachable at a glance on a phone: in the row, or in the opened More list', async ({ page, browser }) => {
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  const { width, height } = page.viewportSize()!;
  const nav = page.getByRole('navigation', { name: 'Portal sections' });
  /** Shown whole on the screen as it is, without scrolling in any direction, and easy to tap (44 px). */
  const expectOnScreen = async (link: import('@playwright/test').Locator, name: string) => {
    await expect(link, name).toBeVisible();
    const box = (await link.boundingBox())!;
    expect(box.height, `${name} is a 44 px target`).toBeGreaterThanOrEqual(44);
    expect(box.x, `${name} starts on the screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${name} ends on the screen`).toBeLessThanOrEqual(width);
    expect(box.y + box.height, `${name} is above the fold`).toBeLessThanOrEqual(height);
  };
  const noSidewaysScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  // The row: what patients come for most, wrapped rather than scrolled sideways.
  expect(await noSidewaysScroll(), 'page is wider than the phone screen').toBe(true);
  for (const name of ['Home', 'Bookings', 'Forms', /^Messages/, 'Documents']) {
    await expectOnScreen(nav.getByRole('link', { name, exact: typeof name === 'string' }), String(name));
  }

  // More opens in place below the row: the rest, every one of them on the screen at once.
  const more = nav.locator('summary', { hasText: 'More' });
  await expectOnScreen(more, 'More');
  await more.click();
  for (const name of ['My data', 'History', 'Settings']) {
    await expectOnScreen(nav.getByRole('link', { name, exact: true }), name);
  }
  // Whatever else the clinic shows (billing, the shop...): no section is left off the screen.
  const links = nav.getByRole('link');
  for (let i = 0; i < (await links.count()); i++) {
    const link = links.nth(i);
    await expectOnScreen(link, (await link.innerText()).trim());
  }
  expect(await noSidewaysScroll(), 'the opened list widens the page').toBe(true);
  await expectAccessible(page);

  // A section from the list opens, and the list closes behind it.
  await nav.getByRole('link', { name: 'History', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('History');
  await expect(nav.getByRole('link', { name: 'Settings', exact: true })).toBeHidden();
  expect(await noSidewaysScroll()).toBe(true);
});
