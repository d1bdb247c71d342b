import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { latestOutboxMessage, portalSignIn, staffSignIn } from './support/auth';
import { hostUrl, requestOnHost } from './support/hosts';
import { futureWeekday, openScheduleWeekFor } from './support/schedule';

// Riverside's zone in the demo data; Maria has not chosen a zone of her own.
const RIVERSIDE_ZONE = 'America/Chicago';
const CRON_SECRET = process.env.CRON_SECRET ?? 'dev-only-cron-secret';
const MARIA_PHONE = '+15555550101';

/** How the Bookings page writes a visit's start (as tests/e2e/portal-bookings.spec.ts reads it). */
function visitTime(iso: string): string {
  return new Intl.DateTimeFormat('en-US', {
    weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: RIVERSIDE_ZONE, timeZoneName: 'short',
  }).format(new Date(iso));
}

/**
 * Issue 20, point 2, end to end. Seeded (scripts/demo-seed): Maria waits for a consultation with
 * Dr. Patel at Riverside on the weekday of Leo's check-up (about ten days ahead, 09:30), 09:30–10:00,
 * until that day; nothing else fits. The front desk cancels Leo's check-up; the scheduler runs;
 * Maria's phone gets an SMS (in Spanish, her language) with a link; she opens it signed out, books
 * the time, and the visit is in her portal's Bookings.
 */
test('Leo’s check-up is cancelled, Maria accepts the waitlist offer from the SMS link, and the visit is hers', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const started = new Date(Date.now() - 2000);
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await staffSignIn(staff, { area: 'emr', email: 'ops@sunrise.test' });
  const leo = await openScheduleWeekFor(staff, { location: 'Riverside', patient: 'Leo Lopez', date: futureWeekday(10), status: 'booked' });
  const checkUp = leo.filter({ hasText: 'Pediatric check-up' });
  await expect(checkUp).toHaveCount(1);
  await checkUp.getByRole('link', { name: /^Manage visit/ }).click();
  await expect(staff.getByRole('heading', { level: 1, name: 'Visit: Leo Lopez' })).toBeVisible();
  await staff.getByLabel('Reason for cancelling (required)').fill('Leo is travelling.');
  await staff.getByRole('button', { name: 'Cancel this visit' }).click();
  await expect(staff.getByRole('status').filter({ hasText: 'Visit cancelled.' })).toBeVisible();
  await staffContext.close();

  // The scheduler runs (on Vercel, the cron route; the cancel also woke the clinic's pass after its response).
  const cron = await requestOnHost('root', '/api/cron/dispatch', { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(cron.status).toBe(200);

  // Maria's SMS: the clinic, the time, the hold and the link; nothing about the service.
  const sms = await latestOutboxMessage(browser, MARIA_PHONE, started, /\/portal\/waitlist\/offers\//);
  expect(sms).toContain('Sunrise Family Clinic');
  expect(sms).toContain('15 minutos');
  expect(sms).not.toContain('consulta');
  const link = /https?:\/\/\S+\/portal\/waitlist\/offers\/[A-Za-z0-9_.-]+/.exec(sms)?.[0];
  expect(link).toBeTruthy();

  // Signed out, on a phone: the offer in Maria's language, with the two buttons.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const offerPage = await phone.newPage();
  await offerPage.goto(link!);
  await expect(offerPage.getByRole('heading', { level: 1 })).toHaveText('Se liberó un horario en Sunrise Family Clinic');
  await expect(offerPage.getByText('Dr. Priya Patel')).toBeVisible();
  await expect(offerPage.getByText('Riverside', { exact: true })).toBeVisible();
  const startsAt = (await offerPage.locator('dd time').first().getAttribute('datetime'))!;
  expect(new Date(startsAt).toISOString()).toBe(startsAt);
  await expectAccessible(offerPage);
  await offerPage.getByRole('button', { name: 'Reservar este horario' }).click();
  await expect(offerPage.getByRole('heading', { level: 1 })).toHaveText('Su cita está reservada');
  await expect(offerPage.getByRole('status')).toContainText('Sunrise Family Clinic');
  await expectAccessible(offerPage);

  // The link again: answered, nothing more to press.
  await offerPage.goto(link!);
  await expect(offerPage.getByRole('heading', { level: 1 })).toHaveText('Ya respondió a esta oferta');
  await expect(offerPage.getByRole('button', { name: 'Reservar este horario' })).toHaveCount(0);
  await phone.close();

  // In the portal: Maria's Bookings list the visit at that time.
  await portalSignIn(page, browser, { host: 'sunrise', identifier: 'maria.lopez@sunrise.test', phone: MARIA_PHONE });
  await page.getByRole('button', { name: /Maria Lopez/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hello, Maria');
  await page.goto(hostUrl('sunrise', '/portal/bookings'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bookings');
  await expect(page.getByRole('link', { name: `Change time: Family consultation on ${visitTime(startsAt)}` })).toBeVisible();
  await expectAccessible(page);
});
