import { expect, type Locator, type Page } from '@playwright/test';
import { hostUrl } from './hosts';

/**
 * The EMR schedule's calendar grid (components/emr/schedule/schedule-grid.tsx): open a day of a
 * location, book from a free cell, drag a visit onto a cell. Cells carry `data-label`
 * ("9:15 AM · Dr. Daniel Kim" in a day view), visits `data-testid="schedule-appointment"` inside
 * a draggable wrapper (`data-drag-id`).
 */

/** A whole text as a pattern, any space matching any space (Intl may put U+202F before AM/PM). */
export function words(text: string, { prefix = false } = {}): RegExp {
  const body = text.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+');
  return new RegExp(`^${body}${prefix ? '' : '$'}`);
}

/** Given a page signed in as staff, the day view of `location` on `date` (YYYY-MM-DD). */
export async function openScheduleDay(page: Page, opts: { location: string; date: string }): Promise<Locator> {
  await page.goto(hostUrl('sunrise', `/emr/schedule?${new URLSearchParams({ view: 'day', by: 'location', date: opts.date })}`));
  await page.getByLabel('Location', { exact: true }).selectOption({ label: opts.location });
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Schedule' })).toBeVisible();
  await expect(page.getByLabel('Location', { exact: true }).locator('option:checked')).toHaveText(opts.location);
  await expect(page).toHaveURL(new RegExp(`date=${opts.date}`));
  const grid = page.getByTestId('schedule-grid');
  await expect(grid).toBeVisible();
  return grid;
}

/**
 * From the day view, books `patient` for `service` in the free cell at `time` ('10:00 AM') of
 * `provider`'s column, through the booking page the cell opens (the time comes preselected).
 */
export async function bookFromCell(page: Page, opts: { time: string; provider: string; patient: string; service: string }) {
  await page.getByTestId('schedule-grid').getByRole('link', { name: words(`Book ${opts.time} with ${opts.provider}`) }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Book a visit' })).toBeVisible();
  await page.getByLabel('Find the patient').fill(opts.patient);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: `Choose ${opts.patient}` }).click();
  await page.getByLabel('Service', { exact: true }).selectOption({ label: opts.service });
  await page.getByRole('button', { name: 'Show free times' }).click();
  const label = words(`${opts.time} CST with ${opts.provider}`).source.replace('CST', 'C[SD]T');
  const chosen = page.getByRole('group', { name: /Free times on/ }).getByRole('radio', { name: new RegExp(label) });
  await expect(chosen).toBeChecked();
  await page.getByRole('button', { name: 'Book visit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Visit booked.' })).toBeVisible();
}

/** The cell of a day view at `time` ('10:00 AM') in `column`'s column. */
export function gridCell(page: Page, time: string, column: string): Locator {
  const [clock, half] = time.split(' ');
  // The label's space before AM/PM may be U+202F: match the parts around it.
  return page.locator(`td[data-label^=${JSON.stringify(`${clock}`)}][data-label$=${JSON.stringify(`${half} · ${column}`)}]`);
}

/**
 * Drags a visit with the mouse so that its top lands on `target`'s cell, checking the time shown
 * while dragging; holds it by its time line (not a link or button, which keep their clicks).
 */
export async function dragVisit(page: Page, visit: Locator, target: Locator, expectLabel: string) {
  await visit.scrollIntoViewIfNeeded();
  await target.scrollIntoViewIfNeeded();
  const from = (await visit.boundingBox())!;
  const to = (await target.boundingBox())!;
  const grab = { x: from.x + 6, y: from.y + 6 };
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + 10, grab.y + 10, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + 6, { steps: 12 });
  await expect(page.getByText(words(`Move to ${expectLabel}`))).toBeVisible();
  await page.mouse.up();
}
