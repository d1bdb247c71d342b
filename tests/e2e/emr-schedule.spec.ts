import { expect, test } from '@playwright/test';
import { expectAccessible } from './support/a11y';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';
import { futureWeekday, openScheduleWeekFor, scheduleAppointment } from './support/schedule';
import { bookFromCell, dragVisit, gridCell, openScheduleDay, words } from './support/schedule-calendar';

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
  await expect(scheduleAppointment(page, 'Robert Chen', 'cancelled')).toContainText('Moved: the new visit');

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
  // The page's own permission check runs inside the area's loading boundary, which has already
  // streamed (status 200); what arrives is the refusal page, never the booking form.
  await page.goto(hostUrl('sunrise', '/emr/schedule/book'));
  await expect(page.getByRole('heading', { name: 'You don’t have access to this page' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Book a visit' })).toHaveCount(0);
});

// The calendar grid (issue 20 point 1). Dr. Kim works at Downtown Monday to Thursday, 09:00–17:00;
// each journey takes a day of its own five or more weeks ahead, where the seed books nothing.

test('front desk books from an empty slot of the calendar, the time already chosen', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  const day = futureWeekday(33, 3);
  const grid = await openScheduleDay(page, { location: 'Downtown', date: day });
  await expect(grid.getByRole('columnheader', { name: /^Dr\. Daniel Kim/ })).toBeVisible();
  await expect(grid.getByRole('rowheader', { name: words('9:00 AM') })).toBeVisible();
  await expectAccessible(page);

  // 2:15 PM is off the annual physical's hourly grid: the booking page adds it and keeps it chosen.
  await grid.getByRole('link', { name: words('Book 2:15 PM with Dr. Daniel Kim') }).click();
  await expect(page).toHaveURL(/time=14%3A15/);
  await page.getByLabel('Find the patient').fill('Robert Chen');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Choose Robert Chen' }).click();
  await expect(page.getByText(/Chosen on the calendar: 2:15\sPM/)).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Annual physical (60 min, staff only)' });
  await page.getByRole('button', { name: 'Show free times' }).click();
  await expect(page.getByRole('group', { name: /Free times on/ }).getByRole('radio', { name: /^2:15\sPM\sC[SD]T\swith\sDr\.\sDaniel\sKim$/ })).toBeChecked();
  await page.getByRole('button', { name: 'Book visit' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Visit booked.' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`date=${day}`));
  const booked = scheduleAppointment(page, 'Robert Chen', 'booked');
  await expect(booked).toContainText(/2:15\sPM\s–\s3:15\sPM/);
  await expect(booked).toContainText('Annual physical');
  // The booked quarter-hours are no longer offered; the next free one is.
  await expect(page.getByTestId('schedule-grid').getByRole('link', { name: words('Book 2:30 PM with Dr. Daniel Kim') })).toHaveCount(0);
  await expect(page.getByTestId('schedule-grid').getByRole('link', { name: words('Book 3:15 PM with Dr. Daniel Kim') })).toHaveCount(1);
  await expectAccessible(page);
});

test('front desk drags a visit to another time; a taken time says so in place and the visit stays', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  const day = futureWeekday(33, 4);
  await openScheduleDay(page, { location: 'Downtown', date: day });
  await bookFromCell(page, { time: '9:00 AM', provider: 'Dr. Daniel Kim', patient: 'Robert Chen', service: 'Family consultation (30 min)' });
  await bookFromCell(page, { time: '10:00 AM', provider: 'Dr. Daniel Kim', patient: 'Ana Lopez', service: 'Family consultation (30 min)' });

  const robert = scheduleAppointment(page, 'Robert Chen', 'booked');
  await expect(robert).toContainText(/9:00\sAM\s–\s9:30\sAM/);
  await dragVisit(page, robert, gridCell(page, '11:00 AM', 'Dr. Daniel Kim'), '11:00 AM · Dr. Daniel Kim');
  await expect(page.getByRole('status').filter({ hasText: /^Visit moved to .*11:00\sAM.* with Dr\. Daniel Kim\./ })).toBeVisible();
  await expect(robert).toContainText(/11:00\sAM\s–\s11:30\sAM/);
  await expect(scheduleAppointment(page, 'Robert Chen', 'cancelled')).toContainText('Moved: the new visit');

  // Onto Ana's visit: the same rules refuse it, the grid says why, the visit snaps back.
  await dragVisit(page, robert, gridCell(page, '10:00 AM', 'Dr. Daniel Kim'), '10:00 AM · Dr. Daniel Kim');
  await expect(page.getByTestId('schedule-move-notice')).toContainText(/Robert Chen’s visit was not moved: That time was just taken — pick another\. It stays at 11:00\sAM\./);
  await expect(robert).toHaveCount(1);
  await expect(robert).toContainText(/11:00\sAM\s–\s11:30\sAM/);
  // The dragged block is put back (its wrapper holds the drag's offset while the server decides).
  await expect(robert.locator('xpath=..')).toHaveCSS('transform', 'none');
  await expect(scheduleAppointment(page, 'Ana Lopez', 'booked')).toContainText(/10:00\sAM\s–\s10:30\sAM/);
  await expectAccessible(page);
});

test('front desk moves a visit with the keyboard through the Move dialog', async ({ page }) => {
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  const day = futureWeekday(40, 1);
  await openScheduleDay(page, { location: 'Downtown', date: day });
  await bookFromCell(page, { time: '9:30 AM', provider: 'Dr. Daniel Kim', patient: 'Robert Chen', service: 'Family consultation (30 min)' });

  const move = page.getByRole('button', { name: /^Move visit: Robert Chen/ });
  await move.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Move Robert Chen’s visit' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Provider')).toBeFocused();
  await expect(dialog.getByText(/^\d+ free times?\.$/)).toBeVisible();
  await expectAccessible(page);
  // Tab stays inside the modal dialog; Escape closes it and gives focus back to Move.
  // (Read from document.activeElement: a date field's parts are focused inside its own shadow
  // tree, where the dialog's `:focus` query does not look.) Nine presses go past the last control.
  for (let i = 0; i < 9; i++) {
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => Boolean(document.activeElement?.closest('dialog[open]')))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(move).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText(/^\d+ free times?\.$/)).toBeVisible();
  const time = dialog.getByLabel('New time');
  const one = time.getByRole('option', { name: /^1:00\sPM\sC[SD]T\swith\sDr\.\sDaniel\sKim$/ });
  await time.selectOption((await one.getAttribute('value'))!);
  await dialog.getByRole('button', { name: 'Move visit' }).press('Enter');

  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: /^Visit moved to .*1:00\sPM/ })).toBeVisible();
  await expect(page.locator(':focus')).toContainText('Visit moved to');
  await expect(scheduleAppointment(page, 'Robert Chen', 'booked')).toContainText(/1:00\sPM\s–\s1:30\sPM/);
  await expect(scheduleAppointment(page, 'Robert Chen', 'cancelled')).toContainText('Moved: the new visit');
  await expectAccessible(page);
});

test('the calendar fits a tablet: the grid scrolls inside its frame, not the page', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await staffSignIn(page, { area: 'emr', email: 'ops@sunrise.test' });
  await page.goto(hostUrl('sunrise', `/emr/schedule?view=week&by=location&date=${futureWeekday(33, 3)}`));
  const grid = page.getByTestId('schedule-grid');
  await expect(grid).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const frame = page.getByRole('region', { name: /rows of 15 minutes/ });
  expect(await frame.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  // The time axis stays in view when the grid scrolls sideways.
  await frame.evaluate((el) => { el.scrollLeft = 400; });
  await expect.poll(() => frame.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  const axis = grid.getByRole('rowheader').first();
  const frameBox = (await frame.boundingBox())!;
  const axisX = (await axis.boundingBox())!.x;
  expect(axisX).toBeGreaterThanOrEqual(frameBox.x - 1);
  expect(axisX).toBeLessThanOrEqual(frameBox.x + 2);
  await expectAccessible(page);
});
