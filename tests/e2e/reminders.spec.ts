import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { portalSignIn, staffSignIn } from './support/auth';
import { chooseDayFrom, chooseTime, dateFrom } from './support/booking-picker';
import { hostUrl, requestOnHost } from './support/hosts';

// Sunrise's zone (its first location, Downtown, and Riverside are both in Chicago): the chart's
// automation times and the slot values are read in it.
const CLINIC_ZONE = 'America/Chicago';
const CRON_SECRET = process.env.CRON_SECRET ?? 'dev-only-cron-secret';

/** How the chart's run log writes an instant (lib/engagement/automations/builder-words.ts clinicTimeFormatter). */
function clinicTime(at: Date, now: Date): string {
  const year = (d: Date) => new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone: CLINIC_ZONE }).format(d);
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'short', month: 'short', day: 'numeric', ...(year(at) === year(now) ? {} : { year: 'numeric' }), hour: 'numeric', minute: '2-digit', timeZone: CLINIC_ZONE,
  }).format(at);
}

/** How the Bookings page writes a visit's start (as tests/e2e/portal-bookings.spec.ts reads it). */
function visitTime(iso: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: CLINIC_ZONE, timeZoneName: 'short',
  }).format(new Date(iso));
}

test('Maria books a visit, and her 24-hour and 2-hour reminders wait for the right times', async ({ page, browser }) => {
  test.setTimeout(240_000);
  // Staff first: a refused TOTP step can cost 30 s, which Maria's idle limit could not spare.
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { area: 'emr', email: 'ops@sunrise.test' });

  const signInAsMaria = async () => {
    await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: '+15555550101' });
    await page.getByRole('button', { name: /Maria Lopez/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  };
  await signInAsMaria();
  await page.getByRole('link', { name: 'Bookings', exact: true }).first().click();
  await page.getByRole('link', { name: 'Book a visit' }).click();
  await page.getByLabel('Riverside', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Vaccination', { exact: true }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Any provider').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Choose a day and time' })).toBeVisible();
  // Two weeks ahead: clear of the other journeys' visits and of every change window.
  await chooseDayFrom(page, dateFrom(14, CLINIC_ZONE));
  await chooseTime(page, { last: true });
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check and confirm');
  // The times are buttons of a GET form: the chosen start is in the address.
  const slot = new URL(page.url()).searchParams.get('slot')!;
  expect(slot).toBeTruthy();
  await page.getByRole('button', { name: 'Confirm booking' }).click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=booked'));
  const startsAt = new Date(slot);

  // The scheduler runs (on Vercel, the cron route): the booking's event starts the reminders' runs.
  const cron = await requestOnHost('root', '/api/cron/dispatch', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status).toBe(200);

  // Staff see on Maria's chart that both reminders wait for their times.
  await staff.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10001'));
  await staff.getByRole('link', { name: 'Lopez, Maria' }).click();
  await staff.getByRole('link', { name: 'Automations', exact: true }).click();
  await expect(staff.getByRole('heading', { name: 'Automations', level: 2 })).toBeVisible();
  const now = new Date();
  for (const [name, hours] of [['Visit reminder, 24 hours before', 24], ['Visit reminder, 2 hours before', 2]] as const) {
    const row = staff.getByRole('row').filter({ hasText: name }).filter({ hasText: clinicTime(new Date(startsAt.getTime() - hours * 3_600_000), now) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Waiting');
  }
  await expectAccessible(staff);

  // Clean up for later journeys and reruns: Maria cancels the visit (its runs stop at their check).
  // The e2e portal signs out after 40 s idle, which the staff steps above may have taken.
  await page.goto(hostUrl('sunrise', '/portal/bookings'));
  if (await page.getByRole('heading', { name: 'Sign in' }).isVisible()) {
    await signInAsMaria();
    await page.goto(hostUrl('sunrise', '/portal/bookings'));
  }
  await page.getByRole('link', { name: `Cancel visit: Vaccination on ${visitTime(slot)}` }).click();
  await page.getByLabel('Reason for cancelling').fill('Booked by the reminders journey.');
  await page.getByRole('button', { name: 'Cancel this visit' }).click();
  await expect(page).toHaveURL(hostUrl('sunrise', '/portal/bookings?done=cancelled'));
  await staffContext.close();
});
