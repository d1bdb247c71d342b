import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

const ENTRY = 'Vaccination at Downtown';

async function noSidewaysScroll(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
}

/**
 * Issue 20, point 2 (entries): on a 390 px phone Maria puts Leo on the waitlist for a vaccination
 * with Dr. Kim at Downtown, asked step by step, weekday mornings; the entry is listed on the
 * waitlist page and on Bookings; the front desk sees Leo in Downtown's queue; Maria takes him off
 * the list and the desk reads why under "Removed". Seeded (scripts/demo-seed): Dr. Kim offers
 * vaccinations at Downtown; Leo is on no Downtown waitlist.
 */
test('Maria puts Leo on the waitlist from her phone, the desk sees him in the queue, and she takes him off', async ({ browser }) => {
  test.setTimeout(240_000);
  // Staff first: a refused TOTP step can cost 30 s, which Maria's idle limit could not spare.
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { area: 'emr', email: 'ops@sunrise.test' });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Leo Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');

  await page.goto(hostUrl('sunrise', '/portal/bookings/waitlist'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join the waitlist');
  // A run that stopped half-way left Leo waiting: take him off first, so the join below is new.
  const leftOver = page.getByRole('button', { name: `Leave the waitlist for ${ENTRY}` });
  if (await leftOver.count()) {
    await leftOver.click();
    await expect(page.getByRole('status').filter({ hasText: 'You have left the waitlist.' })).toBeVisible();
    await page.goto(hostUrl('sunrise', '/portal/bookings/waitlist'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join the waitlist');
  }

  // The booking flow's steps, one at a time.
  await expect(page.getByRole('group', { name: 'Where would you like to be seen?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Downtown', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('group', { name: 'Which service do you need?' })).toBeVisible();
  await page.getByLabel('Vaccination', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('group', { name: 'Who would you like to see?' })).toBeVisible();
  await page.getByLabel('Dr. Daniel Kim').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  // What suits: every day is ticked to start with; Leo can come on weekday mornings.
  await expect(page.getByRole('heading', { level: 2, name: 'When could you come?' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Days that suit' }).getByRole('checkbox')).toHaveCount(7);
  await expectAccessible(page);
  await noSidewaysScroll(page);
  await page.getByLabel('Saturday').uncheck();
  await page.getByLabel('Sunday').uncheck();
  await page.getByLabel('Morning (8:00 to 12:00)').check();
  await expect(page.getByLabel('Until')).not.toHaveValue('');
  await page.getByRole('button', { name: 'Join the waitlist', exact: true }).click();

  await expect(page.getByRole('status').filter({ hasText: 'You are on the waitlist.' })).toBeVisible();
  const entry = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: ENTRY }) });
  await expect(entry).toContainText('Waiting');
  await expect(entry).toContainText('Dr. Daniel Kim');
  await expect(entry).toContainText('Mon, Tue, Wed, Thu, Fri');
  await expect(entry).toContainText('Morning (8:00 to 12:00)');
  await expectAccessible(page);
  await noSidewaysScroll(page);

  // Bookings shows it too, with the way back to the waitlist.
  await page.goto(hostUrl('sunrise', '/portal/bookings'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bookings');
  await expect(page.getByRole('heading', { level: 3, name: ENTRY })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Join or manage the waitlist' })).toBeVisible();
  await expectAccessible(page);

  // The desk: Downtown's queue (the first location), Leo with the service and provider asked for.
  await staff.goto(hostUrl('sunrise', '/emr/schedule/waitlist'));
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Waitlist');
  const row = staff.getByRole('row').filter({ has: staff.getByRole('link', { name: 'Leo Lopez' }) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Vaccination');
  await expect(row).toContainText('Dr. Daniel Kim');
  await expect(row).toContainText('Mon, Tue, Wed, Thu, Fri; mornings');
  await expect(row.getByRole('cell').first()).toHaveText(/^\d+$/);
  await expectAccessible(staff);

  // Maria takes Leo off the list.
  await page.goto(hostUrl('sunrise', '/portal/bookings/waitlist'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Join the waitlist');
  await page.getByRole('button', { name: `Leave the waitlist for ${ENTRY}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You have left the waitlist.' })).toBeVisible();
  await expect(entry).toContainText('Left the waitlist');
  await expect(page.getByRole('button', { name: `Leave the waitlist for ${ENTRY}` })).toHaveCount(0);

  // The desk: no longer waiting; under Removed, with why.
  await staff.reload();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Waitlist');
  await expect(staff.getByRole('row').filter({ has: staff.getByRole('link', { name: 'Leo Lopez' }) })).toHaveCount(0);
  await staff.getByLabel('Status').selectOption('removed');
  await staff.getByRole('button', { name: 'Show' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText('Waitlist');
  const removed = staff.getByRole('row').filter({ has: staff.getByRole('link', { name: 'Leo Lopez' }) }).first();
  await expect(removed).toContainText('The patient left the waitlist in the portal.');
  await phone.close();
  await staffContext.close();
});
