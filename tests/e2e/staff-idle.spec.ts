import { expect, test } from '@playwright/test';
import { staffSignIn } from './support/auth';
import { hostUrl } from './support/hosts';

/**
 * The staff idle warning (components/auth/idle-warning.tsx). A clinic's staff limit is five
 * minutes at least; playwright.config.ts gives Dr. Patel alone a 60-second limit on the test
 * server (STAFF_IDLE_TEST_ACCOUNTS), so the warning comes 30 seconds after the last page load.
 */
test('an idle staff member is warned, signed out, and finds the typed note again after signing in', async ({ page }) => {
  test.setTimeout(240_000);
  await staffSignIn(page, { area: 'emr', email: 'dr.patel@sunrise.test' });
  await page.goto(hostUrl('sunrise', '/emr/patients?q=SUN-10002'));
  await page.getByRole('link', { name: 'Lopez, Leo' }).click();
  await page.getByRole('link', { name: 'Notes', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Staff notes' })).toBeVisible();
  const notesUrl = page.url();
  const title = 'Thoughts for the next visit';
  const note = 'Leo slept better this week; recheck the inhaler technique at the next visit.';
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Note', { exact: true }).fill(note);

  const dialog = page.getByRole('alertdialog', { name: 'Are you still there?' });
  await expect(dialog).toBeVisible({ timeout: 45_000 });
  await expect(dialog).toContainText(/signed out in 0:[0-3]\d/);
  // A modal: focus starts on its button and Tab, either way, never leaves it for the page behind.
  const stay = dialog.getByRole('button', { name: 'Stay signed in' });
  await expect(stay).toBeFocused();
  for (const key of ['Tab', 'Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    await expect(stay).toBeFocused();
  }

  // Nobody answers: signed out for inactivity, with the way back to this page.
  await expect(page).toHaveURL(/\/emr\/sign-in\?(?=.*\breason=idle\b)(?=.*\bnext=%2Femr%2Fpatients%2F)/, { timeout: 45_000 });
  await expect(page.getByText(/inactivity/)).toBeVisible();

  await staffSignIn(page, { area: 'emr', email: 'dr.patel@sunrise.test', navigate: false });
  await expect(page).toHaveURL(notesUrl);
  await expect(page.getByRole('heading', { name: 'Staff notes' })).toBeVisible();
  await expect(page.getByLabel('Note', { exact: true })).toHaveValue(note);
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await expect(page.getByRole('status').filter({ hasText: 'is back in the form' })).toBeVisible();

  // Restored once: the draft is forgotten, so loading the page again shows an empty form.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Staff notes' })).toBeVisible();
  await expect(page.getByLabel('Note', { exact: true })).toHaveValue('');
});
