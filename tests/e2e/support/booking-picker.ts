import { expect, type Page } from '@playwright/test';

/** A location's calendar date (YYYY-MM-DD) `days` from now, as the picker's day links name it. */
export function dateFrom(days: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(Date.now() + days * 86_400_000));
}

/**
 * On the booking time step (components/portal/bookings/time-picker.tsx): opens the first day with
 * free times on or after `from`, moving on a month when this one has none left; returns its date.
 */
export async function chooseDayFrom(page: Page, from: string): Promise<string> {
  await expect(page.getByRole('heading', { name: 'Choose a day and time' })).toBeVisible();
  for (let month = 0; month < 4; month++) {
    const dates = await page.locator('a[data-day]').evaluateAll((links) => links.map((a) => (a as HTMLElement).dataset['day'] ?? ''));
    const date = dates.find((d) => d >= from);
    if (date) {
      await page.locator(`a[data-day="${date}"]`).click();
      await expect(page.locator(`a[data-day="${date}"]`)).toHaveAttribute('aria-current', 'date');
      return date;
    }
    const caption = await page.locator('#month-heading').textContent();
    await page.getByRole('link', { name: 'Next month' }).click();
    await expect(page.locator('#month-heading')).not.toHaveText(caption ?? '');
  }
  throw new Error(`no free day on or after ${from} within four months`);
}

/** Chooses a time of the day shown (the first, or the last, other than `avoid`); returns its instant. */
export async function chooseTime(page: Page, options: { avoid?: string; last?: boolean } = {}): Promise<string> {
  const times = page.locator(options.avoid ? `button[name="slot"]:not([value="${options.avoid}"])` : 'button[name="slot"]');
  const time = options.last ? times.last() : times.first();
  await expect(time).toBeVisible();
  const slot = (await time.getAttribute('value'))!;
  await time.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Check and confirm|Change the time of a visit/);
  return slot;
}
