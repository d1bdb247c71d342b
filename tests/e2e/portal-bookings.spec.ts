import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';
import { chooseDayFrom, chooseTime, dateFrom } from './support/booking-picker';
import { openScheduleWeekFor } from './support/schedule';

// Riverside's zone in the demo data; Maria has not chosen a zone of her own, so times show in it.
const RIVERSIDE_ZONE = 'America/Chicago';

/** How the Bookings page writes a visit's start (lib/i18n/core.ts `dateTime`, English). */
function visitTime(iso: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit',
    timeZone: RIVERSIDE_ZONE, timeZoneName: 'short',
  }).format(new Date(iso));
}

/** The Riverside calendar date of an instant, as the schedule's `date` parameter takes it. */
function riversideDate(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: RIVERSIDE_ZONE }).format(new Date(iso));
}

/** Leo's vaccination cards in the staff schedule's Riverside week holding `iso`, by status. */
async function staffSees(staff: Page, iso: string, status: 'booked' | 'cancelled') {
  const cards = await openScheduleWeekFor(staff, { location: 'Riverside', patient: 'Leo Lopez', date: riversideDate(iso), status });
  return cards.filter({ hasText: 'Vaccination' });
}

/**
 * A time two days or more ahead: always more than the clinic's 24-hour change window away, so
 * the visit booked there can still be moved and cancelled online.
 */
async function pickSlotAfterWindow(page: Page, avoid?: string): Promise<string> {
  await chooseDayFrom(page, dateFrom(2, RIVERSIDE_ZONE));
  await expectAccessible(page);
  return chooseTime(page, { avoid });
}

test('Maria books a visit for Leo at the second location, moves it and cancels it', async ({ page, browser }) => {
  test.setTimeout(240_000);
  // Staff first: a refused TOTP step can cost 30 s, which Maria's idle limit could not spare.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { area: 'emr', email: 'ops@sunrise.test' });

  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  // Two profiles: the selector asks whom she acts for.
  await page.getByRole('button', { name: /Leo Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Leo Lopez');

  await page.getByRole('link', { name: 'Bookings', exact: true }).first().click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bookings');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Book a visit' }).click();

  // Several locations: the institution selector comes first.
  await expect(page.getByRole('group', { name: 'Where would you like to be seen?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Riverside', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('group', { name: 'Which service do you need?' })).toBeVisible();
  await expect(page.getByLabel('Annual physical')).toHaveCount(0); // staff-only
  await expectAccessible(page);
  await page.getByLabel('Vaccination', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('group', { name: 'Who would you like to see?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Any provider').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Choose a day and time' })).toBeVisible();
  await expectAccessible(page);
  const booked = await pickSlotAfterWindow(page);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check and confirm');
  await expect(page.getByText('Riverside', { exact: true })).toBeVisible();
  await expect(page.getByText(visitTime(booked))).toBeVisible();
  // "Any provider" names whom Maria will see.
  await expect(page.getByText(/^Dr\. .+ \(any provider: the first free at this time\)$/)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm booking' }).click();

  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=booked'));
  await expect(page.getByRole('status').filter({ hasText: 'Your visit is booked.' })).toBeVisible();
  await expect(page.getByRole('link', { name: `Change time: Vaccination on ${visitTime(booked)}` })).toBeVisible();
  await expectAccessible(page);

  // The front desk sees it in the schedule at once.
  await expect(await staffSees(staff, booked, 'booked')).toHaveCount(1);

  // The dashboard lists it among the upcoming visits.
  await page.goto(hostUrl('sunrise', '/portal'));
  await expect(page.getByRole('region', { name: 'Upcoming visits' })).toContainText('Vaccination');

  // Move it: the old time stays booked until the new one is confirmed.
  await page.goto(hostUrl('sunrise', '/portal/bookings'));
  await page.getByRole('link', { name: `Change time: Vaccination on ${visitTime(booked)}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Change the time of a visit');
  await expectAccessible(page);
  const moved = await pickSlotAfterWindow(page, booked);
  expect(moved).not.toBe(booked);
  await expect(page.getByText(visitTime(moved))).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm new time' }).click();

  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=rescheduled'));
  await expect(page.getByRole('link', { name: `Change time: Vaccination on ${visitTime(moved)}` })).toBeVisible();
  await expect(page.getByRole('link', { name: `Change time: Vaccination on ${visitTime(booked)}` })).toHaveCount(0);
  // The schedule shows the new time booked and the old one released.
  await expect(await staffSees(staff, moved, 'booked')).toHaveCount(1);
  await expect((await staffSees(staff, booked, 'cancelled')).filter({ hasText: 'Moved: the new visit' })).toHaveCount(1);

  // Cancel it: a reason is required.
  await page.getByRole('link', { name: `Cancel visit: Vaccination on ${visitTime(moved)}` }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cancel a visit');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Cancel this visit' }).click();
  await expect(page.getByText('Please tell the clinic why you are cancelling.')).toBeVisible();
  await expect(page.getByLabel('Reason for cancelling')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await page.getByLabel('Reason for cancelling').fill('Leo is travelling that week.');
  await page.getByRole('button', { name: 'Cancel this visit' }).click();

  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=cancelled'));
  await expect(page.getByRole('status').filter({ hasText: 'Your visit has been cancelled.' })).toBeVisible();
  await expect(page.getByRole('link', { name: `Cancel visit: Vaccination on ${visitTime(moved)}` })).toHaveCount(0);
  await expectAccessible(page);
  // …and in the schedule, cancelled with Maria's reason.
  await expect(await staffSees(staff, moved, 'booked')).toHaveCount(0);
  await expect((await staffSees(staff, moved, 'cancelled')).filter({ hasText: 'Leo is travelling that week.' })).toHaveCount(1);
  await staffContext.close();
});

test('a bad or foreign choice in the URL is simply not chosen', async ({ page, browser }) => {
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  // Let the selector's own navigation finish, or the goto below aborts it (or is aborted).
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  const response = await page.goto(hostUrl('sunrise', '/portal/bookings/new?location=00000000-0000-4000-8000-000000000000&service=x&slot=yesterday&week=soon'));
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('group', { name: 'Where would you like to be seen?' })).toBeVisible();
  // Someone else's (or no) visit: nothing to cancel, and nothing said about it.
  await page.goto(hostUrl('sunrise', '/portal/bookings/00000000-0000-4000-8000-000000000000/cancel'));
  await expect(page.getByText('We couldn’t find that page')).toBeVisible();
  await expect(page.getByLabel('Reason for cancelling')).toHaveCount(0);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the time picker fits the screen, keeps fewer than 30 stops, moves by arrow keys, and books a time', async ({ page, browser }) => {
    test.setTimeout(120_000);
    await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
    await page.getByRole('button', { name: /Maria Lopez/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
    await page.goto(hostUrl('sunrise', '/portal/bookings/new'));
    await page.getByLabel('Riverside', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Family consultation', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Any provider').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    const picker = page.getByRole('region', { name: 'Choose a day and time' });
    await expect(picker).toBeVisible();
    // The first free day is chosen, its times shown one part of the day at a time.
    await expect(picker.locator('a[data-day][aria-current="date"]')).toHaveCount(1);
    await expect(picker.getByRole('navigation', { name: 'Part of the day' }).locator('[aria-current="true"]')).toHaveCount(1);
    await expect(picker.getByRole('link', { name: /^Next available: .+ with Dr\. / })).toBeVisible();
    await expect(picker.getByRole('table')).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await expectAccessible(page);

    // Once the page runs its script the days are one tab stop; count what Tab can reach in the picker.
    const days = picker.locator('a[data-day]');
    if ((await days.count()) > 1) await expect(picker.locator('a[data-day][tabindex="-1"]').first()).toBeAttached();
    const stops = await picker.evaluate((root) =>
      [...root.querySelectorAll<HTMLElement>('a[href], button, input:not([type="hidden"]), select, textarea')]
        .filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0).length);
    expect(stops).toBeGreaterThan(3);
    expect(stops).toBeLessThan(30);

    // The arrow keys move between days with free times.
    if ((await days.count()) > 1) {
      const current = picker.locator('a[data-day][aria-current="date"]');
      const from = (await current.getAttribute('data-day'))!;
      await current.focus();
      await page.keyboard.press('ArrowRight');
      const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['day'] ?? '');
      expect(focused > from, 'ArrowRight moves to a later free day').toBe(true);
      await page.keyboard.press('Home');
      expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['day'] ?? '')).toBe(await days.first().getAttribute('data-day'));
    }

    // Book a time two days or more ahead (so it can be cancelled online), then cancel it again.
    await chooseDayFrom(page, dateFrom(2, RIVERSIDE_ZONE));
    const slot = await chooseTime(page);
    await expect(page.getByText(visitTime(slot))).toBeVisible();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=booked'));
    await page.getByRole('link', { name: `Cancel visit: Family consultation on ${visitTime(slot)}` }).click();
    await page.getByLabel('Reason for cancelling').fill('Booked by the phone test.');
    await page.getByRole('button', { name: 'Cancel this visit' }).click();
    await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=cancelled'));
  });
});
