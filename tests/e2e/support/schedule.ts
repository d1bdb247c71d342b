import { expect, type Locator, type Page } from '@playwright/test';
import { hostUrl } from './hosts';

/**
 * A local calendar date `days` from today, moved forward to `weekday` (1 = Monday) when given,
 * otherwise past a weekend as the demo seed does.
 */
export function futureWeekday(days: number, weekday?: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  while (weekday === undefined ? [0, 6].includes(d.getDay()) : d.getDay() !== weekday) d.setDate(d.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The appointment cards of one patient in the schedule, optionally only those with a status
 * ('booked', 'cancelled', 'completed', 'no_show'). A rescheduled visit leaves a cancelled card
 * behind, so pass a status to tell them apart.
 */
export function scheduleAppointment(page: Page, patientName: string, status?: string): Locator {
  const statusFilter = status ? `[data-status=${JSON.stringify(status)}]` : '';
  return page.locator(`[data-testid="schedule-appointment"][data-patient=${JSON.stringify(patientName)}]${statusFilter}`);
}

/**
 * Given a page signed in as staff (schedule.view), opens the week view of `location` ('Downtown',
 * 'Riverside') holding `date` (YYYY-MM-DD; today by default) and returns the locator of the
 * patient's appointments there.
 */
export async function openScheduleWeekFor(
  page: Page,
  opts: { location: string; patient: string; date?: string; status?: string; host?: string },
): Promise<Locator> {
  const params = new URLSearchParams({ view: 'week', by: 'location', ...(opts.date ? { date: opts.date } : {}) });
  await page.goto(hostUrl(opts.host ?? 'sunrise', `/emr/schedule?${params}`));
  await page.getByLabel('Location', { exact: true }).selectOption({ label: opts.location });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page).toHaveURL(/view=week/);
  await expect(page.getByRole('heading', { level: 1, name: 'Schedule' })).toBeVisible();
  await expect(page.getByLabel('Location', { exact: true }).locator('option:checked')).toHaveText(opts.location);
  return scheduleAppointment(page, opts.patient, opts.status);
}
