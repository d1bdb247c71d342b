import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';
import { futureWeekday, openScheduleWeekFor, scheduleAppointment } from './support/schedule';

test('front desk views the schedule by day and week, location and provider', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/schedule?view=nonsense&date=2030-02-31&location=not-an-id'));
  await expect(page.getByRole('heading', { level: 1, name: 'Schedule' })).toBeVisible();
  await expect(page.getByText(/Times in America\/Chicago \(C[SD]T\)/)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'View' }).getByRole('link', { name: 'Day' })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page);

  await page.getByRole('navigation', { name: 'View' }).getByRole('link', { name: 'Week' }).click();
  await expect(page).toHaveURL(/view=week/);
  await expect(page.getByTestId('schedule-day')).toHaveCount(7);
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Next week' }).click();
  await page.getByRole('link', { name: 'Today' }).click();
  await expect(page.getByTestId('schedule-day').filter({ hasText: 'Today' })).toHaveCount(1);

  await page.getByRole('navigation', { name: 'Group by' }).getByRole('link', { name: 'By provider' }).click();
  await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'Dr. Priya Patel' });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page).toHaveURL(/by=provider/);
  await expect(page.getByText('Dr. Priya Patel').first()).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('navigation', { name: 'View' }).getByRole('link', { name: 'Day' }).click();
  await expect(page).toHaveURL(/view=day/);
  await expectAccessible(page);

  // Seeded: Leo's check-up with Dr. Patel at Riverside is about ten days ahead (a weekday).
  const leo = await openScheduleWeekFor(page, { location: 'Riverside', patient: 'Leo Lopez', date: futureWeekday(10) });
  await expect(leo.first()).toBeVisible();
  await expect(leo.first()).toContainText('Dr. Priya Patel');
  await expect(leo.first()).toContainText(/Booked|Cancelled/);
  await expect(leo.first().getByRole('link', { name: 'Leo Lopez', exact: true })).toHaveAttribute('href', /\/emr\/patients\/[0-9a-f-]{36}$/);
  await expectAccessible(page);
});

test('front desk books, reschedules and cancels a staff-only visit', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/schedule'));
  await page.getByRole('link', { name: 'Book a visit' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Book a visit' })).toBeVisible();
  await page.getByLabel('Find the patient').fill('Robert Chen');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Choose Robert Chen' }).click();
  await expectAccessible(page);

  // Dr. Kim works at Downtown Monday to Thursday; the annual physical is staff-only.
  const day = futureWeekday(15, 2);
  await page.getByLabel('Location', { exact: true }).selectOption({ label: 'Downtown' });
  await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Annual physical (60 min, staff only)' });
  await page.getByLabel('Day', { exact: true }).fill(day);
  await page.getByRole('button', { name: 'Show free times' }).click();
  await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'Dr. Daniel Kim' });
  await page.getByRole('button', { name: 'Show free times' }).click();
  const times = page.getByRole('group', { name: /Free times on/ }).getByRole('radio');
  await expect(times.first()).toBeVisible();
  await expectAccessible(page);
  await times.first().check();
  await page.getByRole('button', { name: 'Book visit' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Visit booked.' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`date=${day}`));
  const booked = scheduleAppointment(page, 'Robert Chen', 'booked');
  await expect(booked).toHaveCount(1);
  await expect(booked).toContainText('Annual physical');
  await expect(booked).toContainText('Booked');
  await expectAccessible(page);

  // A visit in the future cannot be marked completed yet; the page says why.
  await booked.getByRole('link', { name: /^Manage visit: Robert Chen/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Visit: Robert Chen' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Mark completed' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'This visit has not started yet.' })).toBeVisible();

  // Move it to another free time the same day.
  const newTimes = page.getByRole('group', { name: /Free times on/ }).getByRole('radio');
  await expect(newTimes.first()).toBeVisible();
  await newTimes.first().check();
  await page.getByRole('button', { name: 'Move visit to this time' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Visit moved.' })).toBeVisible();
  await expect(scheduleAppointment(page, 'Robert Chen', 'booked')).toHaveCount(1);
  await expect(scheduleAppointment(page, 'Robert Chen', 'cancelled')).toContainText('Reason: Rescheduled');

  // Cancelling needs a reason.
  await scheduleAppointment(page, 'Robert Chen', 'booked').getByRole('link', { name: /^Manage visit/ }).click();
  await page.getByRole('button', { name: 'Cancel this visit' }).click();
  await expect(page.getByText('Enter a reason for the cancellation.')).toBeVisible();
  await expect(page.getByLabel('Reason for cancelling (required)')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Reason for cancelling (required)').fill('Patient asked to rebook next month.');
  await page.getByRole('button', { name: 'Cancel this visit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Visit cancelled.' })).toBeVisible();
  await expect(scheduleAppointment(page, 'Robert Chen', 'booked')).toHaveCount(0);
  await expect(page.getByText('Reason: Patient asked to rebook next month.')).toBeVisible();
  await expectAccessible(page);
});

test('support sees the schedule but cannot book or change it', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'support@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/schedule?view=week'));
  await expect(page.getByRole('heading', { level: 1, name: 'Schedule' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Book a visit' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /^Manage visit/ })).toHaveCount(0);
  const response = await page.goto(hostUrl('sunrise', '/emr/schedule/book'));
  expect(response?.status()).toBe(403);
});
